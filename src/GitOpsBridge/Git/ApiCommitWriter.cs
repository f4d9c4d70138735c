using GitOpsBridge.GitHub;

namespace GitOpsBridge.Git;

/// <summary>
/// Publishes a <see cref="GitBuild"/> through GitHub's Git Data API instead of a push
/// (<c>commit: api</c>): for each commit, a blob per changed file, a tree on the parent's tree, and a
/// commit without a committer, which GitHub signs, so it shows as Verified; then one ref update.
/// Every call goes through <see cref="IGitHubApi"/>, so the installation's rate-limit budget paces it.
/// The clone built the same trees first, and GitHub's answers are checked against them: the API
/// commit holds byte for byte what <c>commit: git</c> would have pushed.
/// </summary>
public sealed class ApiCommitWriter(IGitHubApi github)
{
    /// <summary>
    /// Creates the build's commits on GitHub (the first on <see cref="GitBuild.BaseSha"/>) and points
    /// <paramref name="branch"/> at the last, forced or only as a fast-forward. Returns GitHub's sha of
    /// the tip (it differs from the clone's: GitHub is the committer and signs it).
    /// </summary>
    /// <exception cref="GitNonFastForwardException">Not forced, and the branch moved on GitHub.</exception>
    /// <exception cref="GitPushRejectedException">GitHub refused the ref update (a protected branch).</exception>
    /// <exception cref="ApiCommitMismatchException">GitHub built another blob or tree than the clone did.</exception>
    public async Task<string> PublishAsync(long installationId, GitBuild build, string branch, bool force, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentException.ThrowIfNullOrWhiteSpace(branch);
        var parent = build.BaseSha;
        var parentTree = build.BaseTreeSha;
        foreach (var commit in build.Commits)
        {
            var entries = new List<GitDataTreeEntry>(commit.Changes.Count);
            foreach (var change in commit.Changes)
            {
                entries.Add(await EntryAsync(installationId, build.Repository, change, cancellationToken).ConfigureAwait(false));
            }

            var tree = await github.CreateTreeAsync(installationId, build.Repository, parentTree, entries, cancellationToken).ConfigureAwait(false);
            if (tree != commit.TreeSha)
            {
                throw new ApiCommitMismatchException($"GitHub built the tree {tree} for {build.Repository} where the clone built {commit.TreeSha}; nothing was published");
            }

            var created = await github.CreateCommitAsync(
                installationId, build.Repository, commit.Message, tree, [parent], new GitDataAuthor(commit.Author.Name, commit.Author.Email, commit.AuthoredAt), cancellationToken)
                .ConfigureAwait(false);
            parent = created.Sha;
            parentTree = tree;
        }

        try
        {
            await github.SetBranchAsync(installationId, build.Repository, branch, parent, force, cancellationToken).ConfigureAwait(false);
        }
        catch (GitHubApiException exception) when (exception.StatusCode == 422 && exception.Message.Contains("fast forward", StringComparison.OrdinalIgnoreCase))
        {
            throw new GitNonFastForwardException($"{branch} of {build.Repository} moved since it was fetched: {exception.Message}");
        }
        catch (GitHubApiException exception) when (exception.StatusCode is 403 or 409 or 422)
        {
            throw new GitPushRejectedException($"{build.Repository} refused the update of {branch}: {exception.Message}");
        }

        return parent;
    }

    private async Task<GitDataTreeEntry> EntryAsync(long installationId, string repository, GitTreeChange change, CancellationToken cancellationToken)
    {
        if (change.Mode is null)
        {
            // A null sha deletes the path from the base tree; GitHub reads the mode but ignores it.
            return new GitDataTreeEntry(change.Path, "100644", "blob", null);
        }

        if (change.Content is null)
        {
            // A submodule names a commit in another repository: no blob to upload.
            return new GitDataTreeEntry(change.Path, change.Mode, "commit", change.BlobSha);
        }

        var blob = await github.CreateBlobAsync(installationId, repository, change.Content, cancellationToken).ConfigureAwait(false);
        if (blob != change.BlobSha)
        {
            throw new ApiCommitMismatchException($"GitHub stored {change.Path} of {repository} as blob {blob} where the clone has {change.BlobSha}; nothing was published");
        }

        return new GitDataTreeEntry(change.Path, change.Mode, "blob", blob);
    }
}

/// <summary>GitHub built a blob or tree other than the clone did, so the API commit would not be the one planned.</summary>
public sealed class ApiCommitMismatchException(string message) : Exception(message);
