using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>Check runs an App creates on a commit (checks/create).</summary>
internal static class CheckRunsApi
{
    public static void MapCheckRunsApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGitHub(GitHubRoutes.CreateCheckRun, Authentication.InstallationToken,
            c => CreateAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo")));

    private static async Task<IResult> CreateAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo)
    {
        var repository = state.FindRepository(owner, repo);
        if (repository is null)
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

        // The request schema (name, head_sha, output, annotations) is checked by the spec validation.
        var name = body?["name"]?.GetValue<string>() ?? "";
        var headSha = body?["head_sha"]?.GetValue<string>() ?? "";
        if (await repository.ResolveCommitAsync(headSha, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return GitHubResults.ValidationFailed(
                "https://docs.github.com/rest/checks/runs#create-a-check-run",
                GitHubResults.FieldError("CheckRun", "invalid", "head_sha"));
        }

        var conclusion = body?["conclusion"]?.GetValue<string>();
        var status = body?["status"]?.GetValue<string>() ?? (conclusion is null ? "queued" : "completed");
        var output = body?["output"] as JsonObject;
        var annotations = (output?["annotations"] as JsonArray)?.OfType<JsonObject>().Select(a => (JsonObject)a.DeepClone()).ToList() ?? [];
        var run = new EmulatedCheckRun(state.NextId(), name, headSha, status, conclusion,
            output?["title"]?.GetValue<string>(), output?["summary"]?.GetValue<string>(), annotations);
        var details = new CheckRunDetails(state.Now, status == "completed" ? state.Now : null,
            body?["external_id"]?.GetValue<string>() ?? "", body?["details_url"]?.GetValue<string>(), state.NextId());
        lock (state.Sync)
        {
            state.CheckRuns.Add((repository, run));
            state.Merging.CheckRunDetails[run.Id] = details;
        }

        return GitHubResults.Json(json.CheckRun(repository, run, output?["text"]?.GetValue<string>()), StatusCodes.Status201Created);
    }
}
