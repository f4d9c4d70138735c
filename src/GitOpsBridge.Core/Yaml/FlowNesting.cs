namespace GitOpsBridge.Core.Yaml;

/// <summary>A cheap scan that keeps pathological input away from YamlDotNet.</summary>
internal static class FlowNesting
{
    /// <summary>
    /// YamlDotNet's scanner takes time quadratic in the nesting depth of flow collections (40,000 '['
    /// take 10 s), so flow nesting deeper than <paramref name="maxDepth"/> is refused before it parses.
    /// Counts '[' and '{' only where a flow collection can start, and skips quoted text and comments,
    /// so brackets inside values (a regex, a comment) are not counted.
    /// </summary>
    public static (int Line, int Column)? FindExcessive(string text, int maxDepth)
    {
        var depth = 0;
        var line = 1;
        var lineStart = 0;
        var previous = '\n'; // last significant character; a newline starts a line
        for (var index = 0; index < text.Length; index++)
        {
            var character = text[index];
            switch (character)
            {
                case '\n':
                    line++;
                    lineStart = index + 1;
                    previous = '\n';
                    continue;
                case ' ' or '\t' or '\r':
                    continue;
                case '#' when index == 0 || char.IsWhiteSpace(text[index - 1]):
                    while (index + 1 < text.Length && text[index + 1] != '\n')
                    {
                        index++;
                    }

                    continue;
                case '\'' or '"' when CanStartNode(previous):
                    index = SkipQuoted(text, index, ref line, ref lineStart);
                    previous = character;
                    continue;
                case '[' or '{' when CanStartNode(previous):
                    if (++depth > maxDepth)
                    {
                        return (line, index - lineStart + 1);
                    }

                    break;
                case ']' or '}' when depth > 0:
                    depth--;
                    break;
            }

            previous = character;
        }

        return null;

        static bool CanStartNode(char previous) => previous is '\n' or ':' or '-' or ',' or '[' or '{' or '?';
    }

    /// <summary>Returns the index of the closing quote (or the end of the text) of the quoted scalar at <paramref name="start"/>.</summary>
    private static int SkipQuoted(string text, int start, ref int line, ref int lineStart)
    {
        var quote = text[start];
        for (var index = start + 1; index < text.Length; index++)
        {
            var character = text[index];
            if (character == '\n')
            {
                line++;
                lineStart = index + 1;
            }
            else if (quote == '"' && character == '\\')
            {
                index++;
            }
            else if (character == quote)
            {
                if (quote == '\'' && index + 1 < text.Length && text[index + 1] == '\'')
                {
                    index++; // '' is an escaped quote
                    continue;
                }

                return index;
            }
        }

        return text.Length;
    }
}
