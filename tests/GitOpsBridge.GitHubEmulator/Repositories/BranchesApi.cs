using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>A branch with its protection's required status checks (repos/get-branch).</summary>
internal static class BranchesApi
{
    /// <summary>
    /// A branch name may hold slashes, so it is a catch-all; one that must not be empty, or
    /// <c>GET /repos/{owner}/{repo}/branches</c> (repos/list-branches, not emulated) would land here.
    /// </summary>
    public static void MapBranchesApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods("/repos/{owner}/{repo}/branches/{**branch:required}", ["GET"], async context =>
                await (await GetAsync(context, context.State(), context.Json(), context.Value("owner"), context.Value("repo"), context.Value("branch")).ConfigureAwait(false))
                    .ExecuteAsync(context).ConfigureAwait(false))
            .WithMetadata(new EmulatorRoute(GitHubRoutes.GetBranch, Authentication.InstallationToken));

    private static async Task<IResult> GetAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string branch)
    {
        var repository = state.FindRepository(owner, repo)!;
        if (await repository.ResolveBranchAsync(branch, context.RequestAborted).ConfigureAwait(false) is not { } sha)
        {
            return GitHubResults.Error(StatusCodes.Status404NotFound, "Branch not found", "https://docs.github.com/rest/branches/branches#get-a-branch");
        }

        var commit = (await repository.LogAsync(sha, context.RequestAborted).ConfigureAwait(false))[0];
        var tree = await GitCli.RunCheckedAsync(["--git-dir", repository.GitDirectory, "rev-parse", $"{sha}^{{tree}}"], cancellationToken: context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<string> required;
        lock (state.Sync)
        {
            required = [.. state.Merging.Required(repository, branch)];
        }

        return GitHubResults.Json(json.Branch(repository, branch, commit, tree, required));
    }
}
