namespace GitOpsBridge.GitHubEmulator;

/// <summary>Auto-merge as enabled on an emulated pull request through GraphQL.</summary>
/// <param name="MergeMethod"><c>MERGE</c>, <c>SQUASH</c> or <c>REBASE</c> (GitHub's <c>PullRequestMergeMethod</c>).</param>
/// <param name="EnabledAt">When it was enabled, on the emulator's clock.</param>
/// <param name="EnabledBy">Login of who enabled it (the App's bot for an installation token).</param>
/// <param name="CommitHeadline">The commit headline asked for, if any.</param>
/// <param name="CommitBody">The commit body asked for, if any.</param>
public sealed record EmulatedAutoMergeRequest(string MergeMethod, DateTimeOffset EnabledAt, string EnabledBy, string? CommitHeadline, string? CommitBody);
