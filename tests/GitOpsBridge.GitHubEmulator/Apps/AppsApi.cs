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
        endpoints.MapGitHub(GitHubRoutes.CreateAppFromManifest, Authentication.None, c => CreateAppFromManifest(c.State(), c.Json(), c.Value("code")));
    }

    /// <summary>
    /// The manifest flow's last step. The emulator models one App, so the code converts into that
    /// App: its id, its real RSA key (the one JWTs are checked against) and the webhook secret
    /// redeliveries are signed with; name, URL, permissions and events come from the manifest.
    /// https://docs.github.com/en/rest/apps/apps#create-a-github-app-from-a-manifest
    /// </summary>
    private static IResult CreateAppFromManifest(EmulatorState state, Representations json, string code)
    {
        ManifestRecord? record;
        lock (state.Sync)
        {
            if (state.Manifests.Remove(code, out record) && state.Now - record.IssuedAt > ManifestCodeLifetime)
            {
                record = null;
            }
        }

        if (record is null)
        {
            return GitHubResults.NotFound();
        }

        var manifest = record.Manifest;
        var app = state.App;
        var created = Representations.Timestamp(record.IssuedAt);
        var response = new JsonObject
        {
            ["id"] = app.AppId,
            ["slug"] = app.Slug,
            ["node_id"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"A_{app.AppId}")),
            ["client_id"] = app.ClientId,
            ["owner"] = json.User(record.Owner),
            ["name"] = manifest["name"]?.GetValue<string>() ?? app.Slug,
            ["description"] = manifest["description"]?.GetValue<string>(),
            ["external_url"] = manifest["url"]!.GetValue<string>(),
            ["html_url"] = $"{state.ApiRoot}/apps/{app.Slug}",
            ["created_at"] = created,
            ["updated_at"] = created,
            ["permissions"] = manifest["default_permissions"]?.DeepClone() ?? new JsonObject { ["metadata"] = "read" },
            ["events"] = manifest["default_events"]?.DeepClone() ?? new JsonArray(),
            ["installations_count"] = 0,
            ["client_secret"] = app.ClientSecret,
            ["webhook_secret"] = manifest["hook_attributes"] is null ? null : state.Options.WebhookSecret,
            ["pem"] = app.PrivateKeyPem,
        };
        return GitHubResults.Json(response, StatusCodes.Status201Created);
    }

    /// <summary>How long a manifest code can be converted.</summary>
    internal static readonly TimeSpan ManifestCodeLifetime = TimeSpan.FromHours(1);

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
