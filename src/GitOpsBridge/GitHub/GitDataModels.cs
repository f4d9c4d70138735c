namespace GitOpsBridge.GitHub;

/// <summary>One entry of a tree made with <c>POST /repos/{owner}/{repo}/git/trees</c>.</summary>
/// <param name="Path">The repository path (the API builds the folders).</param>
/// <param name="Mode"><c>100644</c>, <c>100755</c>, <c>120000</c> or <c>160000</c>.</param>
/// <param name="Type"><c>blob</c>, or <c>commit</c> for a submodule.</param>
/// <param name="Sha">The object, or null to delete the path from the base tree.</param>
public sealed record GitDataTreeEntry(string Path, string Mode, string Type, string? Sha);

/// <summary>The author of a commit made with <c>POST /repos/{owner}/{repo}/git/commits</c>.</summary>
public sealed record GitDataAuthor(string Name, string Email, DateTimeOffset Date);

/// <summary>A commit as GitHub's Git Data API returns it.</summary>
/// <param name="Sha">The commit.</param>
/// <param name="TreeSha">Its tree.</param>
/// <param name="Verified">GitHub's <c>verification.verified</c>.</param>
/// <param name="VerificationReason">GitHub's <c>verification.reason</c> (<c>valid</c>, <c>unsigned</c>, …).</param>
public sealed record GitDataCommit(string Sha, string TreeSha, bool Verified, string VerificationReason);
