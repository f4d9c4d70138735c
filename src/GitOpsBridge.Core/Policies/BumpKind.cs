namespace GitOpsBridge.Core.Policies;

/// <summary>What moving from the current tag to a candidate tag would be.</summary>
public enum BumpKind
{
    /// <summary>The candidate is higher, or the current tag is missing or outside the policy: proceed.</summary>
    Upgrade,

    /// <summary>The candidate is the current tag, or ranks equal to it: nothing to do.</summary>
    Same,

    /// <summary>The candidate is lower than the current tag: skip it.</summary>
    Downgrade,

    /// <summary>Neither tag orders before the other (commit SHAs, <c>latest</c>); the event is newer, so callers proceed.</summary>
    Unordered,

    /// <summary>The candidate is not a valid tag or the policy does not admit it: skip it.</summary>
    Rejected,
}
