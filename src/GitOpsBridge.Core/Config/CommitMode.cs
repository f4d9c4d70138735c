namespace GitOpsBridge.Core.Config;

/// <summary>How the bridge creates commits.</summary>
public enum CommitMode
{
    /// <summary>Build the commit locally and push it with git.</summary>
    Git,

    /// <summary>Create the commit through the GitHub API (signed by GitHub as the App).</summary>
    Api,
}
