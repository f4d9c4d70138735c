namespace GitOpsBridge.Core.Config;

/// <summary>The merge method GitHub uses when auto-merge fires.</summary>
public enum MergeMethod
{
    /// <summary>A merge commit.</summary>
    Merge,

    /// <summary>Squash and merge.</summary>
    Squash,

    /// <summary>Rebase and merge.</summary>
    Rebase,
}
