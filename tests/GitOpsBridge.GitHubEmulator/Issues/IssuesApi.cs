using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using GitOpsBridge.GitHubEmulator.Pulls;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Issues;

/// <summary>Labels and comments on pull requests (GitHub treats every pull request as an issue).</summary>
internal static class IssuesApi
{
    public static void MapIssuesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHub(GitHubRoutes.AddLabels, Authentication.InstallationToken, c => AddLabelsAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("issue_number")));
        endpoints.MapGitHub(GitHubRoutes.CreateComment, Authentication.InstallationToken, c => CreateCommentAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("issue_number")));
        endpoints.MapGitHub(GitHubRoutes.ListComments, Authentication.InstallationToken, c => ListComments(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("issue_number")));
    }

    private static async Task<IResult> AddLabelsAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string issue_number)
    {
        var pull = PullsApi.Find(state, owner, repo, issue_number);
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

        // { "labels": ["a", {"name": "b"}] } or, still accepted by GitHub, a bare array.
        var items = body switch
        {
            JsonObject o when o["labels"] is JsonArray labels => labels,
            JsonArray array => array,
            _ => [],
        };
        var names = items.Select(item => item switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonObject o when o["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String => n.GetValue<string>(),
            _ => null,
        }).OfType<string>().ToList();
        if (names.Count == 0)
        {
            return GitHubResults.ValidationFailed(
                "https://docs.github.com/rest/issues/labels#add-labels-to-an-issue",
                GitHubResults.FieldError("Label", "missing_field", "labels"));
        }

        List<string> all;
        lock (state.Sync)
        {
            pull.Labels.AddRange(names.Where(n => !pull.Labels.Contains(n, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase));
            pull.UpdatedAt = state.Now;
            all = [.. pull.Labels];
        }

        return GitHubResults.Json(new JsonArray([.. all.Select(name => (JsonNode)json.Label(pull.Repository, name))]));
    }

    private static async Task<IResult> CreateCommentAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string issue_number)
    {
        var pull = PullsApi.Find(state, owner, repo, issue_number);
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

        if (body?["body"] is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
        {
            return GitHubResults.ValidationFailed(
                "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
                GitHubResults.FieldError("IssueComment", "missing_field", "body"));
        }

        var comment = new CommentRecord(state.NextId(), pull.Repository, pull.Number, text.GetValue<string>(), PullsApi.Author(context, state), state.Now);
        lock (state.Sync)
        {
            state.Comments.Add(comment);
        }

        context.Response.Headers.Location = $"{state.ApiRoot}/repos/{pull.Repository.FullName}/issues/comments/{comment.Id}";
        return GitHubResults.Json(json.Comment(comment), StatusCodes.Status201Created);
    }

    private static IResult ListComments(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string issue_number)
    {
        var pull = PullsApi.Find(state, owner, repo, issue_number);
        if (pull is null)
        {
            return GitHubResults.NotFound();
        }

        List<CommentRecord> comments;
        lock (state.Sync)
        {
            comments = state.Comments.Where(c => c.Repository == pull.Repository && c.IssueNumber == pull.Number).OrderBy(c => c.Id).ToList();
        }

        return GitHubResults.Json(new JsonArray([.. Pagination.Page(context, comments).Select(c => (JsonNode)json.Comment(c))]));
    }
}
