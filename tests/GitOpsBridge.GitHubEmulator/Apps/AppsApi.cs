using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Apps;

/// <summary>The App's own routes (JWT) and the installation's repository list (installation token).</summary>
internal static class AppsApi
{
    public static void MapAppsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHub(GitHubRoutes.ListInstallations, Authentication.AppJwt, c => ListInstallations(c, c.State(), c.Json()));
        endpoints.MapGitHub(GitHubRoutes.CreateInstallationToken, Authentication.AppJwt, c => CreateInstallationTokenAsync(c, c.State(), c.Value("installation_id")));
        endpoints.MapGitHub(GitHubRoutes.GetRepositoryInstallation, Authentication.AppJwt, c => GetRepositoryInstallation(c.State(), c.Json(), c.Value("owner"), c.Value("repo")));
        endpoints.MapGitHub(GitHubRoutes.ListInstallationRepositories, Authentication.InstallationToken, c => ListInstallationRepositories(c, c.State(), c.Json()));
    }

    private static IResult ListInstallations(HttpContext context, EmulatorState state, Representations json)
    {
        List<InstallationRecord> installations;
        lock (state.Sync)
        {
            installations = [.. state.Installations.Values.OrderBy(i => i.Id)];
        }

        return GitHubResults.Json(new JsonArray([.. Pagination.Page(context, installations).Select(i => (JsonNode)json.Installation(i))]));
    }

    private static async Task<IResult> CreateInstallationTokenAsync(HttpContext context, EmulatorState state, string installation_id)
    {
        InstallationRecord? installation;
        lock (state.Sync)
        {
            installation = long.TryParse(installation_id, out var id) ? state.Installations.GetValueOrDefault(id) : null;
        }

        if (installation is null)
        {
            return GitHubResults.NotFound();
        }

        JsonNode? body;
        try
        {
            body = await GitHubResults.ReadJsonAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return GitHubResults.ProblemsParsingJson();
        }

        // A token may be narrowed to some of the installation's repositories, by name or id.
        HashSet<long>? narrowed = null;
        var names = body?["repositories"]?.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var ids = body?["repository_ids"]?.AsArray().Select(n => n!.GetValue<long>()).ToList();
        List<Repositories.HostedRepository> installed;
        lock (state.Sync)
        {
            installed = state.Repositories.Values.Where(r => installation.RepositoryIds.Contains(r.Id)).ToList();
        }

        if (names is { Count: > 0 } || ids is { Count: > 0 })
        {
            narrowed = [];
            foreach (var name in names ?? [])
            {
                var repository = installed.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
                if (repository is null)
                {
                    return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, $"There is at least one repository that does not exist or is not accessible to the parent installation.");
                }

                narrowed.Add(repository.Id);
            }

            foreach (var id in ids ?? [])
            {
                if (!installed.Any(r => r.Id == id))
                {
                    return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, $"There is at least one repository that does not exist or is not accessible to the parent installation.");
                }

                narrowed.Add(id);
            }
        }

        var token = state.IssueToken(installation.Id, narrowed);
        var response = new JsonObject
        {
            ["token"] = token.Token,
            ["expires_at"] = Representations.Timestamp(token.ExpiresAt),
            ["permissions"] = Representations.Permissions(),
            ["repository_selection"] = "selected",
        };
        return GitHubResults.Json(response, StatusCodes.Status201Created);
    }

    private static IResult GetRepositoryInstallation(EmulatorState state, Representations json, string owner, string repo)
    {
        var repository = state.FindRepository(owner, repo);
        InstallationRecord? installation = null;
        if (repository is not null)
        {
            lock (state.Sync)
            {
                installation = state.Installations.Values.FirstOrDefault(i => i.RepositoryIds.Contains(repository.Id));
            }
        }

        return installation is null ? GitHubResults.NotFound() : GitHubResults.Json(json.Installation(installation));
    }

    private static IResult ListInstallationRepositories(HttpContext context, EmulatorState state, Representations json)
    {
        var token = context.Caller().Token!;
        List<Repositories.HostedRepository> visible;
        lock (state.Sync)
        {
            visible = state.Repositories.Values.Where(r => state.CanAccess(token, r)).OrderBy(r => r.Id).ToList();
        }

        var page = Pagination.Page(context, visible);
        return GitHubResults.Json(new JsonObject
        {
            ["total_count"] = visible.Count,
            ["repositories"] = new JsonArray([.. page.Select(r => (JsonNode)json.Repository(r))]),
            ["repository_selection"] = "selected",
        });
    }
}
