namespace GitOpsBridge.Core.Config;

/// <summary>How the values extracted by a pattern policy are compared.</summary>
public enum PatternOrder
{
    /// <summary>As non-negative integers (<c>main-10</c> is newer than <c>main-9</c>).</summary>
    Numerical,

    /// <summary>Ordinal string comparison (suits sortable timestamps).</summary>
    Alphabetical,
}
