using GitOpsBridge.Core.Planning;
using YamlDotNet.RepresentationModel;

namespace GitOpsBridge.Core.Tests.Support;

/// <summary>Assertions that an edit changed exactly the intended scalars, byte for byte.</summary>
internal static class PlanAssert
{
    /// <summary>
    /// Every line outside the changed scalars is identical; each changed line differs only in the
    /// scalar; and re-parsing with YamlDotNet gives the original tree except at the changed nodes.
    /// </summary>
    public static void OnlyScalarsChanged(Plan plan, FileEdit edit)
    {
        var changes = plan.Changes.Where(c => c.File == edit.File && c.Environment == edit.Environment).ToList();
        var oldLines = Lines(edit.OldText);
        var newLines = Lines(edit.NewText);
        Assert.Equal(oldLines.Count, newLines.Count);

        var changedLines = Enumerable.Range(0, oldLines.Count).Where(i => oldLines[i] != newLines[i]).Select(i => i + 1).ToHashSet();
        Assert.Equal(changes.Select(c => c.Line).ToHashSet(), changedLines);

        foreach (var change in changes)
        {
            var oldLine = oldLines[change.Line - 1];
            var newLine = newLines[change.Line - 1];
            var at = Common(oldLine, newLine);
            var oldMiddle = oldLine[at.Prefix..(oldLine.Length - at.Suffix)];
            var newMiddle = newLine[at.Prefix..(newLine.Length - at.Suffix)];
            // The differing part of each line lies inside the scalar: nothing around it moved.
            Assert.True(change.Old.Contains(Unquote(oldMiddle), StringComparison.Ordinal) && change.New.Contains(Unquote(newMiddle), StringComparison.Ordinal),
                $"line {change.Line}: '{oldLine.TrimEnd()}' → '{newLine.TrimEnd()}' changes more than the scalar {change.Old} → {change.New}");
            Assert.Contains(change.New, newLine, StringComparison.Ordinal);
        }

        var before = Flatten(edit.OldText);
        var after = Flatten(edit.NewText);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var differing = before.Keys.Where(k => before[k] != after[k]).ToList();
        Assert.InRange(differing.Count, 1, changes.Count);
    }

    private static string Unquote(string s) => s.Trim('"', '\'');

    private static (int Prefix, int Suffix) Common(string a, string b)
    {
        var p = 0;
        while (p < a.Length && p < b.Length && a[p] == b[p])
        {
            p++;
        }

        var s = 0;
        while (s < a.Length - p && s < b.Length - p && a[^(s + 1)] == b[^(s + 1)])
        {
            s++;
        }

        return (p, s);
    }

    public static List<string> Lines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }

    /// <summary>Every scalar by path, parsed with YamlDotNet's own representation model.</summary>
    public static Dictionary<string, string> Flatten(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text.TrimStart('\uFEFF')));
        var result = new Dictionary<string, string>();
        for (var d = 0; d < stream.Documents.Count; d++)
        {
            Walk(stream.Documents[d].RootNode, $"doc{d}:", result);
        }

        return result;
    }

    private static void Walk(YamlNode node, string path, Dictionary<string, string> result)
    {
        switch (node)
        {
            case YamlScalarNode s:
                result[path] = (s.Style is YamlDotNet.Core.ScalarStyle.Plain ? "plain:" : "quoted:") + s.Value;
                break;
            case YamlSequenceNode q:
                for (var i = 0; i < q.Children.Count; i++)
                {
                    Walk(q.Children[i], $"{path}[{i}]", result);
                }

                break;
            case YamlMappingNode m:
                foreach (var (k, v) in m.Children)
                {
                    Walk(v, $"{path}.{k}", result);
                }

                break;
        }
    }
}
