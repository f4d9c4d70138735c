using System.Globalization;

namespace GitOpsBridge.Core.Yaml;

/// <summary>
/// The meaning of a YAML tree with its formatting removed: kinds, scalar values and the types
/// plain scalars resolve to. Two files with equal canons mean the same to every consumer.
/// </summary>
internal sealed record YamlCanon(char Kind, string? Value, string? Type, IReadOnlyList<YamlCanon> Children)
{
    public static YamlCanon Scalar(string value, string type = "str") => new('s', value, type, []);

    public static YamlCanon Map(params (string Key, YamlCanon Value)[] entries) =>
        new('m', null, null, entries.SelectMany(e => new[] { Scalar(e.Key), e.Value }).ToList());

    public static YamlCanon Seq(params YamlCanon[] items) => new('q', null, null, items);

    /// <summary>Builds the canon of <paramref name="node"/>, replacing and extending nodes as the edit intends.</summary>
    public static YamlCanon? Of(YamlNode? node, IReadOnlyDictionary<YamlNode, YamlCanon> replace, IReadOnlyDictionary<YamlNode, List<YamlCanon>> append)
    {
        if (node is null)
        {
            return null;
        }

        if (replace.TryGetValue(node, out var replacement))
        {
            return replacement;
        }

        List<YamlCanon> children = [];
        YamlCanon result;
        switch (node)
        {
            case YamlScalarNode s:
                // Anchors and tags are part of the meaning: keep them in the canon so a change shows.
                result = new('s', s.Value, ScalarText.ResolvedType(s) + (s.Anchor is null ? "" : "&" + s.Anchor) + (s.Tag is null ? "" : "!" + s.Tag), []);
                return result;
            case YamlAliasNode a:
                return new('a', a.Name, null, []);
            case YamlMappingNode m:
                foreach (var (k, v) in m.Entries)
                {
                    children.Add(Of(k, replace, append)!);
                    children.Add(Of(v, replace, append)!);
                }

                break;
            case YamlSequenceNode q:
                children.AddRange(q.Items.Select(i => Of(i, replace, append)!));
                break;
        }

        if (append.TryGetValue(node, out var extra))
        {
            children.AddRange(extra);
        }

        return new(node is YamlMappingNode ? 'm' : 'q', node.Anchor, node.Tag, children);
    }

    /// <summary>Null when equal; otherwise where and how the two differ, for the refusal message.</summary>
    public static string? Difference(YamlCanon? expected, YamlCanon? actual, string path = "")
    {
        var at = path.Length == 0 ? "the root" : path;
        if (expected is null || actual is null)
        {
            return expected is null && actual is null ? null : $"{at} appeared or disappeared";
        }

        if (expected.Kind != actual.Kind)
        {
            return $"{at} changed kind";
        }

        if (expected.Value != actual.Value || expected.Type != actual.Type)
        {
            return expected.Kind == 's'
                ? $"{at} would read as {Show(actual)} instead of {Show(expected)}"
                : $"{at} changed its anchor or tag";
        }

        if (expected.Children.Count != actual.Children.Count)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{at} has {actual.Children.Count} children instead of {expected.Children.Count}");
        }

        for (var i = 0; i < expected.Children.Count; i++)
        {
            var childPath = expected.Kind == 'm'
                ? (i % 2 == 0 ? path : YamlPath.Key(path, expected.Children[i - 1].Value ?? "?"))
                : YamlPath.Index(path, i);
            var diff = Difference(expected.Children[i], actual.Children[i], childPath);
            if (diff is not null)
            {
                return diff;
            }
        }

        return null;
    }

    private static string Show(YamlCanon c) => c.Value is null ? "null" : $"\"{(c.Value.Length > 60 ? c.Value[..60] + "…" : c.Value)}\" ({c.Type})";
}
