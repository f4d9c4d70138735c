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

    /// <summary>Builds the canon of <paramref name="node"/>.</summary>
    public static YamlCanon? Of(YamlNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode s:
                // Anchors and tags are part of the meaning: keep them in the canon so a change shows.
                return new('s', s.Value, ScalarText.ResolvedType(s) + (s.Anchor is null ? "" : "&" + s.Anchor) + (s.Tag is null ? "" : "!" + s.Tag), []);
            case YamlAliasNode a:
                return new('a', a.Name, null, []);
            case YamlMappingNode m:
                return new('m', m.Anchor, m.Tag, m.Entries.SelectMany(e => new[] { Of(e.Key)!, Of(e.Value)! }).ToList());
            default:
                var q = (YamlSequenceNode)node;
                return new('q', q.Anchor, q.Tag, q.Items.Select(i => Of(i)!).ToList());
        }
    }

    /// <summary>
    /// Compares the original tree, as the edit intends to change it, with the re-parsed one. Walks
    /// both in parallel and builds canons only where the edit replaced or added nodes; an unchanged
    /// scalar with the same text and style needs no type resolution, because it resolves the same.
    /// </summary>
    public static string? Compare(YamlNode? original, YamlNode? actual, IReadOnlyDictionary<YamlNode, YamlCanon> replace, IReadOnlyDictionary<YamlNode, List<YamlCanon>> append, string path = "")
    {
        var at = path.Length == 0 ? "the root" : path;
        if (original is null || actual is null)
        {
            return original is null && actual is null ? null : $"{at} appeared or disappeared";
        }

        if (replace.TryGetValue(original, out var intended))
        {
            return Difference(intended, Of(actual), path);
        }

        switch (original, actual)
        {
            case (YamlScalarNode o, YamlScalarNode a):
                var sameText = o.Value == a.Value && (o.Style == a.Style || (IsPlain(o) && IsPlain(a))) && o.Anchor == a.Anchor && o.Tag == a.Tag;
                return sameText ? null : Difference(Of(o), Of(a), path);
            case (YamlAliasNode o, YamlAliasNode a):
                return o.Name == a.Name ? null : $"{at} refers to *{a.Name} instead of *{o.Name}";
            case (YamlMappingNode o, YamlMappingNode a):
            {
                if (o.Anchor != a.Anchor || o.Tag != a.Tag)
                {
                    return $"{at} changed its anchor or tag";
                }

                var extra = append.TryGetValue(o, out var list) ? list : null;
                var expectedCount = o.Entries.Count + ((extra?.Count ?? 0) / 2);
                if (a.Entries.Count != expectedCount)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{at} has {a.Entries.Count} keys instead of {expectedCount}");
                }

                for (var i = 0; i < o.Entries.Count; i++)
                {
                    var key = o.Entries[i].Key;
                    var childPath = key is YamlScalarNode ks ? YamlPath.Key(path, ks.Value) : path;
                    var diff = Compare(key, a.Entries[i].Key, replace, append, childPath) ?? Compare(o.Entries[i].Value, a.Entries[i].Value, replace, append, childPath);
                    if (diff is not null)
                    {
                        return diff;
                    }
                }

                for (var i = o.Entries.Count; i < a.Entries.Count; i++)
                {
                    var j = (i - o.Entries.Count) * 2;
                    var diff = Difference(extra![j], Of(a.Entries[i].Key), path) ?? Difference(extra[j + 1], Of(a.Entries[i].Value), path);
                    if (diff is not null)
                    {
                        return diff;
                    }
                }

                return null;
            }

            case (YamlSequenceNode o, YamlSequenceNode a):
            {
                if (o.Anchor != a.Anchor || o.Tag != a.Tag)
                {
                    return $"{at} changed its anchor or tag";
                }

                var extra = append.TryGetValue(o, out var list) ? list : null;
                var expectedCount = o.Items.Count + (extra?.Count ?? 0);
                if (a.Items.Count != expectedCount)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{at} has {a.Items.Count} items instead of {expectedCount}");
                }

                for (var i = 0; i < a.Items.Count; i++)
                {
                    var diff = i < o.Items.Count
                        ? Compare(o.Items[i], a.Items[i], replace, append, YamlPath.Index(path, i))
                        : Difference(extra![i - o.Items.Count], Of(a.Items[i]), YamlPath.Index(path, i));
                    if (diff is not null)
                    {
                        return diff;
                    }
                }

                return null;
            }

            default:
                return $"{at} changed kind";
        }
    }

    private static bool IsPlain(YamlScalarNode s) => s.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any;


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
