using System.Globalization;
using System.Text;
using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Lifecycle;

/// <summary>
/// Checks a pull request's <c>.github/gitops-bridge.yml</c> and words the result as a check run: one
/// annotation per error at its line and column, so a broken configuration is caught before it merges.
/// Besides what <see cref="ConfigParser"/> reports, freeze windows must name a time zone that exists.
/// </summary>
public static class ConfigCheck
{
    /// <summary>GitHub takes at most 50 annotations per check-run request.</summary>
    public const int MaxAnnotations = 50;

    /// <summary>GitHub's limit on <c>output.summary</c>, in characters.</summary>
    public const int MaxSummaryLength = 65535;

    private const string Path = RepositoryConfig.FilePath;

    /// <summary>Checks the file's text.</summary>
    /// <param name="yaml">The file as the pull request leaves it; <see langword="null"/> when the pull request deletes it.</param>
    /// <returns>The conclusion, title, summary and annotations.</returns>
    public static ConfigCheckResult Run(string? yaml)
    {
        if (yaml is null)
        {
            return new ConfigCheckResult("success", $"{Path} removed", $"This pull request deletes `{Path}`, so there is nothing to check.", []);
        }

        var errors = ConfigParser.Validate(yaml, Path).ToList();
        RepositoryConfig? config = null;
        if (errors.Count == 0)
        {
            config = ConfigParser.Parse(yaml, Path);
            errors.AddRange(UnknownTimeZones(config, yaml));
        }

        if (errors.Count == 0)
        {
            var targets = config!.Environments.Values.Sum(environment => environment.Files.Count);
            return new ConfigCheckResult(
                "success",
                $"{Path} is valid",
                $"`{Path}` is valid: {Count(config.Images.Count, "image")}, {Count(config.Environments.Count, "environment")}, {Count(targets, "file target")}.",
                []);
        }

        var lines = yaml.TrimStart('\uFEFF').Split('\n');
        var annotations = errors.Take(MaxAnnotations).Select(error => Annotate(error, lines)).ToList();
        return new ConfigCheckResult("failure", $"{Count(errors.Count, "error")} in {Path}", Summarize(errors), annotations);
    }

    private static string Count(int count, string noun) => count.ToString(CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? string.Empty : "s");

    private static string Summarize(IReadOnlyList<ConfigError> errors)
    {
        var summary = new StringBuilder();
        summary.Append(CultureInfo.InvariantCulture, $"GitOps Bridge cannot use `{Path}` as this pull request leaves it. Fix {(errors.Count == 1 ? "this error" : "these errors")} before merging:\n\n");
        if (errors.Count > MaxAnnotations)
        {
            summary.Append(CultureInfo.InvariantCulture, $"The first {MaxAnnotations} errors are annotated in the file (GitHub takes {MaxAnnotations} annotations per check run request); {errors.Count - MaxAnnotations} more are listed only here.\n\n");
        }

        const string cut = "\n…and more errors; run `gitops-bridge validate` to see them all.\n";
        for (var index = 0; index < errors.Count; index++)
        {
            var error = errors[index];
            var item = $"- line {error.Line}, column {error.Column}: {error.Message}\n";
            if (summary.Length + item.Length + cut.Length > MaxSummaryLength)
            {
                summary.Append(cut);
                break;
            }

            summary.Append(item);
        }

        return summary.ToString();
    }

    private static CheckAnnotation Annotate(ConfigError error, string[] lines)
    {
        var line = error.Line >= 1 && error.Line <= lines.Length ? lines[error.Line - 1].TrimEnd('\r') : string.Empty;
        var start = Math.Max(1, error.Column);
        return new CheckAnnotation(Path, error.Line, error.Line, start, EndColumn(line, start - 1), CheckAnnotation.Failure, error.Message, "Invalid GitOps Bridge configuration");
    }

    /// <summary>
    /// The last column (1-based, inclusive) of the YAML token that starts at <paramref name="start"/>
    /// (0-based): a quoted scalar to its closing quote, a flow collection to its closing bracket, a
    /// sequence item to the end of the line, anything else up to the next ': ', flow indicator or comment.
    /// </summary>
    internal static int EndColumn(string line, int start)
    {
        if (start >= line.Length)
        {
            return start + 1;
        }

        var end = line[start] switch
        {
            '"' or '\'' => ClosingQuote(line, start),
            '[' or '{' => ClosingBracket(line, start),
            '-' when start + 1 == line.Length || line[start + 1] is ' ' or '\t' => PlainEnd(line, start, wholeItem: true),
            _ => PlainEnd(line, start, wholeItem: false),
        };
        while (end > start && line[end] is ' ' or '\t')
        {
            end--;
        }

        return end + 1;
    }

    private static int ClosingQuote(string line, int start)
    {
        var quote = line[start];
        for (var index = start + 1; index < line.Length; index++)
        {
            if (quote == '"' && line[index] == '\\')
            {
                index++;
            }
            else if (line[index] == quote)
            {
                if (quote == '\'' && index + 1 < line.Length && line[index + 1] == '\'')
                {
                    index++; // '' is an escaped quote inside single quotes
                    continue;
                }

                return index;
            }
        }

        return line.Length - 1;
    }

    private static int ClosingBracket(string line, int start)
    {
        var depth = 0;
        for (var index = start; index < line.Length; index++)
        {
            depth += line[index] switch
            {
                '[' or '{' => 1,
                ']' or '}' => -1,
                _ => 0,
            };
            if (depth == 0)
            {
                return index;
            }
        }

        return line.Length - 1;
    }

    private static int PlainEnd(string line, int start, bool wholeItem)
    {
        var end = start;
        for (var index = start + 1; index < line.Length; index++)
        {
            var c = line[index];
            var comment = c == '#' && line[index - 1] is ' ' or '\t';
            var token = c is ',' or '[' or ']' or '{' or '}' || (c == ':' && (index + 1 == line.Length || line[index + 1] is ' ' or '\t'));
            if (comment || (!wholeItem && token))
            {
                break;
            }

            end = index;
        }

        return end;
    }

    /// <summary>Freeze windows whose zone this machine does not know, reported where the zone is written.</summary>
    private static IEnumerable<ConfigError> UnknownTimeZones(RepositoryConfig config, string yaml)
    {
        var lines = yaml.TrimStart('\uFEFF').Split('\n');
        foreach (var environment in config.Environments.Values)
        {
            foreach (var zone in FreezeCalendar.UnknownTimeZones(environment.Freeze))
            {
                var (line, column) = (environment.Position.Line, environment.Position.Column);
                for (var index = environment.Position.Line - 1; index < lines.Length; index++)
                {
                    var at = lines[index].IndexOf(zone, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        (line, column) = (index + 1, at + 1);
                        break;
                    }
                }

                yield return new ConfigError(
                    Path,
                    line,
                    column,
                    $"environments.{environment.Name}.freeze: unknown time zone \"{zone}\"; use an IANA time zone such as Europe/Berlin, America/New_York or UTC");
            }
        }
    }
}
