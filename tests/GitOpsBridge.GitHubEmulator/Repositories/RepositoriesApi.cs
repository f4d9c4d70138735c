using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>Repository, contents and refs routes, read from the bare repositories on disk.</summary>
internal static class RepositoriesApi
{
    public static void MapRepositoriesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHub(GitHubRoutes.GetRepository, Authentication.InstallationToken, c => GetRepository(c.State(), c.Json(), c.Value("owner"), c.Value("repo")));
        endpoints.MapGitHub(GitHubRoutes.GetContent, Authentication.InstallationToken, c => GetContentAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("path"), c.Request.Query["ref"].ToString()), catchAll: "path");
        endpoints.MapGitHub(GitHubRoutes.GetRef, Authentication.InstallationToken, c => GetRefAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("ref")), catchAll: "ref");
        endpoints.MapGitHub(GitHubRoutes.DeleteRef, Authentication.InstallationToken, c => DeleteRefAsync(c, c.State(), c.Value("owner"), c.Value("repo"), c.Value("ref")), catchAll: "ref");
    }

    private static IResult GetRepository(EmulatorState state, Representations json, string owner, string repo) =>
        state.FindRepository(owner, repo) is { } repository ? GitHubResults.Json(json.Repository(repository, full: true)) : GitHubResults.NotFound();

    private static async Task<IResult> GetContentAsync(
        HttpContext context, EmulatorState state, Representations json, string owner, string repo, string path, string? reference)
    {
        var repository = state.FindRepository(owner, repo)!;
        var name = string.IsNullOrEmpty(reference) ? repository.DefaultBranch : reference;
        var commit = await repository.ResolveCommitAsync(name, context.RequestAborted).ConfigureAwait(false);
        if (commit is null)
        {
            return GitHubResults.Error(StatusCodes.Status404NotFound, $"No commit found for the ref {name}", "https://docs.github.com/rest/repos/contents#get-repository-content");
        }

        var trimmed = path.Trim('/');
        if (trimmed.Length == 0)
        {
            return await DirectoryAsync(context, json, repository, commit, string.Empty, name).ConfigureAwait(false);
        }

        var entry = await repository.FindAsync(commit, trimmed, context.RequestAborted).ConfigureAwait(false);
        if (entry is null)
        {
            return GitHubResults.Error(StatusCodes.Status404NotFound, "Not Found", "https://docs.github.com/rest/repos/contents#get-repository-content");
        }

        if (entry.Type == "tree")
        {
            return await DirectoryAsync(context, json, repository, commit, trimmed, name).ConfigureAwait(false);
        }

        var content = await repository.ReadBlobAsync(entry.Sha, context.RequestAborted).ConfigureAwait(false);
        // The raw media types answer the bytes under the media type asked for (Octokit reads a
        // body as bytes only when it comes back as application/vnd.github.v3.raw).
        var accept = context.Request.Headers.Accept.ToString();
        foreach (var raw in new[] { "application/vnd.github.v3.raw", "application/vnd.github.raw" })
        {
            if (accept.Contains(raw, StringComparison.OrdinalIgnoreCase))
            {
                return Results.Bytes(content, raw);
            }
        }

        return GitHubResults.Json(json.ContentFile(repository, entry, content, name));
    }

    private static async Task<IResult> DirectoryAsync(HttpContext context, Representations json, HostedRepository repository, string commit, string path, string reference)
    {
        var entries = await repository.ListTreeAsync(commit, path, recursive: false, context.RequestAborted).ConfigureAwait(false);
        return GitHubResults.Json(new JsonArray([.. entries.Select(e => (JsonNode)json.ContentEntry(repository, e, reference))]));
    }

    private static async Task<IResult> GetRefAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string @ref)
    {
        var repository = state.FindRepository(owner, repo)!;
        var branch = @ref.StartsWith("heads/", StringComparison.Ordinal) ? @ref["heads/".Length..] : null;
        var sha = branch is null ? null : await repository.ResolveBranchAsync(branch, context.RequestAborted).ConfigureAwait(false);
        return sha is null
            ? GitHubResults.Error(StatusCodes.Status404NotFound, "Not Found", "https://docs.github.com/rest/git/refs#get-a-reference")
            : GitHubResults.Json(json.GitRef(repository, $"refs/{@ref}", sha));
    }

    private static async Task<IResult> DeleteRefAsync(HttpContext context, EmulatorState state, string owner, string repo, string @ref)
    {
        var repository = state.FindRepository(owner, repo)!;
        var branch = @ref.StartsWith("heads/", StringComparison.Ordinal) ? @ref["heads/".Length..] : null;
        if (branch == repository.DefaultBranch)
        {
            return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, "Cannot delete the default branch", "https://docs.github.com/rest/git/refs#delete-a-reference");
        }

        if (branch is null || !await repository.DeleteBranchAsync(branch, context.RequestAborted).ConfigureAwait(false))
        {
            return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, "Reference does not exist", "https://docs.github.com/rest/git/refs#delete-a-reference");
        }

        // GitHub closes the open pull requests whose head or base branch was deleted.
        lock (state.Sync)
        {
            foreach (var pull in state.PullRequests.Where(p => p.Repository == repository && p.State == "open" && (p.Head == branch || p.Base == branch)))
            {
                pull.State = "closed";
                pull.ClosedAt = pull.UpdatedAt = state.Now;
            }
        }

        return GitHubResults.NoContent();
    }
}
