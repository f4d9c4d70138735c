using GitOpsBridge.Core.Lifecycle;

namespace GitOpsBridge.GitHub;

/// <summary>A completed check run to create on a commit.</summary>
/// <param name="Repository">The repository, <c>owner/name</c>.</param>
/// <param name="Name">The check's name, as the PR's checks list shows it.</param>
/// <param name="HeadSha">The commit it reports on.</param>
/// <param name="Conclusion"><c>success</c>, <c>failure</c> or another of GitHub's conclusions.</param>
/// <param name="Title">The output's title.</param>
/// <param name="Summary">The output's summary (Markdown).</param>
/// <param name="Annotations">At most 50 annotations (GitHub's limit per request).</param>
public sealed record CheckRunSpec(string Repository, string Name, string HeadSha, string Conclusion, string Title, string Summary, IReadOnlyList<CheckAnnotation> Annotations);
