namespace GitOpsBridge.Git;

/// <summary>A branch the caller asked to fetch does not exist on the server.</summary>
/// <param name="repository"><c>owner/name</c>.</param>
/// <param name="branch">The missing branch.</param>
public sealed class GitBranchNotFoundException(string repository, string branch)
    : Exception($"{repository} has no branch {branch}")
{
    /// <summary><c>owner/name</c>.</summary>
    public string Repository { get; } = repository;

    /// <summary>The missing branch.</summary>
    public string Branch { get; } = branch;
}
