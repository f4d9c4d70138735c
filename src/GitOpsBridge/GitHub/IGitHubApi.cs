namespace GitOpsBridge.GitHub;

/// <summary>
/// Everything GitOps Bridge asks of GitHub's REST API. Every call waits on the installation's
/// <see cref="RateLimitBudget"/>, retries once with a new token after a 401, and fails with
/// <see cref="GitHubRateLimitedException"/> on a rate limit or <see cref="GitHubApiException"/>
/// on any other refusal.
/// </summary>
public interface IGitHubApi
{
    /// <summary>API calls made so far, retries included (installation tokens not counted).</summary>
    int CallCount { get; }

    /// <summary>The App's installations (App JWT, all pages).</summary>
    Task<IReadOnlyList<InstallationInfo>> ListInstallationsAsync(CancellationToken ct = default);

    /// <summary>The repositories an installation can reach, as <c>owner/name</c> (all pages).</summary>
    Task<IReadOnlyList<string>> ListInstallationRepositoriesAsync(long installationId, CancellationToken ct = default);

    /// <summary>A repository and its default branch.</summary>
    Task<RepositoryInfo> GetRepositoryAsync(long installationId, string repository, CancellationToken ct = default);

    /// <summary>A file's text (UTF-8, a BOM kept) at a branch, tag or commit; null when GitHub answers 404.</summary>
    Task<string?> GetFileAsync(long installationId, string repository, string path, string gitRef, CancellationToken ct = default);

    /// <summary>The open pull request from <paramref name="headBranch"/> (in the same repository) into <paramref name="baseBranch"/>, if any.</summary>
    Task<PullRequestInfo?> FindOpenPullRequestAsync(long installationId, string repository, string headBranch, string baseBranch, CancellationToken ct = default);

    /// <summary>
    /// Makes the pull request for <see cref="PullRequestSpec.HeadBranch"/> match the spec: updates the
    /// open one in place (title and body when they changed, missing labels) or creates it (then its
    /// labels and reviewers). A 422 "already exists" from a concurrent writer falls back to the update.
    /// </summary>
    Task<PullRequestResult> CreateOrUpdatePullRequestAsync(long installationId, PullRequestSpec spec, CancellationToken ct = default);

    /// <summary>Comments (when <paramref name="comment"/> is not blank), then closes the pull request.</summary>
    Task ClosePullRequestAsync(long installationId, string repository, int number, string comment, CancellationToken ct = default);

    /// <summary>Comments on a pull request (or issue).</summary>
    Task CommentAsync(long installationId, string repository, int number, string body, CancellationToken ct = default);

    /// <summary>A user's permission on a repository; a login GitHub does not know (404) has <c>none</c>.</summary>
    Task<CollaboratorPermission> GetCollaboratorPermissionAsync(long installationId, string repository, string username, CancellationToken ct = default);

    /// <summary>Creates a completed check run on a commit (Checks: write); returns its id.</summary>
    Task<long> CreateCheckRunAsync(long installationId, CheckRunSpec spec, CancellationToken ct = default);

    /// <summary>Deletes a branch; one that is already gone (404 or 422) is not an error.</summary>
    Task DeleteBranchAsync(long installationId, string repository, string branch, CancellationToken ct = default);

    /// <summary>The App's webhook deliveries since a time, newest first (App JWT; a bounded number of pages).</summary>
    Task<IReadOnlyList<HookDeliveryInfo>> ListHookDeliveriesAsync(DateTimeOffset since, CancellationToken ct = default);

    /// <summary>Asks GitHub to deliver a webhook delivery again (App JWT).</summary>
    Task RedeliverAsync(long deliveryId, CancellationToken ct = default);

    /// <summary>A pull request's head, draft and mergeable state, and whether GitHub's auto-merge is on for it.</summary>
    Task<PullRequestMergeState> GetPullRequestMergeStateAsync(long installationId, string repository, int number, CancellationToken ct = default);

    /// <summary>The required status check contexts of a branch's protection; empty when it has none (or the branch is gone).</summary>
    Task<IReadOnlyList<string>> GetRequiredStatusChecksAsync(long installationId, string repository, string branch, CancellationToken ct = default);

    /// <summary>The latest check run of each name on a commit (Checks: read).</summary>
    Task<IReadOnlyList<CheckRunInfo>> ListCheckRunsAsync(long installationId, string repository, string sha, CancellationToken ct = default);

    /// <summary>The latest commit status of each context on a commit (Commit statuses: read).</summary>
    Task<IReadOnlyList<CommitStatusInfo>> GetCommitStatusesAsync(long installationId, string repository, string sha, CancellationToken ct = default);

    /// <summary>Every submitted review of a pull request, oldest first.</summary>
    Task<IReadOnlyList<ReviewInfo>> ListReviewsAsync(long installationId, string repository, int number, CancellationToken ct = default);

    /// <summary>Completes an existing check run of the App with the spec's conclusion and output (its annotations are not sent).</summary>
    Task UpdateCheckRunAsync(long installationId, string repository, long checkRunId, CheckRunSpec spec, CancellationToken ct = default);

    /// <summary>
    /// Merges a pull request with a method, only if its head is still <paramref name="headSha"/>;
    /// returns the merge commit. GitHub's refusals come as <see cref="GitHubApiException"/>: 405 (not
    /// mergeable: closed, draft, conflict, a required check) or 409 (the head moved).
    /// </summary>
    Task<string> MergePullRequestAsync(long installationId, string repository, int number, string headSha, GitOpsBridge.Core.Config.MergeMethod method, CancellationToken ct = default);

    /// <summary>
    /// Records a deployment of a commit to an environment with a final status (Deployments: write):
    /// <c>POST /repos/{owner}/{repo}/deployments</c>, then its <c>statuses</c>. Returns the deployment's id.
    /// </summary>
    Task<long> CreateDeploymentAsync(long installationId, DeploymentSpec spec, CancellationToken ct = default);

    /// <summary>
    /// How <paramref name="head"/> relates to <paramref name="baseRef"/> (<c>GET /repos/{owner}/{repo}/compare/{base}...{head}</c>):
    /// <c>ahead</c>, <c>behind</c>, <c>identical</c> or <c>diverged</c>; null when either is unknown (404).
    /// </summary>
    Task<string?> CompareAsync(long installationId, string repository, string baseRef, string head, CancellationToken ct = default);

    /// <summary>Creates a blob from bytes (sent base64); returns its sha (the same as git's).</summary>
    Task<string> CreateBlobAsync(long installationId, string repository, byte[] content, CancellationToken ct = default);

    /// <summary>Creates a tree: <paramref name="baseTree"/> with <paramref name="entries"/> replaced, added or (a null sha) deleted; returns its sha.</summary>
    Task<string> CreateTreeAsync(long installationId, string repository, string baseTree, IReadOnlyList<GitDataTreeEntry> entries, CancellationToken ct = default);

    /// <summary>Creates a commit, with GitHub as the committer, so GitHub signs it (Verified).</summary>
    Task<GitDataCommit> CreateCommitAsync(
        long installationId, string repository, string message, string tree, IReadOnlyList<string> parents, GitDataAuthor? author, CancellationToken ct = default);

    /// <summary>A commit with GitHub's verification of its signature.</summary>
    Task<GitDataCommit> GetCommitAsync(long installationId, string repository, string sha, CancellationToken ct = default);

    /// <summary>
    /// Points a branch at a commit (<c>PATCH /git/refs/heads/{branch}</c>), creating the branch when it
    /// does not exist. Without <paramref name="force"/> GitHub refuses (422) an update that is not a
    /// fast-forward; a protected branch refuses (422) what its rules do not allow.
    /// </summary>
    Task SetBranchAsync(long installationId, string repository, string branch, string sha, bool force, CancellationToken ct = default);
}
