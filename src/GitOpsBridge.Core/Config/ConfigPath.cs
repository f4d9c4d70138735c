using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GitOpsBridge.Core.Config;

/// <summary>Key paths as error messages show them: <c>environments.dev.files[0].helm.image</c>.</summary>
internal static partial class ConfigPath
{
    public const string Root = "";

    public static string Child(string parent, string key)
    {
        var segment = PlainKey().IsMatch(key) ? key : $"[{Quote(key)}]";
        return parent.Length == 0 || segment[0] == '[' ? parent + segment : $"{parent}.{segment}";
    }

    public static string Item(string parent, int index) => $"{parent}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>"path: " before a message, or nothing at the top level.</summary>
    public static string Prefix(string path) => path.Length == 0 ? string.Empty : path + ": ";

    /// <summary>"in path", or "at the top level".</summary>
    public static string Where(string path) => path.Length == 0 ? "at the top level" : "in " + path;

    /// <summary>A value quoted for a message: escaped, and shortened when long.</summary>
    public static string Quote(string value)
    {
        const int MaxLength = 60;
        var builder = new StringBuilder("\"");
        foreach (var character in value.Length > MaxLength ? value[..MaxLength] : value)
        {
            _ = character switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\t' => builder.Append("\\t"),
                _ when char.IsControl(character) => builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)character:x4}"),
                _ => builder.Append(character),
            };
        }

        return builder.Append(value.Length > MaxLength ? "…\"" : "\"").ToString();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex PlainKey();
}
