namespace GitOpsBridge.GitHub;

/// <summary>A user's permission on a repository.</summary>
/// <param name="Permission">GitHub's legacy base role: <c>admin</c>, <c>write</c> (also for maintain), <c>read</c> (also for triage) or <c>none</c>.</param>
/// <param name="RoleName">The role as named in the repository settings, custom roles included.</param>
public sealed record CollaboratorPermission(string Permission, string RoleName)
{
    /// <summary>Admin, maintain and write may change what the repository deploys.</summary>
    public bool CanWrite => Permission is "admin" or "write";
}
