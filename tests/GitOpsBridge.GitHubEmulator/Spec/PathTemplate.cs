using System.Text.RegularExpressions;

namespace GitOpsBridge.GitHubEmulator.Spec;

/// <summary>
/// A documented path such as <c>/repos/{owner}/{repo}/contents/{path}</c>. A parameter marked
/// <c>x-multi-segment</c> in the description (a file path, a ref like <c>heads/main</c>) may span
/// several segments; a segment that mixes text and parameters (<c>{base}...{head}</c>) is a pattern.
/// </summary>
internal sealed class PathTemplate
{
    private readonly Segment[] _segments;

    public PathTemplate(string template, IReadOnlyDictionary<string, Operation> operations, IReadOnlySet<string> multiSegment)
    {
        Template = template;
        Operations = operations;
        _segments = OpenApiDescription.SplitPath(template).Select(text => Segment.Parse(text, multiSegment)).ToArray();
    }

    public string Template { get; }

    public IReadOnlyDictionary<string, Operation> Operations { get; }

    /// <summary>
    /// Matches request segments. The score ranks literal segments early in the path highest, so
    /// <c>/repos/{o}/{r}/pulls/comments</c> wins over <c>/repos/{o}/{r}/pulls/{pull_number}</c>.
    /// </summary>
    public bool TryMatch(string[] path, out Dictionary<string, string> values, out long score)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        score = 0;
        return Match(path, 0, 0, values, ref score);
    }

    private bool Match(string[] path, int segmentIndex, int pathIndex, Dictionary<string, string> values, ref long score)
    {
        if (segmentIndex == _segments.Length)
        {
            return pathIndex == path.Length;
        }

        if (pathIndex >= path.Length)
        {
            return false;
        }

        var segment = _segments[segmentIndex];
        var weight = 1L << Math.Max(0, 40 - segmentIndex);
        switch (segment.Kind)
        {
            case SegmentKind.Literal:
                if (!string.Equals(segment.Text, path[pathIndex], StringComparison.Ordinal))
                {
                    return false;
                }

                score += weight;
                return Match(path, segmentIndex + 1, pathIndex + 1, values, ref score);

            case SegmentKind.Pattern:
                var match = segment.Pattern!.Match(path[pathIndex]);
                if (!match.Success)
                {
                    return false;
                }

                foreach (var name in segment.Names)
                {
                    values[name] = match.Groups[name].Value;
                }

                score += weight / 2;
                return Match(path, segmentIndex + 1, pathIndex + 1, values, ref score);

            default:
                // A multi-segment parameter takes as few segments as lets the rest match, up to all of them.
                var maxTake = segment.MultiSegment ? path.Length - pathIndex : 1;
                for (var take = 1; take <= maxTake; take++)
                {
                    var attemptScore = score;
                    if (Match(path, segmentIndex + 1, pathIndex + take, values, ref attemptScore))
                    {
                        values[segment.Names[0]] = string.Join('/', path, pathIndex, take);
                        score = attemptScore;
                        return true;
                    }
                }

                return false;
        }
    }

    private enum SegmentKind
    {
        Literal,
        Parameter,
        Pattern,
    }

    private sealed record Segment(SegmentKind Kind, string Text, string[] Names, Regex? Pattern, bool MultiSegment)
    {
        private static readonly Regex Placeholder = new(@"\{([^}]+)\}", RegexOptions.CultureInvariant);

        public static Segment Parse(string text, IReadOnlySet<string> multiSegment)
        {
            var placeholders = Placeholder.Matches(text);
            if (placeholders.Count == 0)
            {
                return new Segment(SegmentKind.Literal, text, [], null, false);
            }

            var names = placeholders.Select(m => m.Groups[1].Value).ToArray();
            if (placeholders.Count == 1 && placeholders[0].Length == text.Length)
            {
                return new Segment(SegmentKind.Parameter, text, names, null, multiSegment.Contains(names[0]));
            }

            var regex = "^" + Placeholder.Replace(Regex.Escape(text).Replace(@"\{", "{", StringComparison.Ordinal), m => $"(?<{m.Groups[1].Value}>.+?)") + "$";
            return new Segment(SegmentKind.Pattern, text, names, new Regex(regex, RegexOptions.CultureInvariant), false);
        }
    }
}
