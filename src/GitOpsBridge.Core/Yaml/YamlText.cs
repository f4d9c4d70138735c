using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GitOpsBridge.Core.Yaml;

/// <summary>
/// A YAML file parsed into span-indexed nodes. It keeps the exact text, so edits can be spliced
/// into it and everything the edit did not touch stays byte for byte.
/// </summary>
internal sealed class YamlText
{
    /// <summary>Deeper nesting than this is refused rather than risking the stack.</summary>
    public const int MaxDepth = 256;

    /// <summary>
    /// YamlDotNet's scanner is quadratic in flow nesting (40,000 '[' take about 10 s); no real
    /// values file nests flow collections this deep.
    /// </summary>
    public const int MaxFlowDepth = 64;

    private YamlText(string text, bool hasBom, IReadOnlyList<YamlDocumentNode> documents)
    {
        Text = text;
        HasBom = hasBom;
        Documents = documents;
    }

    /// <summary>The parsed text, without a leading BOM.</summary>
    public string Text { get; }

    /// <summary>YamlDotNet cannot parse a leading BOM; it is stripped before parsing and restored on output.</summary>
    public bool HasBom { get; }

    public IReadOnlyList<YamlDocumentNode> Documents { get; }

    /// <summary>The newline the file uses, for inserted lines.</summary>
    public string Newline => Text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";

    /// <summary>Restores the BOM that parsing removed.</summary>
    public string ToFileText(string text) => HasBom ? "\uFEFF" + text : text;

    /// <summary>Parses YAML; throws <see cref="ManifestEditException"/> when the file is not YAML we can edit safely.</summary>
    /// <param name="fileText">The file's text, possibly with a BOM.</param>
    /// <param name="verification">
    /// True when re-parsing an edit for comparison: the comparison itself catches a changed or added
    /// key, so the duplicate-key pass and entry naming are skipped.
    /// </param>
    public static YamlText Parse(string fileText, bool verification = false)
    {
        var hasBom = fileText.Length > 0 && fileText[0] == '\uFEFF';
        var text = hasBom ? fileText[1..] : fileText;
        var documents = new List<YamlDocumentNode>();
        if (FlowNesting.FindExcessive(text, MaxFlowDepth) is { } deep)
        {
            throw new ManifestEditException(string.Create(CultureInfo.InvariantCulture,
                $"flow collections nest deeper than {MaxFlowDepth} levels at line {deep.Line}, column {deep.Column}"));
        }

        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                var root = ReadNode(parser, null, "", 0, inFlow: false, isKey: false);
                parser.Consume<DocumentEnd>();
                documents.Add(new YamlDocumentNode(documents.Count, root));
            }

            parser.Consume<StreamEnd>();
        }
        catch (YamlException ex)
        {
            throw new ManifestEditException(string.Create(CultureInfo.InvariantCulture,
                $"not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {FirstLine(ex.Message)}"));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 18 throws this, not a YamlException, for an unclosed '[' or '{' before a following line.
            throw new ManifestEditException("not valid YAML: a flow collection ('[' or '{') is not closed");
        }

        var yaml = new YamlText(text, hasBom, documents);
        if (!verification)
        {
            yaml.CheckDuplicateKeys();
            yaml.NameImageEntries();
        }

        return yaml;
    }

    private static string FirstLine(string message)
    {
        var cut = message.IndexOfAny(['\r', '\n']);
        var line = cut < 0 ? message : message[..cut];
        // YamlDotNet prefixes messages with "(Line: 1, Col: 2, Idx: 3) - (…): "; the position is already given.
        var marker = line.LastIndexOf("): ", StringComparison.Ordinal);
        return marker >= 0 ? line[(marker + 3)..] : line;
    }

    private static YamlNode? ReadNode(IParser parser, YamlNode? parent, string path, int depth, bool inFlow, bool isKey)
    {
        if (depth > MaxDepth)
        {
            throw new ManifestEditException($"nesting deeper than {MaxDepth} levels");
        }

        var ev = parser.Consume<ParsingEvent>();
        var node = ev as NodeEvent;
        var anchor = node is null || node.Anchor.IsEmpty ? null : node.Anchor.Value;
        var tag = node is null || node.Tag.IsEmpty || node.Tag.IsNonSpecific ? null : node.Tag.Value;
        switch (ev)
        {
            case Scalar s:
                return new YamlScalarNode
                {
                    Parent = parent,
                    Start = (int)s.Start.Index,
                    End = (int)s.End.Index,
                    Line = (int)s.Start.Line,
                    Column = (int)s.Start.Column,
                    Anchor = anchor,
                    Tag = tag,
                    Value = s.Value,
                    Style = s.Style,
                    IsKey = isKey,
                    InFlow = inFlow,
                    Path = path,
                };
            case AnchorAlias a:
                return new YamlAliasNode
                {
                    Parent = parent,
                    Start = (int)a.Start.Index,
                    End = (int)a.End.Index,
                    Line = (int)a.Start.Line,
                    Column = (int)a.Start.Column,
                    Name = a.Value.Value,
                    Path = path,
                };
            case SequenceStart ss:
            {
                var flow = ss.Style == SequenceStyle.Flow;
                var seq = new YamlSequenceNode
                {
                    Parent = parent,
                    Start = (int)ss.Start.Index,
                    Line = (int)ss.Start.Line,
                    Column = (int)ss.Start.Column,
                    Anchor = anchor,
                    Tag = tag,
                    IsFlow = flow,
                    Path = path,
                };
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    seq.Items.Add(ReadNode(parser, seq, YamlPath.Index(path, seq.Items.Count), depth + 1, inFlow || flow, isKey: false)!);
                }

                seq.End = LastEnd(seq);
                return seq;
            }

            case MappingStart ms:
            {
                var flow = ms.Style == MappingStyle.Flow;
                var map = new YamlMappingNode
                {
                    Parent = parent,
                    Start = (int)ms.Start.Index,
                    Line = (int)ms.Start.Line,
                    Column = (int)ms.Start.Column,
                    Anchor = anchor,
                    Tag = tag,
                    IsFlow = flow,
                    Path = path,
                };
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, map, path, depth + 1, inFlow || flow, isKey: true)!;
                    var keyPath = key is YamlScalarNode ks ? YamlPath.Key(path, ks.Value) : path + "[?]";
                    var value = ReadNode(parser, map, keyPath, depth + 1, inFlow || flow, isKey: false)!;
                    map.Entries.Add(new(key, value));
                }

                map.End = LastEnd(map);
                return map;
            }

            default:
                throw new ManifestEditException($"unexpected YAML event {ev.GetType().Name} at line {ev.Start.Line}");
        }
    }

    /// <summary>
    /// The end of a collection is the end of its last descendant: YamlDotNet's end events point at
    /// the next token, which may be lines further down, after comments.
    /// </summary>
    private static int LastEnd(YamlNode node) => node switch
    {
        YamlMappingNode { IsFlow: false, Entries.Count: > 0 } m => LastEnd(m.Entries[^1].Value),
        YamlSequenceNode { IsFlow: false, Items.Count: > 0 } s => LastEnd(s.Items[^1]),
        _ => node.End,
    };

    /// <summary>
    /// Helm, kubectl and Argo CD (go-yaml) all reject a mapping with a repeated key, and which value
    /// the user meant is unknowable, so a file with one is not edited at all.
    /// </summary>
    private void CheckDuplicateKeys()
    {
        foreach (var node in AllNodes())
        {
            if (node is not YamlMappingNode map)
            {
                continue;
            }

            var seen = new Dictionary<string, YamlScalarNode>(StringComparer.Ordinal);
            foreach (var (key, _) in map.Entries)
            {
                if (key is YamlScalarNode k && !seen.TryAdd(k.Value, k))
                {
                    throw new ManifestEditException(string.Create(CultureInfo.InvariantCulture,
                        $"duplicate key \"{k.Value}\" at line {k.Line} (first at line {seen[k.Value].Line}); which one applies is ambiguous"));
                }
            }
        }
    }

    /// <summary>
    /// Entries of an <c>images</c> list that have a <c>name</c> are addressed as
    /// <c>images[name=X]</c>, as Kustomize users (and the fixtures' manifest) name them.
    /// </summary>
    private void NameImageEntries()
    {
        foreach (var seq in AllNodes().OfType<YamlSequenceNode>().ToList())
        {
            if (seq.Path != "images" && !seq.Path.EndsWith(".images", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var item in seq.Items.OfType<YamlMappingNode>())
            {
                if (item.GetScalar("name") is { } name && !name.Value.Contains(']', StringComparison.Ordinal))
                {
                    var oldPath = item.Path;
                    var newPath = YamlPath.Named(seq.Path, name.Value);
                    foreach (var node in Descendants(item))
                    {
                        node.Path = newPath + node.Path[oldPath.Length..];
                    }
                }
            }
        }
    }

    /// <summary>Every node of every document, depth first, keys before their values.</summary>
    public IEnumerable<YamlNode> AllNodes() => Documents.Where(d => d.Root is not null).SelectMany(d => Descendants(d.Root!));

    /// <summary>A node and everything under it, depth first, keys before their values; no recursion, so depth costs no stack.</summary>
    public static IEnumerable<YamlNode> Descendants(YamlNode root)
    {
        var stack = new Stack<YamlNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            switch (node)
            {
                case YamlMappingNode m:
                    for (var i = m.Entries.Count - 1; i >= 0; i--)
                    {
                        stack.Push(m.Entries[i].Value);
                        stack.Push(m.Entries[i].Key);
                    }

                    break;
                case YamlSequenceNode q:
                    for (var i = q.Items.Count - 1; i >= 0; i--)
                    {
                        stack.Push(q.Items[i]);
                    }

                    break;
            }
        }
    }

    /// <summary>The text from the end of a node to the end of its line (a trailing comment lives there).</summary>
    public string RestOfLine(YamlNode node)
    {
        var end = node.End;
        var eol = Text.IndexOf('\n', end);
        var rest = eol < 0 ? Text[end..] : Text[end..eol];
        return rest.TrimEnd('\r');
    }

    /// <summary>The comment that ends the node's line, without '#', or null.</summary>
    public string? TrailingComment(YamlNode node)
    {
        // '#' opens a comment only after white space.
        var rest = RestOfLine(node);
        var trimmed = rest.TrimStart(' ', '\t');
        return trimmed.Length < rest.Length && trimmed.StartsWith('#') ? trimmed[1..].Trim() : null;
    }
}
