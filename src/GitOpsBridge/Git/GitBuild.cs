namespace GitOpsBridge.Git;

/// <summary>
/// Commits built in the cached clone and not yet on the server: the bridge's own commit on a base,
/// then the commits people made on the bridge's branch, replayed on top. Published by a git push
/// (<see cref="IGitWorkspace.PushAsync"/>) or through the Git Data API (<see cref="ApiCommitWriter"/>).
/// </summary>
/// <param name="Repository"><c>owner/name</c>.</param>
/// <param name="BaseSha">The base commit the first commit sits on.</param>
/// <param name="BaseTreeSha">That commit's tree (the API's <c>base_tree</c>).</param>
/// <param name="Commits">Oldest first; the last is the tip to publish.</param>
/// <param name="Conflict">The first person's commit that did not apply cleanly, if any: then <paramref name="Commits"/> stop before it and must not be published over the branch.</param>
/// <param name="Skipped">People's merge commits that were not replayed (a merge of the base into the branch, such as GitHub's "Update branch", is rebuilt by starting from the latest base).</param>
public sealed record GitBuild(
    string Repository, string BaseSha, string BaseTreeSha, IReadOnlyList<GitBuiltCommit> Commits, GitReplayConflict? Conflict, IReadOnlyList<string> Skipped)
{
    /// <summary>The commit the branch should point at.</summary>
    public string TipSha => Commits[^1].Sha;

    /// <summary>How many of <see cref="Commits"/> are people's commits replayed on top of the bridge's.</summary>
    public int Replayed => Commits.Count - 1;
}

/// <summary>One commit of a <see cref="GitBuild"/>, with what it changes against its parent.</summary>
/// <param name="Sha">The commit in the cached clone.</param>
/// <param name="ParentSha">Its parent in the cached clone.</param>
/// <param name="TreeSha">Its tree; the same tree built through the API has this sha too.</param>
/// <param name="Message">The whole message.</param>
/// <param name="Author">Who wrote it (a person keeps their name on a replayed commit).</param>
/// <param name="AuthoredAt">When it was written.</param>
/// <param name="Changes">Every path whose entry differs from the parent's tree.</param>
public sealed record GitBuiltCommit(
    string Sha, string ParentSha, string TreeSha, string Message, GitAuthor Author, DateTimeOffset AuthoredAt, IReadOnlyList<GitTreeChange> Changes);

/// <summary>A path of a commit's tree that differs from its parent's.</summary>
/// <param name="Path">The repository path.</param>
/// <param name="Mode">Git's mode as the API writes it (<c>100644</c>, <c>100755</c>, <c>120000</c>), or null when the path was deleted.</param>
/// <param name="BlobSha">The blob, or null when the path was deleted.</param>
/// <param name="Content">The blob's bytes, or null when the path was deleted.</param>
public sealed record GitTreeChange(string Path, string? Mode, string? BlobSha, byte[]? Content);

/// <summary>A person's commit that does not apply on top of the rebuilt branch.</summary>
/// <param name="Sha">The commit, as it is on the branch now.</param>
/// <param name="Summary">Its first message line.</param>
/// <param name="Paths">The paths that conflict.</param>
public sealed record GitReplayConflict(string Sha, string Summary, IReadOnlyList<string> Paths);
