namespace GitOpsBridge.GitHub;

/// <summary>What the bridge needs to know of a repository.</summary>
/// <param name="FullName"><c>owner/name</c>.</param>
/// <param name="DefaultBranch">The default branch, e.g. <c>main</c>.</param>
public sealed record RepositoryInfo(string FullName, string DefaultBranch);
