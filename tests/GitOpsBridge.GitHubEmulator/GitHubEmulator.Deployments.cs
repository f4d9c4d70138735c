using GitOpsBridge.GitHubEmulator.Repositories;

namespace GitOpsBridge.GitHubEmulator;

/// <summary>Test-side views of deployments, and merging a pull request as a person does in the web UI.</summary>
public sealed partial class GitHubEmulator
{
    /// <summary>Deployments created in a repository, oldest first, each with its statuses (oldest first).</summary>
    public IReadOnlyList<EmulatedDeployment> GetDeployments(string owner, string name)
    {
        var repository = Repository(owner, name);
        lock (_state.Sync)
        {
            return [.. _state.Deployments.Where(d => d.Repository == repository).OrderBy(d => d.Id).Select(d => new EmulatedDeployment(
                d.Id, d.Sha, d.Ref, d.Environment, d.Description, d.Creator,
                [.. d.Statuses.Select(s => new EmulatedDeploymentStatus(s.Id, s.State, s.Environment, s.EnvironmentUrl, s.LogUrl, s.Description))]))];
        }
    }

    /// <summary>
    /// Merges an open pull request as a person does with "Create a merge commit": a real merge
    /// commit (parents: the base tip, then the head) on the base branch of the hosted repository, and
    /// the pull request closed. The test then posts the <c>pull_request</c> <c>closed</c> webhook
    /// (with <c>merged: true</c> and this <c>merge_commit_sha</c>) itself.
    /// </summary>
    /// <returns>The merge commit.</returns>
    /// <exception cref="InvalidOperationException">The pull request is not open, or its head does not merge cleanly.</exception>
    public async Task<string> MergePullRequestAsync(string owner, string name, int number, CancellationToken cancellationToken = default)
    {
        var repository = Repository(owner, name);
        PullRequestRecord pull;
        lock (_state.Sync)
        {
            pull = _state.PullRequests.Single(p => p.Repository == repository && p.Number == number);
            if (pull.State != "open")
            {
                throw new InvalidOperationException($"Pull request #{number} of {owner}/{name} is {pull.State}.");
            }
        }

        var baseSha = await repository.ResolveBranchAsync(pull.Base, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{owner}/{name} has no branch {pull.Base}.");
        var headSha = await repository.ResolveBranchAsync(pull.Head, cancellationToken).ConfigureAwait(false) ?? pull.HeadSha;

        // The same merge as PUT .../merge (the merge method), so the pull request reads merged too.
        var sha = await PullRequestMerger.MergeAsync(repository, pull.Base, baseSha, headSha, "merge",
            $"Merge pull request #{number} from {owner}/{pull.Head}", pull.Title, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Pull request #{number} does not merge cleanly into {pull.Base}.");
        lock (_state.Sync)
        {
            pull.HeadSha = headSha;
            pull.BaseSha = baseSha;
            pull.State = "closed";
            pull.UpdatedAt = _state.Now;
            pull.ClosedAt = _state.Now;
            pull.MergedAt = _state.Now;
            pull.MergeCommitSha = sha;
        }

        return sha;
    }
}

/// <summary>A deployment as the emulator holds it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Sha">The commit deployed.</param>
/// <param name="Ref">The ref the request named.</param>
/// <param name="Environment">The environment.</param>
/// <param name="Description">Its description.</param>
/// <param name="Creator">Who created it (the App's bot user for installation tokens).</param>
/// <param name="Statuses">Its statuses, oldest first.</param>
public sealed record EmulatedDeployment(long Id, string Sha, string Ref, string Environment, string Description, string Creator, IReadOnlyList<EmulatedDeploymentStatus> Statuses);

/// <summary>One status of an <see cref="EmulatedDeployment"/>.</summary>
/// <param name="Id">Its id.</param>
/// <param name="State">success, failure, …</param>
/// <param name="Environment">The environment it names.</param>
/// <param name="EnvironmentUrl">Its environment_url.</param>
/// <param name="LogUrl">Its log_url.</param>
/// <param name="Description">Its description.</param>
public sealed record EmulatedDeploymentStatus(long Id, string State, string Environment, string EnvironmentUrl, string LogUrl, string Description);
