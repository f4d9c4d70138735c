using System.Globalization;
using System.Text;

namespace GitOpsBridge.Core.Yaml;

/// <summary>
/// Paths in the syntax of the fixtures' MANIFEST.tsv: dots between keys, <c>[i]</c> for a sequence
/// index, <c>[name=X]</c> for the entry whose <c>name</c> is X, a <c>doc[N]:</c> prefix for a
/// document of a multi-document file, and <c>a.b|x.y</c> for YAML embedded in the string at a.b.
/// </summary>
internal static class YamlPath
{
    public static string Key(string parent, string key)
    {
        var safe = key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '/' or '$' or '@');
        var segment = safe ? key : "[\"" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"]";
        if (parent.Length == 0)
        {
            return segment;
        }

        return safe ? parent + "." + segment : parent + segment;
    }

    public static string Index(string parent, int index) => parent + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    public static string Named(string parent, string name) => parent + "[name=" + name + "]";

    public static string WithDocument(int document, int documentCount, string path) =>
        documentCount > 1 ? "doc[" + document.ToString(CultureInfo.InvariantCulture) + "]:" + path : path;

    public static string Embedded(string outer, string inner) => outer + "|" + inner;

    /// <summary>A segment of a parsed path.</summary>
    internal abstract record Segment;

    internal sealed record KeySegment(string Key) : Segment;

    internal sealed record IndexSegment(int Index) : Segment;

    /// <summary><c>[field=value]</c>: the entry whose scalar <c>field</c> is <c>value</c>; <c>[name=X]</c> is the usual one.</summary>
    internal sealed record FieldSegment(string Field, string Value) : Segment;

    /// <summary>Parses a relative path such as <c>image.tag</c>, <c>containers[0].image</c> or <c>images[name=api]</c>.</summary>
    public static bool TryParse(string path, out IReadOnlyList<Segment> segments, out string? error)
    {
        var result = new List<Segment>();
        segments = result;
        error = null;
        var i = 0;
        var expectKey = true;
        while (i < path.Length)
        {
            var c = path[i];
            if (c == '.')
            {
                if (expectKey)
                {
                    error = $"empty key at position {i + 1}";
                    return false;
                }

                expectKey = true;
                i++;
                continue;
            }

            if (c == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    error = $"unclosed '[' at position {i + 1}";
                    return false;
                }

                var inner = path[(i + 1)..close];
                if (inner.StartsWith('"') && inner.EndsWith('"') && inner.Length >= 2)
                {
                    result.Add(new KeySegment(inner[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal)));
                }
                else if (inner.IndexOf('=', StringComparison.Ordinal) is > 0 and var eq && eq < inner.Length - 1)
                {
                    result.Add(new FieldSegment(inner[..eq], inner[(eq + 1)..]));
                }
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    result.Add(new IndexSegment(index));
                }
                else
                {
                    error = $"'[{inner}]' is neither an index, [name=X] nor a quoted key";
                    return false;
                }

                i = close + 1;
                expectKey = false;
                continue;
            }

            if (!expectKey)
            {
                error = $"expected '.' or '[' at position {i + 1}";
                return false;
            }

            var sb = new StringBuilder();
            while (i < path.Length && path[i] is not '.' and not '[')
            {
                sb.Append(path[i]);
                i++;
            }

            result.Add(new KeySegment(sb.ToString()));
            expectKey = false;
        }

        if (result.Count == 0 || (expectKey && path.Length > 0))
        {
            error = path.Length == 0 ? "the path is empty" : "the path ends with '.'";
            return false;
        }

        return true;
    }

    /// <summary>Resolves a relative path under a node; null when any segment is missing.</summary>
    public static YamlNode? Resolve(YamlNode? node, IReadOnlyList<Segment> segments)
    {
        foreach (var segment in segments)
        {
            node = (segment, node) switch
            {
                (KeySegment k, YamlMappingNode m) => m.Get(k.Key),
                (IndexSegment ix, YamlSequenceNode s) => ix.Index < s.Items.Count ? s.Items[ix.Index] : null,
                (FieldSegment f, YamlSequenceNode s) => s.Items.OfType<YamlMappingNode>().FirstOrDefault(e => e.GetScalar(f.Field)?.Value == f.Value),
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }
}
