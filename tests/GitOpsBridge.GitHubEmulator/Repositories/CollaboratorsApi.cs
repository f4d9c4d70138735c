using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>A user's permission on a repository, as GitHub reports it for a collaborator.</summary>
internal static class CollaboratorsApi
{
    public static void MapCollaboratorsApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGitHub(GitHubRoutes.GetCollaboratorPermission, Authentication.InstallationToken,
            c => GetPermission(c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("username")));

    private static IResult GetPermission(EmulatorState state, Representations json, string owner, string repo, string username)
    {
        var repository = state.FindRepository(owner, repo);
        if (repository is null)
        {
            return GitHubResults.NotFound();
        }

        string role;
        lock (state.Sync)
        {
            role = string.Equals(repository.Owner, username, StringComparison.OrdinalIgnoreCase)
                ? "admin"
                : state.CollaboratorRoles.GetValueOrDefault((repository.FullName.ToLowerInvariant(), username.ToLowerInvariant()), "none");
        }

        // "permission" keeps GitHub's legacy base roles: maintain reads as write, triage as read.
        var permission = role switch
        {
            "maintain" => "write",
            "triage" => "read",
            _ => role,
        };
        var user = json.User(username);
        user["role_name"] = role;
        return GitHubResults.Json(new JsonObject { ["permission"] = permission, ["role_name"] = role, ["user"] = user });
    }
}
