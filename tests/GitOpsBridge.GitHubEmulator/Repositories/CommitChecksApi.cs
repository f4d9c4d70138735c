using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>
/// What a commit's checks say: its check runs (checks/list-for-ref, checks/update), its commit
/// statuses (repos/create-commit-status, repos/get-combined-status-for-ref).
/// </summary>
internal static class CommitChecksApi
{
    private const string StatusDocs = "https://docs.github.com/rest/commits/statuses#create-a-commit-status";

    public static void MapCommitChecksApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHub(GitHubRoutes.ListCheckRunsForRef, Authentication.InstallationToken, c => ListCheckRunsAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("ref")));
        endpoints.MapGitHub(GitHubRoutes.UpdateCheckRun, Authentication.InstallationToken, c => UpdateCheckRunAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("check_run_id")));
        endpoints.MapGitHub(GitHubRoutes.GetCombinedStatus, Authentication.InstallationToken, c => CombinedStatusAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("ref")));
        endpoints.MapGitHub(GitHubRoutes.CreateCommitStatus, Authentication.InstallationToken, c => CreateStatusAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("sha")));
    }

    private static async Task<IResult> ListCheckRunsAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string reference)
    {
        var repository = state.FindRepository(owner, repo)!;
        if (await repository.ResolveCommitAsync(reference, context.RequestAborted).ConfigureAwait(false) is not { } sha)
        {
            return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, $"No commit found for SHA: {reference}", "https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference");
        }

        var query = context.Request.Query;
        var name = query["check_name"].ToString();
        var status = query["status"].ToString();
        List<EmulatedCheckRun> runs;
        lock (state.Sync)
        {
            runs = [.. state.CheckRuns.Where(c => c.Repository == repository && c.Run.HeadSha == sha).Select(c => c.Run)];
        }

        // filter=latest (the default) keeps the newest run of each name, as a re-run replaces the one before.
        if (query["filter"].ToString() != "all")
        {
            runs = [.. runs.GroupBy(r => r.Name, StringComparer.Ordinal).Select(g => g.MaxBy(r => r.Id)!)];
        }

        runs = [.. runs.Where(r => (name.Length == 0 || r.Name == name) && (status.Length == 0 || r.Status == status)).OrderByDescending(r => r.Id)];
        var page = Pagination.Page(context, runs);
        return GitHubResults.Json(new JsonObject
        {
            ["total_count"] = runs.Count,
            ["check_runs"] = new JsonArray([.. page.Select(r => (JsonNode)json.CheckRun(repository, r))]),
        });
    }

    private static async Task<IResult> UpdateCheckRunAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string checkRunId)
    {
        var repository = state.FindRepository(owner, repo)!;
        JsonNode? body;
        try
        {
            body = await GitHubResults.ReadJsonAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return GitHubResults.ProblemsParsingJson();
        }

        if (!long.TryParse(checkRunId, out var id))
        {
            return GitHubResults.NotFound();
        }

        EmulatedCheckRun updated;
        lock (state.Sync)
        {
            var index = state.CheckRuns.FindIndex(c => c.Repository == repository && c.Run.Id == id);
            if (index < 0)
            {
                return GitHubResults.NotFound();
            }

            var run = state.CheckRuns[index].Run;
            var conclusion = body?["conclusion"]?.GetValue<string>() ?? run.Conclusion;

            // A conclusion completes the run, whatever status is sent with it.
            var status = body?["conclusion"] is not null ? "completed" : body?["status"]?.GetValue<string>() ?? run.Status;
            var output = body?["output"] as JsonObject;
            var added = (output?["annotations"] as JsonArray)?.OfType<JsonObject>().Select(a => (JsonObject)a.DeepClone()) ?? [];
            updated = run with
            {
                Name = body?["name"]?.GetValue<string>() ?? run.Name,
                Status = status,
                Conclusion = conclusion,
                Title = output?["title"]?.GetValue<string>() ?? run.Title,
                Summary = output?["summary"]?.GetValue<string>() ?? run.Summary,

                // GitHub adds the annotations of each update to the ones the run has.
                Annotations = [.. run.Annotations, .. added],
            };
            state.CheckRuns[index] = (repository, updated);
            if (state.Merging.CheckRunDetails.TryGetValue(id, out var details))
            {
                state.Merging.CheckRunDetails[id] = details with
                {
                    CompletedAt = status == "completed" ? details.CompletedAt ?? state.Now : null,
                    DetailsUrl = body?["details_url"]?.GetValue<string>() ?? details.DetailsUrl,
                };
            }
        }

        return GitHubResults.Json(json.CheckRun(repository, updated));
    }

    private static async Task<IResult> CombinedStatusAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string reference)
    {
        var repository = state.FindRepository(owner, repo)!;
        if (await repository.ResolveCommitAsync(reference, context.RequestAborted).ConfigureAwait(false) is not { } sha)
        {
            return GitHubResults.NotFound();
        }

        List<StatusRecord> latest;
        lock (state.Sync)
        {
            latest = state.Merging.LatestStatuses(repository, sha);
        }

        var page = Pagination.Page(context, latest);
        var repoUrl = $"{state.ApiRoot}/repos/{repository.FullName}";
        return GitHubResults.Json(new JsonObject
        {
            ["state"] = MergeBook.CombinedState(latest),
            ["statuses"] = new JsonArray([.. page.Select(s => (JsonNode)json.CommitStatus(s, full: false))]),
            ["sha"] = sha,
            ["total_count"] = latest.Count,
            ["repository"] = json.Repository(repository),
            ["commit_url"] = $"{repoUrl}/commits/{sha}",
            ["url"] = $"{repoUrl}/commits/{sha}/status",
        });
    }

    private static async Task<IResult> CreateStatusAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string sha)
    {
        var repository = state.FindRepository(owner, repo)!;
        JsonNode? body;
        try
        {
            body = await GitHubResults.ReadJsonAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return GitHubResults.ProblemsParsingJson();
        }

        // The state's enum is checked by the spec validation; the commit must exist.
        var resolved = sha.Length == 40 ? await repository.ResolveCommitAsync(sha, context.RequestAborted).ConfigureAwait(false) : null;
        if (resolved is null)
        {
            return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, $"No commit found for SHA: {sha}", StatusDocs);
        }

        var status = AddStatus(state, repository, resolved, body?["state"]?.GetValue<string>() ?? "pending", body?["context"]?.GetValue<string>() ?? "default",
            body?["description"]?.GetValue<string>(), body?["target_url"]?.GetValue<string>(), Pulls.PullsApi.Author(context, state));
        return GitHubResults.Json(json.CommitStatus(status, full: true), StatusCodes.Status201Created);
    }

    internal static StatusRecord AddStatus(EmulatorState state, HostedRepository repository, string sha, string statusState, string context, string? description, string? targetUrl, string creator)
    {
        var status = new StatusRecord(state.NextId(), repository, sha, statusState, context, description, targetUrl, creator, state.Now);
        lock (state.Sync)
        {
            state.Merging.Statuses.Add(status);
        }

        return status;
    }
}
