using System.Text.Json.Serialization;

namespace GitOpsBridge.Core.Lifecycle;

/// <summary>
/// One annotation of a check run, shaped like GitHub's annotation object so it serializes to exactly
/// what <c>POST /repos/{owner}/{repo}/check-runs</c> takes in <c>output.annotations</c>.
/// https://docs.github.com/en/rest/checks/runs#create-a-check-run
/// </summary>
/// <param name="Path">The file, relative to the repository root.</param>
/// <param name="StartLine">1-based first line.</param>
/// <param name="EndLine">1-based last line.</param>
/// <param name="StartColumn">1-based first column; GitHub takes columns only when both lines are the same.</param>
/// <param name="EndColumn">1-based last column (inclusive).</param>
/// <param name="AnnotationLevel"><c>notice</c>, <c>warning</c> or <c>failure</c>.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Title">A short heading shown above the message.</param>
public sealed record CheckAnnotation(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("start_line")] int StartLine,
    [property: JsonPropertyName("end_line")] int EndLine,
    [property: JsonPropertyName("start_column"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StartColumn,
    [property: JsonPropertyName("end_column"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? EndColumn,
    [property: JsonPropertyName("annotation_level")] string AnnotationLevel,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("title")] string Title)
{
    /// <summary>The level for an error that fails the check.</summary>
    public const string Failure = "failure";
}

/// <summary>The outcome of checking a configuration file, ready to become a check run's conclusion and output.</summary>
/// <param name="Conclusion"><c>success</c> or <c>failure</c>, as GitHub's check-run conclusion.</param>
/// <param name="Title">The output title, e.g. "3 errors in .github/gitops-bridge.yml".</param>
/// <param name="Summary">The output summary (Markdown).</param>
/// <param name="Annotations">At most <see cref="ConfigCheck.MaxAnnotations"/> annotations, in file order.</param>
public sealed record ConfigCheckResult(string Conclusion, string Title, string Summary, IReadOnlyList<CheckAnnotation> Annotations);
