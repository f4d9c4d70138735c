namespace GitOpsBridge.GitHub;

/// <summary>What decides whether the bridge may merge a pull request, as <c>GET /repos/{owner}/{repo}/pulls/{pull_number}</c> gives it.</summary>
/// <param name="Number">The pull request number.</param>
/// <param name="State"><c>open</c> or <c>closed</c>.</param>
/// <param name="Merged">Whether it was merged.</param>
/// <param name="Draft">Whether it is a draft.</param>
/// <param name="Mergeable">Whether the head merges cleanly into the base; null while GitHub is still computing it.</param>
/// <param name="HeadSha">The head commit, which the merge names as its precondition.</param>
/// <param name="BaseBranch">The branch it merges into.</param>
/// <param name="AutoMergeEnabled">GitHub's native auto-merge is on for it (its <c>auto_merge</c> is set).</param>
public sealed record PullRequestMergeState(int Number, string State, bool Merged, bool Draft, bool? Mergeable, string HeadSha, string BaseBranch, bool AutoMergeEnabled);

/// <summary>A check run of a commit.</summary>
/// <param name="Id">Its id (to update it in place).</param>
/// <param name="Name">Its name.</param>
/// <param name="Status"><c>queued</c>, <c>in_progress</c>, <c>completed</c>, …</param>
/// <param name="Conclusion">Set once completed.</param>
public sealed record CheckRunInfo(long Id, string Name, string Status, string? Conclusion);

/// <summary>The latest commit status of one context.</summary>
/// <param name="Context">Its context.</param>
/// <param name="State"><c>success</c>, <c>pending</c>, <c>failure</c> or <c>error</c>.</param>
public sealed record CommitStatusInfo(string Context, string State);

/// <summary>A submitted pull request review.</summary>
/// <param name="Login">Who submitted it.</param>
/// <param name="State"><c>APPROVED</c>, <c>CHANGES_REQUESTED</c>, <c>COMMENTED</c> or <c>DISMISSED</c>.</param>
/// <param name="SubmittedAt">When (a pending review has none).</param>
public sealed record ReviewInfo(string Login, string State, DateTimeOffset? SubmittedAt);
