namespace GitOpsBridge.Core.Policies;

/// <summary>The outcome of <see cref="VersionOrdering.Decide"/> with the explanation that is stored and shown.</summary>
/// <param name="Kind">What the move would be.</param>
/// <param name="Reason">Always an explanation, e.g. "1.4.2 → 1.5.0 (semver ^1.4)" or "already at 1.5.0".</param>
public sealed record BumpDecision(BumpKind Kind, string Reason)
{
    /// <summary>Whether callers should move to the candidate: <see cref="BumpKind.Upgrade"/> or <see cref="BumpKind.Unordered"/>.</summary>
    public bool Proceeds => Kind is BumpKind.Upgrade or BumpKind.Unordered;
}
