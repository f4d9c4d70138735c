using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using GitOpsBridge.GitHubEmulator.Repositories;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Pulls;

/// <summary>Merging a pull request (pulls/merge) and its reviews (pulls/list-reviews).</summary>
internal static class MergeApi
{
    private const string MergeDocs = "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public static void MapMergeApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHub(GitHubRoutes.MergePullRequest, Authentication.InstallationToken, c => MergeAsync(c, c.State(), c.Value("owner"), c.Value("repo"), c.Value("pull_number")));
        endpoints.MapGitHub(GitHubRoutes.ListReviews, Authentication.InstallationToken, c => ListReviews(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("pull_number")));
    }

    private static async Task<IResult> MergeAsync(HttpContext context, EmulatorState state, string owner, string repo, string pullNumber)
    {
        var pull = PullsApi.Find(state, owner, repo, pullNumber);
        if (pull is null)
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

        var repository = pull.Repository;

        // One merge at a time per repository: the checks below and the base's move belong together.
        var gate = Gates.GetOrAdd(repository.GitDirectory, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            var headSha = await repository.ResolveBranchAsync(pull.Head, context.RequestAborted).ConfigureAwait(false);
            var baseSha = await repository.ResolveBranchAsync(pull.Base, context.RequestAborted).ConfigureAwait(false);
            if (pull.State != "open" || headSha is null || baseSha is null)
            {
                return GitHubResults.Error(StatusCodes.Status405MethodNotAllowed, "Pull Request is not mergeable", MergeDocs);
            }

            if (pull.Draft)
            {
                return GitHubResults.Error(StatusCodes.Status405MethodNotAllowed, "Pull Request is still a draft", MergeDocs);
            }

            if (String(body, "sha") is { } expected && !string.Equals(expected, headSha, StringComparison.OrdinalIgnoreCase))
            {
                return GitHubResults.Error(StatusCodes.Status409Conflict, "Head branch was modified. Review and try the merge again.", MergeDocs);
            }

            if (MissingRequiredCheck(state, repository, pull.Base, headSha) is { } missing)
            {
                return GitHubResults.Error(StatusCodes.Status405MethodNotAllowed, $"Required status check \"{missing}\" is expected.", MergeDocs);
            }

            var method = String(body, "merge_method") ?? "merge";
            var title = String(body, "commit_title") ?? (method == "merge" ? $"Merge pull request #{pull.Number} from {repository.Owner}/{pull.Head}" : $"{pull.Title} (#{pull.Number})");
            var message = String(body, "commit_message") ?? (method == "merge" ? pull.Title : string.Empty);
            var commit = await PullRequestMerger.MergeAsync(repository, pull.Base, baseSha, headSha, method, title, message, context.RequestAborted).ConfigureAwait(false);
            if (commit is null)
            {
                return GitHubResults.Error(StatusCodes.Status405MethodNotAllowed, "Pull Request is not mergeable", MergeDocs);
            }

            lock (state.Sync)
            {
                pull.HeadSha = headSha;
                pull.BaseSha = baseSha;
                pull.State = "closed";
                pull.ClosedAt = state.Now;
                pull.MergedAt = state.Now;
                pull.UpdatedAt = state.Now;
                pull.MergeCommitSha = commit;
                pull.MergedBy = PullsApi.Author(context, state);
            }

            return GitHubResults.Json(new JsonObject { ["sha"] = commit, ["merged"] = true, ["message"] = "Pull Request successfully merged" });
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The first required context of the base branch that is not green on the head: GitHub refuses the merge without it.</summary>
    private static string? MissingRequiredCheck(EmulatorState state, HostedRepository repository, string baseBranch, string headSha)
    {
        lock (state.Sync)
        {
            var statuses = state.Merging.LatestStatuses(repository, headSha);
            var runs = state.CheckRuns.Where(c => c.Repository == repository && c.Run.HeadSha == headSha).Select(c => c.Run)
                .GroupBy(r => r.Name, StringComparer.Ordinal).Select(g => g.MaxBy(r => r.Id)!).ToList();
            return state.Merging.Required(repository, baseBranch).FirstOrDefault(required =>
                !statuses.Any(s => s.Context == required && s.State == "success")
                && !runs.Any(r => r.Name == required && r.Status == "completed" && r.Conclusion is "success" or "neutral" or "skipped"));
        }
    }

    private static IResult ListReviews(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string pullNumber)
    {
        var pull = PullsApi.Find(state, owner, repo, pullNumber);
        if (pull is null)
        {
            return GitHubResults.NotFound();
        }

        List<ReviewRecord> reviews;
        lock (state.Sync)
        {
            reviews = [.. state.Merging.Reviews.Where(r => r.Repository == pull.Repository && r.Number == pull.Number).OrderBy(r => r.Id)];
        }

        var page = Pagination.Page(context, reviews);
        return GitHubResults.Json(new JsonArray([.. page.Select(r => (JsonNode)json.Review(r))]));
    }

    private static string? String(JsonNode? body, string name) =>
        body is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
