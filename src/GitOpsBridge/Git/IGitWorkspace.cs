namespace GitOpsBridge.Git;

/// <summary>
/// Cached clones of GitOps repositories: fetch a branch, read its files, and push one commit per PR
/// branch built from blobs in memory. Calls for one repository run one at a time.
/// </summary>
public interface IGitWorkspace
{
    /// <summary>
    /// Fetches a branch into the repository's cached bare clone (made on first use, then updated
    /// incrementally) and returns its tip.
    /// </summary>
    /// <exception cref="GitBranchNotFoundException">The branch does not exist.</exception>
    /// <exception cref="GitAuthenticationException">The token was refused.</exception>
    Task<GitSnapshot> FetchAsync(string repository, string branch, string token, CancellationToken cancellationToken = default);

    /// <summary>The commit a branch of the server points at, or null when there is no such branch (one ls-remote request).</summary>
    /// <exception cref="GitAuthenticationException">The token was refused.</exception>
    Task<string?> GetRemoteBranchShaAsync(string repository, string branch, string token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Builds one commit whose parent is <paramref name="baseSnapshot"/>'s commit and whose tree is that
    /// commit's tree with <paramref name="files"/> (repository path to text, written as UTF-8 exactly as
    /// given) replaced or added, then force-pushes it to <c>refs/heads/{branch}</c>. Returns the new
    /// commit, or null (and pushes nothing) when the files already hold that text.
    /// </summary>
    /// <exception cref="GitPushRejectedException">The server refused the push.</exception>
    /// <exception cref="GitAuthenticationException">The token was refused.</exception>
    Task<string?> CommitAndPushAsync(
        GitSnapshot baseSnapshot, string branch, IReadOnlyDictionary<string, string> files, string message, GitAuthor author, string token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Fetches <paramref name="branch"/> and lists its commits that are not reachable from
    /// <paramref name="baseCommit"/>, newest first (empty when the branch does not exist). A commit
    /// whose author is not the bridge is a person's edit.
    /// </summary>
    /// <exception cref="GitAuthenticationException">The token was refused.</exception>
    Task<IReadOnlyList<(string Sha, string AuthorEmail, string Message)>> CommitsAheadAsync(
        string repository, string baseCommit, string branch, string token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Builds, in the cached clone and without pushing, the bridge's commit on
    /// <paramref name="baseSnapshot"/> (its tree with <paramref name="files"/> replaced or added, as
    /// <see cref="CommitAndPushAsync"/> builds it), then replays the commits <paramref name="replay"/>
    /// (oldest first, fetched by <see cref="CommitsAheadAsync"/>) on top of it, keeping their authors.
    /// Replay stops at the first commit that does not apply cleanly (<see cref="GitBuild.Conflict"/>);
    /// merge commits are not replayed, and a commit that changes nothing any more is dropped. Returns
    /// null when the files already hold that text.
    /// </summary>
    Task<GitBuild?> BuildAsync(
        GitSnapshot baseSnapshot, IReadOnlyDictionary<string, string> files, string message, GitAuthor author, IReadOnlyList<string> replay, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pushes a commit of the clone (built by <see cref="BuildAsync"/>) to <c>refs/heads/{branch}</c>,
    /// forced or only as a fast-forward.
    /// </summary>
    /// <exception cref="GitNonFastForwardException">Not forced, and the branch moved on the server.</exception>
    /// <exception cref="GitPushRejectedException">The server refused the push (a protected branch).</exception>
    /// <exception cref="GitAuthenticationException">The token was refused.</exception>
    Task PushAsync(string repository, string branch, string commitSha, bool force, string token, CancellationToken cancellationToken = default);
}
