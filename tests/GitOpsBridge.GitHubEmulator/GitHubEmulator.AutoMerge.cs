namespace GitOpsBridge.GitHubEmulator;

/// <summary>Auto-merge settings and state, for tests of GitHub's GraphQL auto-merge mutations.</summary>
public sealed partial class GitHubEmulator
{
    /// <summary>
    /// Turns a repository's "Allow auto-merge" setting on or off (on by default, as the REST
    /// <c>allow_auto_merge</c> reports). While off, <c>enablePullRequestAutoMerge</c> fails as on GitHub.
    /// </summary>
    public void SetAllowAutoMerge(string owner, string name, bool allowed) => _state.AutoMerge.SetAllowed(Repository(owner, name), allowed);

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
