using GitOpsBridge.Core.Yaml;

namespace GitOpsBridge.Core.Manifests;

/// <summary>
/// YAML inside a literal block scalar, such as Argo CD's <c>spec.source.helm.values: |</c>. Its
/// scalars are edited in the outer file at the same text position, shifted by the block's
/// indentation, so the block keeps its indentation and every other byte.
/// </summary>
internal static class EmbeddedYaml
{
    /// <summary>Parses the block's content; null when it is not YAML we can map back safely.</summary>
    public static EmbeddedBlock? TryOpen(YamlText outer, YamlScalarNode block, string outerPath)
    {
        if (block.Anchor is not null || block.Tag is not null)
        {
            return null;
        }

        try
        {
            var inner = YamlText.Parse(block.Value);
            return inner.Documents.Count == 0 ? null : new EmbeddedBlock(block, inner, outerPath);
        }
        catch (ManifestEditException)
        {
            return null;
        }
    }

    /// <summary>
    /// Maps a single-line span of the block's value to the outer text. The mapping is checked by
    /// comparing the characters at both places, so a block whose layout we misread is refused.
    /// </summary>
    public static (int Start, int End) MapSpan(YamlText outer, EmbeddedBlock embedded, int start, int end)
    {
        var value = embedded.Block.Value;
        var text = outer.Text;
        var innerLine = 0;
        for (var i = 0; i < start; i++)
        {
            if (value[i] == '\n')
            {
                innerLine++;
            }
        }

        var innerLineStart = start == 0 ? 0 : value.LastIndexOf('\n', start - 1) + 1;
        var column = start - innerLineStart;

        // The content starts on the line after the header ("|", "|-", "|2"...).
        var rawLine = text.IndexOf('\n', embedded.Block.Start) + 1;
        for (var i = 0; i < innerLine && rawLine > 0; i++)
        {
            rawLine = text.IndexOf('\n', rawLine) + 1;
        }

        var indent = Indentation(text, embedded.Block);
        var outerStart = rawLine + indent + column;
        var outerEnd = outerStart + (end - start);
        if (rawLine <= 0 || outerEnd > embedded.Block.End || string.CompareOrdinal(text, outerStart, value, start, end - start) != 0)
        {
            throw new ManifestEditException($"cannot map an edit inside the block scalar at {embedded.OuterPath} (line {embedded.Block.Line}) back to the file");
        }

        return (outerStart, outerEnd);
    }

    private static int Indentation(string text, YamlScalarNode block)
    {
        var lineStart = text.IndexOf('\n', block.Start) + 1;
        var headerEnd = lineStart - 1;
        var header = text[block.Start..headerEnd].TrimEnd('\r');
        var explicitIndent = header.FirstOrDefault(char.IsAsciiDigit);
        if (explicitIndent != default)
        {
            var parentIndent = 0;
            var keyLineStart = text.LastIndexOf('\n', Math.Max(0, block.Start - 1)) + 1;
            while (text[keyLineStart + parentIndent] == ' ')
            {
                parentIndent++;
            }

            return parentIndent + (explicitIndent - '0');
        }

        // Auto-detected: the indentation of the first non-empty content line.
        var at = lineStart;
        while (at < block.End)
        {
            var n = 0;
            while (at + n < text.Length && text[at + n] == ' ')
            {
                n++;
            }

            if (at + n < text.Length && text[at + n] is not '\n' and not '\r')
            {
                return n;
            }

            at = text.IndexOf('\n', at) + 1;
            if (at <= 0)
            {
                break;
            }
        }

        return 0;
    }
}
