using System.Globalization;
using System.Text;
using DiffPlex;

namespace GitOpsBridge.Cli;

/// <summary>
/// A git-style unified diff (<c>--- a/PATH</c> / <c>+++ b/PATH</c>, three lines of context) that
/// <c>git apply</c> accepts. Lines keep their own terminators, so CRLF files and a missing final
/// newline come out exactly.
/// </summary>
internal static class UnifiedDiff
{
    private const int Context = 3;

    public static string Format(string path, string oldText, string newText)
    {
        var a = SplitLines(oldText);
        var b = SplitLines(newText);
        var diff = Differ.Instance.CreateDiffs(oldText, newText, ignoreWhiteSpace: false, ignoreCase: false, new KeepTerminatorsChunker());
        if (diff.DiffBlocks.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder();
        sb.Append("diff --git a/").Append(path).Append(" b/").Append(path).Append('\n');
        sb.Append("--- a/").Append(path).Append('\n');
        sb.Append("+++ b/").Append(path).Append('\n');

        var blocks = diff.DiffBlocks;
        var i = 0;
        while (i < blocks.Count)
        {
            // Merge blocks whose context would touch into one hunk.
            var j = i;
            while (j + 1 < blocks.Count && blocks[j + 1].DeleteStartA - (blocks[j].DeleteStartA + blocks[j].DeleteCountA) <= 2 * Context)
            {
                j++;
            }

            var startA = Math.Max(0, blocks[i].DeleteStartA - Context);
            var startB = Math.Max(0, blocks[i].InsertStartB - Context);
            var endA = Math.Min(a.Count, blocks[j].DeleteStartA + blocks[j].DeleteCountA + Context);
            var endB = Math.Min(b.Count, blocks[j].InsertStartB + blocks[j].InsertCountB + Context);
            sb.Append(CultureInfo.InvariantCulture, $"@@ -{Range(startA, endA - startA)} +{Range(startB, endB - startB)} @@\n");

            var posA = startA;
            for (var k = i; k <= j; k++)
            {
                var block = blocks[k];
                for (; posA < block.DeleteStartA; posA++)
                {
                    Line(sb, ' ', a[posA]);
                }

                for (var d = 0; d < block.DeleteCountA; d++)
                {
                    Line(sb, '-', a[block.DeleteStartA + d]);
                }

                for (var n = 0; n < block.InsertCountB; n++)
                {
                    Line(sb, '+', b[block.InsertStartB + n]);
                }

                posA = block.DeleteStartA + block.DeleteCountA;
            }

            for (; posA < endA; posA++)
            {
                Line(sb, ' ', a[posA]);
            }

            i = j + 1;
        }

        return sb.ToString();
    }

    private static string Range(int start, int count) =>
        count == 0 ? string.Create(CultureInfo.InvariantCulture, $"{start},0")
        : count == 1 ? (start + 1).ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{start + 1},{count}");

    private static void Line(StringBuilder sb, char marker, string line)
    {
        sb.Append(marker).Append(line);
        if (!line.EndsWith('\n'))
        {
            sb.Append("\n\\ No newline at end of file\n");
        }
    }

    internal static List<string> SplitLines(string text)
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

    /// <summary>Splits after each '\n' and keeps terminators, so line indexes match <see cref="SplitLines"/>.</summary>
    private sealed class KeepTerminatorsChunker : IChunker
    {
        public IReadOnlyList<string> Chunk(string text) => SplitLines(text);
    }
}
