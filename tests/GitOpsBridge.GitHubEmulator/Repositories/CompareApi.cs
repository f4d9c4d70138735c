using System.Globalization;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>
/// repos/compare-commits-with-basehead: <c>BASE...HEAD</c> (branches, tags or SHAs) compared from
/// their merge base, as GitHub does: <c>ahead_by</c>, <c>behind_by</c>, <c>status</c> and the
/// commits HEAD has that BASE lacks (a page of them). The <c>files</c> list is left out, as GitHub
/// leaves it out of later pages.
/// </summary>
internal static class CompareApi
{
    public static void MapCompareApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGitHub(GitHubRoutes.CompareCommits, Authentication.InstallationToken,
            c => CompareAsync(c, c.State(), c.Value("owner"), c.Value("repo"), c.Value("basehead")), catchAll: "basehead");

    private static async Task<IResult> CompareAsync(HttpContext context, EmulatorState state, string owner, string repo, string basehead)
    {
        if (state.FindRepository(owner, repo) is not { } repository)
        {
            return GitHubResults.NotFound();
        }

        var separator = basehead.IndexOf("...", StringComparison.Ordinal);
        if (separator <= 0 || separator + 3 >= basehead.Length)
        {
            return GitHubResults.NotFound();
        }

        var cancellationToken = context.RequestAborted;
        var baseSha = await repository.ResolveCommitAsync(basehead[..separator], cancellationToken).ConfigureAwait(false);
        var headSha = await repository.ResolveCommitAsync(basehead[(separator + 3)..], cancellationToken).ConfigureAwait(false);
        if (baseSha is null || headSha is null)
        {
            return GitHubResults.NotFound();
        }

        string[] Git(params string[] arguments) => ["--git-dir", repository.GitDirectory, .. arguments];
        var mergeBase = (await GitCli.RunAsync(Git("merge-base", baseSha, headSha), cancellationToken: cancellationToken).ConfigureAwait(false)).Text.Trim();
        if (mergeBase.Length == 0)
        {
            // Unrelated histories: GitHub answers 404 with "No common ancestor".
            return GitHubResults.Error(StatusCodes.Status404NotFound, $"No common ancestor between {basehead[..separator]} and {basehead[(separator + 3)..]}.");
        }

        var counts = await GitCli.RunCheckedAsync(Git("rev-list", "--left-right", "--count", $"{baseSha}...{headSha}"), cancellationToken: cancellationToken).ConfigureAwait(false);
        var parts = counts.Split('\t', ' ');
        var behind = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var ahead = int.Parse(parts[^1], CultureInfo.InvariantCulture);
        var status = (ahead, behind) switch
        {
            (0, 0) => "identical",
            (_, 0) => "ahead",
            (0, _) => "behind",
            _ => "diverged",
        };

        // Oldest first, as GitHub lists them.
        var commits = await CommitsAsync(state, repository, Git("log", "--reverse", Format, $"{mergeBase}..{headSha}", "--"), cancellationToken).ConfigureAwait(false);
        var baseCommit = (await CommitsAsync(state, repository, Git("log", "-1", Format, baseSha, "--"), cancellationToken).ConfigureAwait(false))[0];
        var mergeBaseCommit = (await CommitsAsync(state, repository, Git("log", "-1", Format, mergeBase, "--"), cancellationToken).ConfigureAwait(false))[0];
        var html = $"{state.ApiRoot}/{repository.FullName}/compare/{basehead}";
        return GitHubResults.Json(new JsonObject
        {
            ["url"] = $"{state.ApiRoot}/repos/{repository.FullName}/compare/{basehead}",
            ["html_url"] = html,
            ["permalink_url"] = $"{state.ApiRoot}/{repository.FullName}/compare/{repository.Owner}:{baseSha[..7]}...{repository.Owner}:{headSha[..7]}",
            ["diff_url"] = html + ".diff",
            ["patch_url"] = html + ".patch",
            ["base_commit"] = baseCommit,
            ["merge_base_commit"] = mergeBaseCommit,
            ["status"] = status,
            ["ahead_by"] = ahead,
            ["behind_by"] = behind,
            ["total_commits"] = ahead,
            ["commits"] = new JsonArray([.. Pagination.Page(context, commits)]),
        });
    }

    /// <summary>Hash, tree, parents, author and committer (name, email, date), then the message.</summary>
    private const string Format = "--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x1e";

    /// <summary><c>commit</c> objects, from <c>git log</c> with <see cref="Format"/>.</summary>
    private static async Task<List<JsonNode>> CommitsAsync(EmulatorState state, HostedRepository repository, string[] arguments, CancellationToken cancellationToken)
    {
        var text = await GitCli.RunCheckedAsync(arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        var api = $"{state.ApiRoot}/repos/{repository.FullName}";
        var web = $"{state.ApiRoot}/{repository.FullName}";
        return [.. text.Split('\x1e', StringSplitOptions.RemoveEmptyEntries)
            .Select(record => record.TrimStart('\n').Split('\0'))
            .Where(fields => fields.Length >= 10)
            .Select(fields => (JsonNode)new JsonObject
            {
                ["url"] = $"{api}/commits/{fields[0]}",
                ["sha"] = fields[0],
                ["node_id"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("C_" + fields[0])),
                ["html_url"] = $"{web}/commit/{fields[0]}",
                ["comments_url"] = $"{api}/commits/{fields[0]}/comments",
                ["commit"] = new JsonObject
                {
                    ["url"] = $"{api}/git/commits/{fields[0]}",
                    ["author"] = new JsonObject { ["name"] = fields[3], ["email"] = fields[4], ["date"] = fields[5] },
                    ["committer"] = new JsonObject { ["name"] = fields[6], ["email"] = fields[7], ["date"] = fields[8] },
                    ["message"] = fields[9].TrimEnd('\n'),
                    ["comment_count"] = 0,
                    ["tree"] = new JsonObject { ["sha"] = fields[1], ["url"] = $"{api}/git/trees/{fields[1]}" },
                },

                // Commit authors are git identities, not accounts of the emulator.
                ["author"] = null,
                ["committer"] = null,
                ["parents"] = new JsonArray([.. fields[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => (JsonNode)new JsonObject { ["sha"] = p, ["url"] = $"{api}/commits/{p}", ["html_url"] = $"{web}/commit/{p}" })]),
            })];
    }
}
