using System.Text;

namespace GitOpsBridge.Core.Yaml;

/// <summary>
/// A set of edits to one YAML text. <see cref="Apply"/> splices them into the original, re-parses
/// the result and proves that the tree changed exactly as intended, or refuses and says why.
/// </summary>
internal sealed class YamlSplice(YamlText source)
{
    private readonly List<(int Start, int End, string Text)> _splices = [];
    private readonly Dictionary<YamlNode, YamlCanon> _replace = [];
    private readonly Dictionary<YamlNode, List<YamlCanon>> _append = [];
    private readonly List<(int Document, YamlCanon Root)> _newRoots = [];

    public YamlText Source { get; } = source;

    public bool IsEmpty => _splices.Count == 0;

    /// <summary>The text replacements made so far, in the order they were added.</summary>
    public IReadOnlyList<(int Start, int End, string Text)> Splices => _splices;

    /// <summary>Replaces a scalar's value, keeping its quoting where the value allows.</summary>
    public void SetScalar(YamlScalarNode node, string value)
    {
        Guard(node);
        if (node.Value == value && ScalarText.ResolvedType(node) == "str")
        {
            return;
        }

        Splice(node.Start, node.End, ScalarText.Render(value, node));
        _replace[node] = YamlCanon.Scalar(value);
    }

    /// <summary>Records a change inside a block scalar whose text was edited through an embedded splice.</summary>
    public void SetBlockText(YamlScalarNode node, IEnumerable<(int Start, int End, string Text)> splices, string newValue)
    {
        Guard(node);
        foreach (var (start, end, text) in splices)
        {
            Splice(start, end, text);
        }

        _replace[node] = YamlCanon.Scalar(newValue);
    }

    /// <summary>Inserts text that adds <paramref name="added"/> at the end of <paramref name="collection"/>.</summary>
    public void Insert(int offset, string text, YamlNode collection, params YamlCanon[] added)
    {
        Splice(offset, offset, text);
        if (!_append.TryGetValue(collection, out var list))
        {
            _append[collection] = list = [];
        }

        list.AddRange(added);
    }

    private void Guard(YamlScalarNode node)
    {
        if (node.Anchor is not null)
        {
            throw new ManifestEditException($"{ScalarText.Describe(node)} carries the anchor &{node.Anchor}; changing it would change every alias of it");
        }

        if (node.Tag is not null)
        {
            throw new ManifestEditException($"{ScalarText.Describe(node)} has the explicit tag {node.Tag}");
        }

        if (node.IsKey)
        {
            throw new ManifestEditException($"{ScalarText.Describe(node)} is a mapping key");
        }
    }

    private void Splice(int start, int end, string text)
    {
        foreach (var (s, e, _) in _splices)
        {
            if (start < e && s < end || (start == end && start == s && s == e))
            {
                throw new ManifestEditException("two edits overlap in one place of the file");
            }
        }

        _splices.Add((start, end, text));
    }

    /// <summary>The spliced text, without BOM; not verified.</summary>
    public string SplicedText()
    {
        var text = Source.Text;
        var sb = new StringBuilder(text.Length + 64);
        var at = 0;
        foreach (var (start, end, insert) in _splices.OrderBy(s => s.Start).ThenBy(s => s.End))
        {
            sb.Append(text, at, start - at).Append(insert);
            at = end;
        }

        return sb.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>
    /// Applies the edits and returns the new file text (BOM restored), after proving by re-parsing
    /// that only the intended nodes changed. Throws <see cref="ManifestEditException"/> otherwise.
    /// </summary>
    public string Apply()
    {
        var spliced = SplicedText();
        Verify(spliced);
        return Source.ToFileText(spliced);
    }

    /// <summary>Re-parses the spliced text and compares its meaning with the intended one.</summary>
    public YamlText Verify(string spliced)
    {
        YamlText after;
        try
        {
            after = YamlText.Parse(spliced, verification: true);
        }
        catch (ManifestEditException ex)
        {
            throw new ManifestEditException($"the edited file would not parse back ({ex.Message}); nothing was changed");
        }

        if (after.Documents.Count != Source.Documents.Count)
        {
            throw new ManifestEditException("the edit would change the number of documents in the file; nothing was changed");
        }

        for (var i = 0; i < Source.Documents.Count; i++)
        {
            var diff = YamlCanon.Compare(Source.Documents[i].Root, after.Documents[i].Root, _replace, _append);
            if (diff is not null)
            {
                var where = Source.Documents.Count > 1 ? $"document {i}: " : "";
                throw new ManifestEditException($"the edit would also change {where}{diff}; nothing was changed");
            }
        }

        return after;
    }
}
