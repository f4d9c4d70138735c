namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>
/// Merges a pull request's head into its base in the hosted repository, as GitHub's three merge
/// methods do: a merge commit with both parents, one squashed commit on the base, or each commit
/// replayed on the base. The base branch moves with a compare-and-swap, so a concurrent push fails
/// the merge instead of being lost.
/// </summary>
internal static class PullRequestMerger
{
    /// <summary>Merges; null when the head does not merge cleanly into the base.</summary>
    public static async Task<string?> MergeAsync(
        HostedRepository repository, string baseBranch, string baseSha, string headSha, string method, string title, string message, CancellationToken cancellationToken)
    {
        string? commit;
        if (method == "rebase")
        {
            commit = await RebaseAsync(repository, baseSha, headSha, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // git merge-tree --write-tree (git 2.38+) prints the merged tree, and exits 1 on conflicts.
            var merge = await GitCli.RunAsync(Git(repository, "merge-tree", "--write-tree", "--no-messages", baseSha, headSha), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (merge.ExitCode == 1)
            {
                return null;
            }

            merge.EnsureSuccess();
            var tree = merge.Text.Split('\n')[0].Trim();
            List<string> arguments = ["commit-tree", tree, "-p", baseSha];
            if (method == "merge")
            {
                arguments.AddRange(["-p", headSha]);
            }

            arguments.AddRange(["-m", string.IsNullOrEmpty(message) ? title : $"{title}\n\n{message}"]);
            commit = await GitCli.RunCheckedAsync(Git(repository, [.. arguments]), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (commit is null)
        {
            return null;
        }

        await GitCli.RunCheckedAsync(Git(repository, "update-ref", $"refs/heads/{baseBranch}", commit, baseSha), cancellationToken: cancellationToken).ConfigureAwait(false);
        return commit;
    }

    /// <summary>Replays the head's own commits on the base in a throwaway worktree; null on a conflict.</summary>
    private static async Task<string?> RebaseAsync(HostedRepository repository, string baseSha, string headSha, CancellationToken cancellationToken)
    {
        var worktree = Path.Combine(Path.GetTempPath(), $"gh-emulator-rebase-{Guid.NewGuid():N}");
        await GitCli.RunCheckedAsync(Git(repository, "worktree", "add", "--detach", "--quiet", worktree, baseSha), cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var commits = await GitCli.RunCheckedAsync(Git(repository, "rev-list", "--reverse", "--no-merges", $"{baseSha}..{headSha}"), cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var commit in commits.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                // cherry-pick keeps each commit's author; the committer is GitHub, as on github.com.
                var pick = await GitCli.RunAsync(["-C", worktree, "cherry-pick", "--allow-empty", "--keep-redundant-commits", commit], cancellationToken: cancellationToken).ConfigureAwait(false);
                if (pick.ExitCode != 0)
                {
                    return null;
                }
            }

            return await GitCli.RunCheckedAsync(["-C", worktree, "rev-parse", "HEAD"], cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await GitCli.RunAsync(Git(repository, "worktree", "remove", "--force", worktree), cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string[] Git(HostedRepository repository, params string[] arguments) => ["--git-dir", repository.GitDirectory, .. arguments];
}
