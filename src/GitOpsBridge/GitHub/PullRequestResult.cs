namespace GitOpsBridge.GitHub;

/// <summary>What <see cref="IGitHubApi.CreateOrUpdatePullRequestAsync"/> did.</summary>
/// <param name="Number">The pull request number.</param>
/// <param name="Url">Its web page.</param>
/// <param name="Action"><see cref="PullRequestActions.Opened"/> or <see cref="PullRequestActions.Updated"/>.</param>
/// <param name="NodeId">The GraphQL id, which auto-merge takes.</param>
public sealed record PullRequestResult(int Number, string Url, string Action, string NodeId)
{
    /// <summary>
    /// What GitHub refused without failing the pull request itself, e.g. "Reviews may only be
    /// requested from collaborators" for a reviewer; empty when all went through. Worth showing in
    /// the outcome, since a retry would not ask again.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>The values of <see cref="PullRequestResult.Action"/>.</summary>
public static class PullRequestActions
{
    /// <summary>A new pull request was created.</summary>
    public const string Opened = "opened";

    /// <summary>The open pull request for the head branch was kept and brought up to date.</summary>
    public const string Updated = "updated";
}
