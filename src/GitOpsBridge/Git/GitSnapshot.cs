using GitOpsBridge.Core.Planning;

namespace GitOpsBridge.Git;

/// <summary>A branch's tip as fetched into the workspace, with its files.</summary>
/// <param name="Repository"><c>owner/name</c>.</param>
/// <param name="Branch">The branch name, without <c>refs/heads/</c>.</param>
/// <param name="CommitSha">The tip the files come from.</param>
/// <param name="Files">The files of that commit's tree, read from the cached clone on demand.</param>
public sealed record GitSnapshot(string Repository, string Branch, string CommitSha, IRepositoryFiles Files);
