namespace GitOpsBridge.GitHubEmulator;

/// <summary>
/// The routes the emulator serves, as <c>"METHOD /path/template"</c> with GitHub's documented
/// templates. These keys name routes for <see cref="FaultQueue"/> and <see cref="CallCounter"/>.
/// </summary>
public static class GitHubRoutes
{
    /// <summary>Matches every route in <see cref="FaultQueue.Enqueue"/>.</summary>
    public const string Any = "*";

    /// <summary>apps/list-installations (App JWT).</summary>
    public const string ListInstallations = "GET /app/installations";

    /// <summary>apps/create-installation-access-token (App JWT).</summary>
    public const string CreateInstallationToken = "POST /app/installations/{installation_id}/access_tokens";

    /// <summary>apps/get-repo-installation (App JWT).</summary>
    public const string GetRepositoryInstallation = "GET /repos/{owner}/{repo}/installation";

    /// <summary>apps/create-from-manifest (no authentication: the one-hour code is the credential).</summary>
    public const string CreateAppFromManifest = "POST /app-manifests/{code}/conversions";

    /// <summary>apps/list-repos-accessible-to-installation.</summary>
    public const string ListInstallationRepositories = "GET /installation/repositories";

    /// <summary>repos/get.</summary>
    public const string GetRepository = "GET /repos/{owner}/{repo}";

    /// <summary>repos/get-content.</summary>
    public const string GetContent = "GET /repos/{owner}/{repo}/contents/{path}";

    /// <summary>git/get-ref.</summary>
    public const string GetRef = "GET /repos/{owner}/{repo}/git/ref/{ref}";

    /// <summary>git/delete-ref.</summary>
    public const string DeleteRef = "DELETE /repos/{owner}/{repo}/git/refs/{ref}";

    /// <summary>pulls/list.</summary>
    public const string ListPullRequests = "GET /repos/{owner}/{repo}/pulls";

    /// <summary>pulls/create.</summary>
    public const string CreatePullRequest = "POST /repos/{owner}/{repo}/pulls";

    /// <summary>pulls/get.</summary>
    public const string GetPullRequest = "GET /repos/{owner}/{repo}/pulls/{pull_number}";

    /// <summary>pulls/update.</summary>
    public const string UpdatePullRequest = "PATCH /repos/{owner}/{repo}/pulls/{pull_number}";

    /// <summary>pulls/request-reviewers.</summary>
    public const string RequestReviewers = "POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers";

    /// <summary>issues/add-labels.</summary>
    public const string AddLabels = "POST /repos/{owner}/{repo}/issues/{issue_number}/labels";

    /// <summary>issues/create-comment.</summary>
    public const string CreateComment = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";

    /// <summary>issues/list-comments.</summary>
    public const string ListComments = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";

    /// <summary>checks/create.</summary>
    public const string CreateCheckRun = "POST /repos/{owner}/{repo}/check-runs";

    /// <summary>repos/get-collaborator-permission-level.</summary>
    public const string GetCollaboratorPermission = "GET /repos/{owner}/{repo}/collaborators/{username}/permission";

    /// <summary>apps/list-webhook-deliveries (App JWT).</summary>
    public const string ListHookDeliveries = "GET /app/hook/deliveries";

    /// <summary>apps/get-webhook-delivery (App JWT).</summary>
    public const string GetHookDelivery = "GET /app/hook/deliveries/{delivery_id}";

    /// <summary>apps/redeliver-webhook-delivery (App JWT).</summary>
    public const string RedeliverHookDelivery = "POST /app/hook/deliveries/{delivery_id}/attempts";

    /// <summary>Smart HTTP ref advertisement (clone, fetch and push all start here).</summary>
    public const string GitInfoRefs = "GET /{owner}/{repo}.git/info/refs";

    /// <summary>Smart HTTP fetch.</summary>
    public const string GitUploadPack = "POST /{owner}/{repo}.git/git-upload-pack";

    /// <summary>Smart HTTP push.</summary>
    public const string GitReceivePack = "POST /{owner}/{repo}.git/git-receive-pack";

    /// <summary>GitHub's GraphQL endpoint (also served at <c>/api/graphql</c>).</summary>
    public const string GraphQl = "POST /graphql";

    /// <summary>pulls/merge.</summary>
    public const string MergePullRequest = "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge";

    /// <summary>pulls/list-reviews.</summary>
    public const string ListReviews = "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews";

    /// <summary>checks/list-for-ref.</summary>
    public const string ListCheckRunsForRef = "GET /repos/{owner}/{repo}/commits/{ref}/check-runs";

    /// <summary>checks/update.</summary>
    public const string UpdateCheckRun = "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";

    /// <summary>repos/get-combined-status-for-ref.</summary>
    public const string GetCombinedStatus = "GET /repos/{owner}/{repo}/commits/{ref}/status";

    /// <summary>repos/create-commit-status.</summary>
    public const string CreateCommitStatus = "POST /repos/{owner}/{repo}/statuses/{sha}";

    /// <summary>repos/get-branch.</summary>
    public const string GetBranch = "GET /repos/{owner}/{repo}/branches/{branch}";

    /// <summary>repos/create-deployment.</summary>
    public const string CreateDeployment = "POST /repos/{owner}/{repo}/deployments";

    /// <summary>repos/list-deployments.</summary>
    public const string ListDeployments = "GET /repos/{owner}/{repo}/deployments";

    /// <summary>repos/create-deployment-status.</summary>
    public const string CreateDeploymentStatus = "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses";

    /// <summary>repos/list-deployment-statuses.</summary>
    public const string ListDeploymentStatuses = "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses";

    /// <summary>repos/compare-commits-with-basehead.</summary>
    public const string CompareCommits = "GET /repos/{owner}/{repo}/compare/{basehead}";

    /// <summary>git/create-blob.</summary>
    public const string CreateBlob = "POST /repos/{owner}/{repo}/git/blobs";

    /// <summary>git/create-tree.</summary>
    public const string CreateTree = "POST /repos/{owner}/{repo}/git/trees";

    /// <summary>git/create-commit.</summary>
    public const string CreateGitCommit = "POST /repos/{owner}/{repo}/git/commits";

    /// <summary>git/get-commit (with the emulator's <c>verification</c>).</summary>
    public const string GetGitCommit = "GET /repos/{owner}/{repo}/git/commits/{commit_sha}";

    /// <summary>git/create-ref.</summary>
    public const string CreateRef = "POST /repos/{owner}/{repo}/git/refs";

    /// <summary>git/update-ref.</summary>
    public const string UpdateRef = "PATCH /repos/{owner}/{repo}/git/refs/{ref}";

    internal static bool IsGit(string route) => route.Contains(".git/", StringComparison.Ordinal);
}
