namespace GitOpsBridge.Git;

/// <summary>The author and committer of the commits the bridge makes.</summary>
public sealed record GitAuthor(string Name, string Email);
