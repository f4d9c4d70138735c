namespace GitOpsBridge.Storage;

/// <summary>The pull request that carries a target's changes; later builds update it in place.</summary>
/// <param name="Target">The target it belongs to.</param>
/// <param name="Number">Its number in the repository.</param>
/// <param name="Url">Its web address.</param>
/// <param name="HeadBranch">The bridge's branch it is opened from.</param>
/// <param name="State"><c>open</c>, <c>closed</c> or <c>merged</c>.</param>
/// <param name="UpdatedAt">When it was last changed or observed. The store keeps the caller's value.</param>
public sealed record PullRequestRecord(TargetKey Target, int Number, string Url, string HeadBranch, string State, DateTimeOffset UpdatedAt);
