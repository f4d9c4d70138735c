namespace GitOpsBridge.GitHub;

/// <summary>What a user may do in a repository, for commands given in pull-request comments.</summary>
public sealed partial class GitHubApi
{
    /// <inheritdoc />
    public async Task<CollaboratorPermission> GetCollaboratorPermissionAsync(long installationId, string repository, string username, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);

        // https://docs.github.com/en/rest/collaborators/collaborators#get-repository-permissions-for-a-user
        var path = $"{RepositoryPath(repository)}/collaborators/{Uri.EscapeDataString(username)}/permission";
        try
        {
            var response = await SendAsync(installationId, "GET", path, c => c.Get<PermissionBody>(Relative(path), null, Json, ct), ct).ConfigureAwait(false);
            var body = response.Body;
            return new CollaboratorPermission(body.Permission ?? "none", body.RoleName ?? body.Permission ?? "none");
        }
        catch (GitHubApiException ex) when (ex.StatusCode == 404)
        {
            // GitHub answers 404 for a login that is no user: it may do nothing here.
            return new CollaboratorPermission("none", "none");
        }
    }

    /// <summary><c>repository-collaborator-permission</c>, read by Octokit's serializer.</summary>
    private sealed class PermissionBody
    {
        public string? Permission { get; private set; }

        public string? RoleName { get; private set; }
    }
}
