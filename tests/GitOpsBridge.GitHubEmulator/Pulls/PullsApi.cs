using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using GitOpsBridge.GitHubEmulator.Repositories;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Pulls;

/// <summary>
/// Pull request routes. Head and base SHAs, commit counts, diff stats and mergeability come from
/// the real repository; open pull requests follow their branches, closed ones keep their last SHAs.
/// </summary>
internal static class PullsApi
{
    private const string CreateDocs = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request";
    private const string UpdateDocs = "https://docs.github.com/rest/pulls/pulls#update-a-pull-request";

    public static void MapPullsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHub(GitHubRoutes.ListPullRequests, Authentication.InstallationToken, c => ListAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo")));
        endpoints.MapGitHub(GitHubRoutes.CreatePullRequest, Authentication.InstallationToken, c => CreateAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo")));
        endpoints.MapGitHub(GitHubRoutes.GetPullRequest, Authentication.InstallationToken, c => GetAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("pull_number")));
        endpoints.MapGitHub(GitHubRoutes.UpdatePullRequest, Authentication.InstallationToken, c => UpdateAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("pull_number")));
        endpoints.MapGitHub(GitHubRoutes.RequestReviewers, Authentication.InstallationToken, c => RequestReviewersAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("pull_number")));
    }

    private static async Task<IResult> ListAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo)
    {
        var repository = state.FindRepository(owner, repo)!;
        var query = context.Request.Query;
        var filterState = query["state"].ToString() is { Length: > 0 } s ? s : "open";
        string? head = query["head"].ToString() is { Length: > 0 } h ? h : null;
        string? @base = query["base"].ToString() is { Length: > 0 } b ? b : null;
        var descending = query["direction"].ToString() switch
        {
            "asc" => false,
            "desc" => true,
            _ => query["sort"].ToString() is "" or "created",
        };

        List<PullRequestRecord> pulls;
        lock (state.Sync)
        {
            pulls = state.PullRequests.Where(p => p.Repository == repository).ToList();
        }

        foreach (var pull in pulls)
        {
            await RefreshAsync(state, pull, context.RequestAborted).ConfigureAwait(false);
        }

        // head is "user:ref-name"; GitHub ignores a head filter without the user prefix.
        var headBranch = head is not null && head.Contains(':', StringComparison.Ordinal) ? head : null;
        var selected = pulls
            .Where(p => filterState == "all" || p.State == filterState)
            .Where(p => headBranch is null || string.Equals(headBranch, $"{repository.Owner}:{p.Head}", StringComparison.OrdinalIgnoreCase))
            .Where(p => @base is null || p.Base == @base)
            .OrderBy(p => descending ? -p.Number : p.Number)
            .ToList();

        var page = Pagination.Page(context, selected);
        return GitHubResults.Json(new JsonArray([.. page.Select(p => (JsonNode)json.PullRequest(p, comparison: null))]));
    }

    private static async Task<IResult> GetAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string pull_number)
    {
        var pull = Find(state, owner, repo, pull_number);
        if (pull is null)
        {
            return GitHubResults.Error(StatusCodes.Status404NotFound, "Not Found", "https://docs.github.com/rest/pulls/pulls#get-a-pull-request");
        }

        return GitHubResults.Json(await FullAsync(state, json, pull, context.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> CreateAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo)
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

        var title = String(body, "title");
        var head = String(body, "head");
        var @base = String(body, "base");
        var missing = new List<JsonObject>();
        if (string.IsNullOrEmpty(title))
        {
            missing.Add(GitHubResults.FieldError("PullRequest", "missing_field", "title"));
        }

        if (string.IsNullOrEmpty(head))
        {
            missing.Add(GitHubResults.FieldError("PullRequest", "missing_field", "head"));
        }

        if (string.IsNullOrEmpty(@base))
        {
            missing.Add(GitHubResults.FieldError("PullRequest", "missing_field", "base"));
        }

        if (missing.Count > 0)
        {
            return GitHubResults.ValidationFailed(CreateDocs, [.. missing]);
        }

        // "owner:branch" names a branch of this repository when owner is its owner; forks are not emulated.
        var headBranch = head!;
        if (head!.Contains(':', StringComparison.Ordinal))
        {
            var headOwner = head[..head.IndexOf(':', StringComparison.Ordinal)];
            headBranch = head[(head.IndexOf(':', StringComparison.Ordinal) + 1)..];
            if (!string.Equals(headOwner, repository.Owner, StringComparison.OrdinalIgnoreCase))
            {
                return GitHubResults.ValidationFailed(CreateDocs, GitHubResults.FieldError("PullRequest", "invalid", "head"));
            }
        }

        var baseSha = await repository.ResolveBranchAsync(@base!, context.RequestAborted).ConfigureAwait(false);
        if (baseSha is null)
        {
            return GitHubResults.ValidationFailed(CreateDocs, GitHubResults.FieldError("PullRequest", "invalid", "base"));
        }

        var headSha = await repository.ResolveBranchAsync(headBranch, context.RequestAborted).ConfigureAwait(false);
        if (headSha is null)
        {
            return GitHubResults.ValidationFailed(CreateDocs, GitHubResults.FieldError("PullRequest", "invalid", "head"));
        }

        if (Duplicate(state, repository, headBranch, @base!, except: null) is not null)
        {
            return AlreadyExists(repository, headBranch, CreateDocs);
        }

        if (await repository.IsAncestorAsync(headSha, baseSha, context.RequestAborted).ConfigureAwait(false))
        {
            return GitHubResults.ValidationFailed(CreateDocs, GitHubResults.FieldError("PullRequest", "custom", message: $"No commits between {@base} and {headBranch}"));
        }

        var now = state.Now;
        PullRequestRecord pull;
        lock (state.Sync)
        {
            // Checked again under the lock: two concurrent creates for one head must not both win.
            if (Duplicate(state, repository, headBranch, @base!, except: null) is not null)
            {
                return AlreadyExists(repository, headBranch, CreateDocs);
            }

            pull = new PullRequestRecord
            {
                Id = state.NextId(),
                Repository = repository,
                Number = ++repository.LastIssueNumber,
                Title = title!,
                Body = String(body, "body"),
                State = "open",
                Head = headBranch,
                Base = @base!,
                HeadSha = headSha,
                BaseSha = baseSha,
                Draft = body?["draft"]?.GetValueKind() == JsonValueKind.True,
                MaintainerCanModify = body?["maintainer_can_modify"]?.GetValueKind() != JsonValueKind.False,
                Author = Author(context, state),
                CreatedAt = now,
                UpdatedAt = now,
            };
            state.PullRequests.Add(pull);
        }

        context.Response.Headers.Location = $"{state.ApiRoot}/repos/{repository.FullName}/pulls/{pull.Number}";
        return GitHubResults.Json(await FullAsync(state, json, pull, context.RequestAborted).ConfigureAwait(false), StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string pull_number)
    {
        var pull = Find(state, owner, repo, pull_number);
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

        await RefreshAsync(state, pull, context.RequestAborted).ConfigureAwait(false);
        var newState = String(body, "state");
        var newBase = String(body, "base");
        if (newState is not (null or "open" or "closed"))
        {
            return GitHubResults.ValidationFailed(UpdateDocs, GitHubResults.FieldError("PullRequest", "invalid", "state"));
        }

        if (newBase is not null && await pull.Repository.ResolveBranchAsync(newBase, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return GitHubResults.ValidationFailed(UpdateDocs, GitHubResults.FieldError("PullRequest", "invalid", "base"));
        }

        if (newState == "open" && pull.State == "closed")
        {
            if (await pull.Repository.ResolveBranchAsync(pull.Head, context.RequestAborted).ConfigureAwait(false) is null)
            {
                return GitHubResults.ValidationFailed(UpdateDocs, GitHubResults.FieldError("PullRequest", "custom", "state", "state cannot be changed. The head branch was deleted."));
            }

            if (Duplicate(state, pull.Repository, pull.Head, newBase ?? pull.Base, except: pull) is not null)
            {
                return AlreadyExists(pull.Repository, pull.Head, UpdateDocs);
            }
        }

        lock (state.Sync)
        {
            pull.Title = String(body, "title") ?? pull.Title;
            if (body?["body"] is not null)
            {
                pull.Body = String(body, "body");
            }

            if (newBase is not null)
            {
                pull.Base = newBase;
            }

            if (body?["maintainer_can_modify"] is { } modify)
            {
                pull.MaintainerCanModify = modify.GetValueKind() == JsonValueKind.True;
            }

            if (newState is not null && newState != pull.State)
            {
                pull.State = newState;
                pull.ClosedAt = newState == "closed" ? state.Now : null;
            }

            pull.UpdatedAt = state.Now;
        }

        return GitHubResults.Json(await FullAsync(state, json, pull, context.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> RequestReviewersAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string pull_number)
    {
        var pull = Find(state, owner, repo, pull_number);
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

        var reviewers = Strings(body, "reviewers");
        var teams = Strings(body, "team_reviewers");
        const string Docs = "https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request";
        if (reviewers.Any(r => string.Equals(r, pull.Author, StringComparison.OrdinalIgnoreCase)))
        {
            return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, "Review cannot be requested from pull request author.", Docs);
        }

        lock (state.Sync)
        {
            pull.RequestedReviewers.AddRange(reviewers.Where(r => !pull.RequestedReviewers.Contains(r, StringComparer.OrdinalIgnoreCase)));
            pull.RequestedTeams.AddRange(teams.Where(t => !pull.RequestedTeams.Contains(t, StringComparer.OrdinalIgnoreCase)));
            pull.UpdatedAt = state.Now;
        }

        await RefreshAsync(state, pull, context.RequestAborted).ConfigureAwait(false);
        return GitHubResults.Json(json.PullRequest(pull, comparison: null), StatusCodes.Status201Created);
    }

    internal static PullRequestRecord? Find(EmulatorState state, string owner, string repo, string number)
    {
        if (!int.TryParse(number, out var n) || state.FindRepository(owner, repo) is not { } repository)
        {
            return null;
        }

        lock (state.Sync)
        {
            return state.PullRequests.FirstOrDefault(p => p.Repository == repository && p.Number == n);
        }
    }

    internal static string Author(HttpContext context, EmulatorState state) =>
        context.Caller().Token is not null ? state.BotLogin : state.App.Slug;

    /// <summary>An open pull request's SHAs follow its branches; a closed one keeps what it had.</summary>
    private static async Task RefreshAsync(EmulatorState state, PullRequestRecord pull, CancellationToken cancellationToken)
    {
        if (pull.State != "open")
        {
            return;
        }

        var head = await pull.Repository.ResolveBranchAsync(pull.Head, cancellationToken).ConfigureAwait(false);
        var @base = await pull.Repository.ResolveBranchAsync(pull.Base, cancellationToken).ConfigureAwait(false);
        lock (state.Sync)
        {
            pull.HeadSha = head ?? pull.HeadSha;
            pull.BaseSha = @base ?? pull.BaseSha;
        }
    }

    private static async Task<JsonObject> FullAsync(EmulatorState state, Representations json, PullRequestRecord pull, CancellationToken cancellationToken)
    {
        await RefreshAsync(state, pull, cancellationToken).ConfigureAwait(false);
        var comparison = await pull.Repository.CompareAsync(pull.BaseSha, pull.HeadSha, cancellationToken).ConfigureAwait(false);
        return json.PullRequest(pull, comparison);
    }

    private static PullRequestRecord? Duplicate(EmulatorState state, HostedRepository repository, string head, string @base, PullRequestRecord? except)
    {
        // GitHub refuses a second open pull request for the same head and base.
        lock (state.Sync)
        {
            return state.PullRequests.FirstOrDefault(p =>
                p != except && p.Repository == repository && p.State == "open" && p.Head == head && p.Base == @base);
        }
    }

    private static IResult AlreadyExists(HostedRepository repository, string head, string docs) =>
        GitHubResults.ValidationFailed(docs, GitHubResults.FieldError("PullRequest", "custom", message: $"A pull request already exists for {repository.Owner}:{head}."));

    private static string? String(JsonNode? body, string name) =>
        body is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static List<string> Strings(JsonNode? body, string name) =>
        body is JsonObject o && o[name] is JsonArray a
            ? a.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).ToList()
            : [];
}
