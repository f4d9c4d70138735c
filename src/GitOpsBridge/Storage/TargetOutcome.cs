namespace GitOpsBridge.Storage;

/// <summary>What one delivery did to one target (a repository's environment).</summary>
/// <param name="Repository">The GitOps repository, <c>owner/name</c>.</param>
/// <param name="Environment">The environment in that repository's config.</param>
/// <param name="Status">The outcome for this target.</param>
/// <param name="ReasonCode">A stable reason code (the planner's, such as <c>already-current</c>) when it did not change.</param>
/// <param name="Reason">The human-readable reason.</param>
/// <param name="PullRequestNumber">The pull request that carries the change, if any.</param>
/// <param name="PullRequestUrl">Its web address.</param>
/// <param name="PullRequestAction">What happened to it: <c>opened</c>, <c>updated</c>, <c>closed</c>, <c>merged</c> or <c>committed</c>.</param>
public sealed record TargetOutcome(
    string Repository,
    string Environment,
    DeliveryStatus Status,
    string? ReasonCode,
    string? Reason,
    int? PullRequestNumber,
    string? PullRequestUrl,
    string? PullRequestAction);
