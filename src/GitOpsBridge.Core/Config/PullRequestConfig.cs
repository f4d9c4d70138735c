namespace GitOpsBridge.Core.Config;

/// <summary>How the pull request of an environment is opened.</summary>
/// <param name="AutoMerge">Auto-merge method to enable; <see langword="null"/> leaves auto-merge off.</param>
/// <param name="Draft">Open the pull request as a draft.</param>
/// <param name="Labels">Labels to set.</param>
/// <param name="Reviewers">User logins to request reviews from.</param>
/// <param name="TeamReviewers">Teams to request reviews from, as written: <c>org/team-slug</c>.</param>
/// <param name="MinApprovals">Approving reviews required before the bridge enables auto-merge.</param>
public sealed record PullRequestConfig(
    MergeMethod? AutoMerge,
    bool Draft,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Reviewers,
    IReadOnlyList<string> TeamReviewers,
    int MinApprovals)
{
    /// <summary>The settings used when the file has no <c>pullRequest</c> key (or <c>pullRequest: true</c>).</summary>
    public static PullRequestConfig Default { get; } = new(null, false, [], [], [], 0);
}
