using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace GitOpsBridge.Core.Yaml;

/// <summary>How scalar text is read and written without changing what it means.</summary>
internal static partial class ScalarText
{
    /// <summary>
    /// The type a plain scalar resolves to. Kubernetes tooling reads YAML 1.1 (sigs.k8s.io/yaml,
    /// go-yaml v2) while newer tools read YAML 1.2, so anything either would take as a non-string
    /// counts as one: <c>1.10</c> is a float, <c>yes</c> a bool, <c>0o17</c> an int.
    /// </summary>
    public static string ResolvedType(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Tag is null ? ResolvePlain(scalar.Value) : "str";

    public static string ResolvePlain(string value)
    {
        if (value.Length == 0 || value is "~" || NullPattern().IsMatch(value))
        {
            return "null";
        }

        if (BoolPattern().IsMatch(value))
        {
            return "bool";
        }

        if (IntPattern().IsMatch(value))
        {
            return "int";
        }

        if (FloatPattern().IsMatch(value))
        {
            return "float";
        }

        return "str";
    }

    /// <summary>
    /// Renders a string value for the place of <paramref name="original"/>, keeping its quoting. A
    /// plain value that would not read back as the same string is double-quoted instead.
    /// </summary>
    public static string Render(string value, YamlScalarNode original)
    {
        if (value.Any(c => char.IsControl(c)))
        {
            throw new ManifestEditException("the new value contains a control character");
        }

        return original.Style switch
        {
            ScalarStyle.SingleQuoted => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'",
            ScalarStyle.DoubleQuoted => DoubleQuote(value),
            ScalarStyle.Literal or ScalarStyle.Folded => throw new ManifestEditException(
                $"{Describe(original)} is a block scalar; the bridge only rewrites single-line values"),
            _ => IsSafePlain(value, original.InFlow) ? value : DoubleQuote(value),
        };
    }

    public static string DoubleQuote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }

    /// <summary>True when <paramref name="value"/> can be written plain and reads back as that same string.</summary>
    public static bool IsSafePlain(string value, bool inFlow)
    {
        if (value.Length == 0 || ResolvePlain(value) != "str")
        {
            return false;
        }

        if ("-?:,[]{}#&*!|>'\"%@`".Contains(value[0], StringComparison.Ordinal) || value[0] == ' ' || value[^1] == ' ' || value[^1] == ':')
        {
            return false;
        }

        if (value.Contains(": ", StringComparison.Ordinal) || value.Contains(" #", StringComparison.Ordinal) || value.Contains('\t', StringComparison.Ordinal))
        {
            return false;
        }

        return !inFlow || value.IndexOfAny([',', '[', ']', '{', '}']) < 0;
    }

    public static string Describe(YamlNode node) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the value at {(node.Path.Length == 0 ? "the document root" : node.Path)} (line {node.Line})");

    [GeneratedRegex("^(?:null|Null|NULL)$")]
    private static partial Regex NullPattern();

    [GeneratedRegex("^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex BoolPattern();

    [GeneratedRegex("^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?:[eE][-+]?[0-9]+)|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();
}
