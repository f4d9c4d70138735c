using GitOpsBridge.Core.Yaml;

namespace GitOpsBridge.Core.Manifests;

/// <summary>A Kustomize <c>images</c> entry to add because the kustomization has none for the image.</summary>
internal sealed record KustomizeEntryAddition(YamlMappingNode Root, string Name, string? NewName, string? NewTag, string? Digest, int Document, int DocumentCount)
{
    public string Path => YamlPath.WithDocument(Document, DocumentCount, YamlPath.Named("images", Name) + (NewTag is not null ? ".newTag" : ".digest"));
}

/// <summary>
/// Applies the changes planned for one file as splices into its original text and verifies the
/// result: scalars keep their quoting and line, other bytes do not move, and the re-parsed tree
/// equals the original except at the intended nodes. Throws <see cref="ManifestEditException"/>
/// with the reason when that cannot be proven.
/// </summary>
internal static class ManifestEditor
{
    public static string Apply(YamlText yaml, IEnumerable<ScalarChange> changes, IEnumerable<KeyAddition> keys, IEnumerable<KustomizeEntryAddition> entries)
    {
        var splice = new YamlSplice(yaml);
        foreach (var group in changes.GroupBy(c => c.Site.Embedded))
        {
            if (group.Key is null)
            {
                foreach (var change in group)
                {
                    splice.SetScalar(change.Node, change.NewValue);
                }

                continue;
            }

            var embedded = group.Key;
            var inner = new YamlSplice(embedded.Inner);
            foreach (var change in group)
            {
                inner.SetScalar(change.Node, change.NewValue);
            }

            var innerText = inner.SplicedText();
            inner.Verify(innerText);
            var mapped = inner.Splices.Select(s =>
            {
                var (start, end) = EmbeddedYaml.MapSpan(yaml, embedded, s.Start, s.End);
                return (start, end, s.Text);
            }).ToList();
            splice.SetBlockText(embedded.Block, mapped, innerText);
        }

        foreach (var key in keys)
        {
            AddKey(splice, key.Entry, key.Key, key.Value);
        }

        foreach (var entry in entries)
        {
            AddEntry(splice, entry);
        }

        return splice.Apply();
    }

    private static void AddKey(YamlSplice splice, YamlMappingNode entry, string key, string value)
    {
        if (entry.IsFlow || entry.Entries.Count == 0 || entry.Entries[^1].Value is not YamlScalarNode { IsBlock: false } last || entry.Entries[0].Key is not YamlScalarNode firstKey)
        {
            throw new ManifestEditException($"cannot add {key} to the images entry at line {entry.Line}: it is not a simple block mapping");
        }

        var yaml = splice.Source;
        var at = EndOfLine(yaml.Text, last.End);
        var line = yaml.Newline + new string(' ', firstKey.Column - 1) + key + ": " + Render(value);
        splice.Insert(at, line, entry, YamlCanon.Scalar(key), YamlCanon.Scalar(value));
    }

    private static void AddEntry(YamlSplice splice, KustomizeEntryAddition add)
    {
        var yaml = splice.Source;
        var nl = yaml.Newline;
        var fields = new List<(string Key, string Value)> { ("name", add.Name) };
        if (add.NewName is not null)
        {
            fields.Add(("newName", add.NewName));
        }

        if (add.NewTag is not null)
        {
            fields.Add(("newTag", add.NewTag));
        }

        if (add.Digest is not null)
        {
            fields.Add(("digest", add.Digest));
        }

        var canon = YamlCanon.Map(fields.Select(f => (f.Key, YamlCanon.Scalar(f.Value))).ToArray());
        if (add.Root.IsFlow)
        {
            throw new ManifestEditException("the kustomization is written in flow style; add the images entry by hand");
        }

        var images = add.Root.Get("images");
        if (images is YamlSequenceNode { IsFlow: false, Items.Count: > 0 } seq)
        {
            var first = seq.Items[0];
            var lineStart = yaml.Text.LastIndexOf('\n', Math.Max(0, first.Start - 1)) + 1;
            var dash = yaml.Text.IndexOf('-', lineStart);
            if (dash < 0 || dash >= first.Start || yaml.Text[lineStart..dash].Any(c => c != ' '))
            {
                throw new ManifestEditException($"cannot tell the indentation of the images list at line {seq.Line}");
            }

            var itemIndent = first.Column - 1;
            var text = Entry(fields, dash - lineStart, itemIndent, nl);
            splice.Insert(EndOfLine(yaml.Text, LastEnd(seq)), text, seq, canon);
            return;
        }

        if (images is not null)
        {
            throw new ManifestEditException($"the images key at line {images.Line} is not a block list; add the entry by hand");
        }

        if (add.Root.Entries.Count == 0 || add.Root.Entries[0].Key is not YamlScalarNode firstKey)
        {
            throw new ManifestEditException("the kustomization has no keys to add images after");
        }

        var indent = new string(' ', firstKey.Column - 1);
        var block = nl + indent + "images:" + Entry(fields, firstKey.Column - 1, firstKey.Column + 1, nl);
        var seqCanon = YamlCanon.Seq(canon);
        splice.Insert(EndOfLine(yaml.Text, LastEnd(add.Root)), block, add.Root, YamlCanon.Scalar("images"), seqCanon);
    }

    private static string Entry(List<(string Key, string Value)> fields, int dashColumn, int keyColumn, string nl)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < fields.Count; i++)
        {
            sb.Append(nl);
            sb.Append(i == 0 ? new string(' ', dashColumn) + "-" + new string(' ', Math.Max(1, keyColumn - dashColumn - 1)) : new string(' ', keyColumn));
            sb.Append(fields[i].Key).Append(": ").Append(Render(fields[i].Value));
        }

        return sb.ToString();
    }

    private static int LastEnd(YamlNode node) => node switch
    {
        YamlMappingNode { Entries.Count: > 0 } m => LastEnd(m.Entries[^1].Value),
        YamlSequenceNode { Items.Count: > 0 } s => LastEnd(s.Items[^1]),
        YamlScalarNode { IsBlock: true } => throw new ManifestEditException($"the list ends in a block scalar at line {node.Line}; add the entry by hand"),
        _ => node.End,
    };

    /// <summary>The offset of the line break after <paramref name="offset"/> (before a CR), or the end of the text.</summary>
    private static int EndOfLine(string text, int offset)
    {
        var eol = text.IndexOf('\n', offset);
        if (eol < 0)
        {
            return text.Length;
        }

        return eol > 0 && text[eol - 1] == '\r' ? eol - 1 : eol;
    }

    private static string Render(string value) => ScalarText.IsSafePlain(value, inFlow: false) ? value : ScalarText.DoubleQuote(value);
}
