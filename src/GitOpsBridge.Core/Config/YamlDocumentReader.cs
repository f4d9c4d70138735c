using System.Text.RegularExpressions;
using GitOpsBridge.Core.Yaml;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GitOpsBridge.Core.Config;

/// <summary>
/// Reads the configuration text into <see cref="ConfigNode"/>s with YamlDotNet's event parser. Unlike
/// <c>YamlStream</c> it keeps going after a duplicate key, so every duplicate is reported, and it never
/// lets a YamlDotNet exception escape: syntax errors become <see cref="ConfigError"/>s with positions.
/// </summary>
internal static partial class YamlDocumentReader
{
    /// <summary>Deeper than any valid file (which needs 7 levels); guards the recursive build.</summary>
    public const int MaxDepth = 64;

    /// <summary>Bounds alias expansion ("billion laughs"); a real file has a few hundred nodes.</summary>
    public const long MaxExpandedNodes = 100_000;

    private const char ByteOrderMark = '\uFEFF';

    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    /// <summary>Returns the root node, or <see langword="null"/> when the text is not a readable single document (errors say why).</summary>
    public static ConfigNode? Read(string yaml, ConfigErrorList errors)
    {
        // A leading BOM reaches YamlDotNet's scanner as part of the first key; editors don't show it.
        var text = yaml.Length > 0 && yaml[0] == ByteOrderMark ? yaml[1..] : yaml;
        if (FlowNesting.FindExcessive(text, MaxDepth) is { } tooDeep)
        {
            errors.Add(new SourcePosition(tooDeep.Line, tooDeep.Column), $"the file nests deeper than {MaxDepth} levels");
            return null;
        }

        var events = ReadEvents(text, errors);
        if (events is null)
        {
            return null;
        }

        var builder = new TreeBuilder(events, errors);
        return builder.BuildDocument();
    }

    private static List<ParsingEvent>? ReadEvents(string text, ConfigErrorList errors)
    {
        var events = new List<ParsingEvent>();
        var openFlowCollections = new Stack<ParsingEvent>();
        var parser = new Parser(new StringReader(text));
        while (true)
        {
            try
            {
                if (!parser.MoveNext())
                {
                    return events;
                }
            }
            catch (YamlException exception)
            {
                var position = new SourcePosition((int)exception.Start.Line, (int)exception.Start.Column);
                var mentionsTab = exception.Message.Contains("tab", StringComparison.OrdinalIgnoreCase);
                if (FindIndentingTab(text, mentionsTab ? 1 : position.Line, mentionsTab ? int.MaxValue : position.Line) is { } tab)
                {
                    errors.Add(tab, "invalid YAML: a tab character is used for indentation; YAML allows only spaces there");
                }
                else
                {
                    errors.Add(position, $"invalid YAML: {Describe(exception)}");
                }

                return null;
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet 18's scanner throws this instead of a SyntaxErrorException when a flow
                // collection ('[' or '{') is still open where a block key follows.
                if (openFlowCollections.TryPeek(out var open))
                {
                    errors.Add(ToPosition(open.Start), "invalid YAML: this flow collection ('[' or '{') is never closed");
                }
                else
                {
                    var last = events.Count > 0 ? ToPosition(events[^1].End) : SourcePosition.Start;
                    errors.Add(last, "invalid YAML: the text after this point cannot be read");
                }

                return null;
            }

            var current = parser.Current!;
            switch (current)
            {
                case SequenceStart { Style: SequenceStyle.Flow }:
                case MappingStart { Style: MappingStyle.Flow }:
                    openFlowCollections.Push(current);
                    break;
                case SequenceEnd or MappingEnd when openFlowCollections.Count > 0:
                    openFlowCollections.Pop();
                    break;
            }

            events.Add(current);
        }
    }

    private static string Describe(YamlException exception)
    {
        // "While parsing a block mapping, did not find expected key." -> "while parsing a block mapping, did not find expected key"
        var message = exception.Message.Trim().TrimEnd('.');
        message = MultipleSpaces().Replace(message, " ");
        return message.Length > 0 ? char.ToLowerInvariant(message[0]) + message[1..] : "the text cannot be parsed";
    }

    /// <summary>
    /// YamlDotNet reports a tab used as indentation at the start of the enclosing mapping, not at the
    /// tab. Finds the first line from <paramref name="firstLine"/> to <paramref name="lastLine"/> (1-based)
    /// whose indentation contains a tab.
    /// </summary>
    private static SourcePosition? FindIndentingTab(string text, int firstLine, int lastLine)
    {
        var lines = text.Split('\n');
        for (var index = firstLine - 1; index < lines.Length && index < lastLine; index++)
        {
            var line = lines[index];
            for (var column = 0; column < line.Length && (line[column] == ' ' || line[column] == '\t'); column++)
            {
                if (line[column] == '\t')
                {
                    return new SourcePosition(index + 1, column + 1);
                }
            }
        }

        return null;
    }

    private static SourcePosition ToPosition(Mark mark) => new((int)mark.Line, (int)mark.Column);

    [GeneratedRegex(" {2,}")]
    private static partial Regex MultipleSpaces();

    [GeneratedRegex("^(?:~|null|Null|NULL|)$")]
    private static partial Regex CoreNull();

    [GeneratedRegex("^(?:true|True|TRUE|false|False|FALSE)$")]
    private static partial Regex CoreBoolean();

    [GeneratedRegex("^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")]
    private static partial Regex CoreInteger();

    [GeneratedRegex(@"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex CoreFloat();

    /// <summary>Resolves a plain scalar as the YAML 1.2 core schema does; everything else is a string.</summary>
    internal static ScalarKind Resolve(string value, bool plain) =>
        !plain ? ScalarKind.String
        : CoreNull().IsMatch(value) ? ScalarKind.Null
        : CoreBoolean().IsMatch(value) ? ScalarKind.Boolean
        : CoreInteger().IsMatch(value) ? ScalarKind.Integer
        : CoreFloat().IsMatch(value) ? ScalarKind.Float
        : ScalarKind.String;

    private sealed class TreeBuilder(List<ParsingEvent> events, ConfigErrorList errors)
    {
        private readonly Dictionary<string, ConfigNode> anchors = new(StringComparer.Ordinal);
        private int index;
        private SourcePosition? firstAlias;

        public ConfigNode? BuildDocument()
        {
            index = 1; // StreamStart
            if (events[index] is StreamEnd)
            {
                return null;
            }

            index++; // DocumentStart
            var root = ReadNode(depth: 0);
            if (root is null)
            {
                return null;
            }

            index++; // DocumentEnd
            if (events[index] is DocumentStart another)
            {
                errors.Add(ToPosition(another.Start), "only one YAML document is allowed; remove the second '---' and what follows it");
            }

            if (root.ExpandedSize > MaxExpandedNodes)
            {
                errors.Add(firstAlias ?? SourcePosition.Start, $"aliases expand the file to more than {MaxExpandedNodes} nodes");
                return null;
            }

            return root;
        }

        private ConfigNode? ReadNode(int depth)
        {
            var current = events[index];
            var position = ToPosition(current.Start);
            if (current is NodeEvent { Tag: { IsEmpty: false, IsNonSpecific: false } tag })
            {
                var shown = tag.Value.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? "!!" + tag.Value[CoreTagPrefix.Length..] : tag.Value;
                errors.Add(position, $"YAML tags such as {shown} are not supported; write the value without a tag (quote it to make it a string)");
            }

            switch (current)
            {
                case AnchorAlias alias:
                    index++;
                    firstAlias ??= position;
                    if (anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        return target;
                    }

                    errors.Add(position, $"alias *{alias.Value.Value} refers to no anchor defined before it");
                    return null;

                case Scalar scalar:
                    index++;
                    return Anchor(scalar, new ScalarNode(scalar.Value, Resolve(scalar.Value, scalar.Style == ScalarStyle.Plain), position));

                case SequenceStart start:
                    return ReadSequence(start, position, depth);

                case MappingStart start:
                    return ReadMapping(start, position, depth);

                default:
                    // The parser only emits node events here; anything else means the stream is not what we think.
                    errors.Add(position, "invalid YAML: unexpected " + current.GetType().Name);
                    return null;
            }
        }

        private ConfigNode? ReadSequence(SequenceStart start, SourcePosition position, int depth)
        {
            if (!EnterCollection(position, depth))
            {
                return null;
            }

            var items = new List<ConfigNode>();
            while (events[index] is not SequenceEnd)
            {
                var item = ReadNode(depth + 1);
                if (item is null)
                {
                    return null;
                }

                items.Add(item);
            }

            index++;
            return Anchor(start, new SequenceNode(items, position));
        }

        private ConfigNode? ReadMapping(MappingStart start, SourcePosition position, int depth)
        {
            if (!EnterCollection(position, depth))
            {
                return null;
            }

            var entries = new List<MappingEntry>();
            var seen = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
            while (events[index] is not MappingEnd)
            {
                var isMergeKey = events[index] is Scalar { Style: ScalarStyle.Plain, Value: "<<" };
                var key = ReadNode(depth + 1);
                var value = key is null ? null : ReadNode(depth + 1);
                if (key is null || value is null)
                {
                    return null;
                }

                if (key is not ScalarNode scalarKey)
                {
                    errors.Add(key.Position, "keys must be plain strings, not lists or mappings");
                    continue;
                }

                if (isMergeKey)
                {
                    errors.Add(scalarKey.Position, "merge keys (<<) are not supported; write the keys out, or use an alias (*name) for a whole value");
                    continue;
                }

                if (seen.TryGetValue(scalarKey.Value, out var first))
                {
                    errors.Add(scalarKey.Position, $"duplicate key \"{scalarKey.Value}\" (first defined at line {first.Line}, column {first.Column})");
                    continue;
                }

                seen.Add(scalarKey.Value, scalarKey.Position);

                // `key:` with nothing after it: point at the key, not at the void after the colon.
                if (value is ScalarNode { IsEmpty: true } empty)
                {
                    value = empty with { Position = scalarKey.Position };
                }

                entries.Add(new MappingEntry(scalarKey, value));
            }

            index++;
            return Anchor(start, new MappingNode(entries, position));
        }

        private bool EnterCollection(SourcePosition position, int depth)
        {
            if (depth >= MaxDepth)
            {
                errors.Add(position, $"the file nests deeper than {MaxDepth} levels");
                return false;
            }

            index++;
            return true;
        }

        private ConfigNode Anchor(NodeEvent node, ConfigNode value)
        {
            if (!node.Anchor.IsEmpty)
            {
                anchors[node.Anchor.Value] = value;
            }

            return value;
        }
    }
}
