namespace GitOpsBridge.GitHubEmulator;

/// <summary>Auto-merge settings and state, for tests of GitHub's GraphQL auto-merge mutations.</summary>
public sealed partial class GitHubEmulator
{
    /// <summary>
    /// Turns a repository's "Allow auto-merge" setting on or off (on by default, as the REST
    /// <c>allow_auto_merge</c> reports). While off, <c>enablePullRequestAutoMerge</c> fails as on GitHub.
    /// </summary>
    public void SetAllowAutoMerge(string owner, string name, bool allowed) => _state.AutoMerge.SetAllowed(Repository(owner, name), allowed);

    /// <summary>
    /// Makes the repository follow GitHub's rule that auto-merge cannot be enabled on a pull request
    /// that can be merged right now: <c>enablePullRequestAutoMerge</c> then fails with "Pull request is
    /// in clean status" while the base branch has no required status check (see <c>SetRequiredStatusChecks</c>).
    /// </summary>
    public void SetAutoMergeCleanStatusRule(string owner, string name, bool on) => _state.AutoMerge.SetCleanStatusRule(Repository(owner, name), on);

    /// <summary>A pull request's auto-merge request, or null when auto-merge is off.</summary>
    public EmulatedAutoMergeRequest? GetAutoMergeRequest(string owner, string name, int number) =>
        _state.AutoMerge.Get(PullRequest(owner, name, number)) is { } request
            ? new EmulatedAutoMergeRequest(request.MergeMethod, request.EnabledAt, request.EnabledBy, request.CommitHeadline, request.CommitBody)
            : null;

    /// <summary>A pull request's GraphQL node id (its REST <c>node_id</c>).</summary>
    public string GetPullRequestNodeId(string owner, string name, int number) => Http.Representations.NodeId("PR_", PullRequest(owner, name, number).Id);

    private PullRequestRecord PullRequest(string owner, string name, int number)
    {
        var repository = Repository(owner, name);
        lock (_state.Sync)
        {
            return _state.PullRequests.FirstOrDefault(pull => pull.Repository == repository && pull.Number == number)
                ?? throw new InvalidOperationException($"{owner}/{name} has no pull request #{number}.");
        }
    }
}
