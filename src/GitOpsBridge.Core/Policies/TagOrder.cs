namespace GitOpsBridge.Core.Policies;

/// <summary>How a <see cref="PatternTagPolicy"/> orders the sort keys it extracts from tags.</summary>
public enum TagOrder
{
    /// <summary>The key is a non-negative integer of any length (<c>99</c> &lt; <c>1234</c>); a key with anything but digits is outside the policy.</summary>
    Numerical,

    /// <summary>The key is compared ordinally, character code by character code (<c>2024-06-01</c> &lt; <c>2024-06-02</c>).</summary>
    Alphabetical,
}
