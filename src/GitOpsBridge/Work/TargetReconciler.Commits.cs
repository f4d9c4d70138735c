using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Lifecycle;
using GitOpsBridge.Core.Planning;
using GitOpsBridge.Git;
using GitOpsBridge.GitHub;
using GitOpsBridge.Storage;
using GitOpsBridge.Telemetry;

namespace GitOpsBridge.Work;

/// <summary>
/// How the bridge writes commits: by a push or through the Git Data API (<c>commit: git|api</c>),
/// to its branch or straight to the base (<c>pullRequest: false</c>), and around the commits people
/// made on its branch.
/// </summary>
internal sealed partial class TargetReconciler
{
    /// <summary>
    /// Publishes a build to a branch in the environment's commit mode: a push of the clone's commits,
    /// or the same trees made through the API, which GitHub signs. Returns the tip on the server.
    /// </summary>
    /// <exception cref="GitNonFastForwardException">Not forced, and the branch moved.</exception>
    /// <exception cref="GitPushRejectedException">The server refused (a protected branch).</exception>
    private async Task<string> PublishAsync(TargetKey target, EnvironmentConfig env, GitBuild build, string branch, bool force, string token, CancellationToken cancellationToken)
    {
        var api = env.Commit == CommitMode.Api;
        using var activity = BridgeTelemetry.Source.StartActivity(api ? "git.api-commit" : "git.push");
        activity?.SetTag("git.repository", target.Repository);
        activity?.SetTag("git.branch", branch);
        activity?.SetTag("git.commits", build.Commits.Count);
        if (api)
        {
            return await commits.PublishAsync(target.InstallationId, build, branch, force, cancellationToken);
        }

        await git.PushAsync(target.Repository, branch, build.TipSha, force, token, cancellationToken);
        return build.TipSha;
    }

    /// <summary>
    /// The commits on the bridge's branch that the bridge did not make (another author e-mail), oldest
    /// first, to replay on the rebuilt branch; none after <c>/gitops-bridge rebase</c> dropped them.
    /// </summary>
    private async Task<List<string>> PeopleCommitsAsync(TargetKey target, GitSnapshot snapshot, string branch, GitAuthor author, bool rebuild, string token, CancellationToken cancellationToken)
    {
        if (rebuild)
        {
            return [];
        }

        var ahead = await git.CommitsAheadAsync(target.Repository, snapshot.CommitSha, branch, token, cancellationToken);
        return [.. ahead.Where(c => !string.Equals(c.AuthorEmail, author.Email, StringComparison.OrdinalIgnoreCase)).Select(c => c.Sha).Reverse()];
    }

    /// <summary>
    /// <c>pullRequest: false</c>: commits the desired state straight onto the base as a fast-forward.
    /// When the base moved meanwhile it fetches, plans and builds again (at most <see cref="MaxBuilds"/>
    /// times). Returns null once the target is settled (committed, or the base already holds it), or
    /// why a pull request must carry the change instead (the branch is protected, or kept moving).
    /// </summary>
    private async Task<string?> CommitDirectAsync(
        TargetKey target, RepositoryConfig config, EnvironmentConfig env, IReadOnlyList<DesiredImage> desired, IReadOnlyDictionary<string, TargetControl> pinned,
        GitAuthor author, CancellationToken cancellationToken)
    {
        var newToken = false;
        for (var attempt = 1; attempt <= MaxBuilds;)
        {
            var token = await tokens.GetAsync(target.InstallationId, cancellationToken);
            try
            {
                var snapshot = await git.FetchAsync(target.Repository, target.BaseBranch, token.Value, cancellationToken);
                var (files, changes, skips) = Apply(desired, config, env, snapshot, pinned);
                var build = files.Edited.Count == 0 ? null
                    : await git.BuildAsync(snapshot, files.Edited, Title(env.Name, changes) + "\n\n" + CommitBody(changes), author, [], cancellationToken);
                if (build is null)
                {
                    await RecordUnchangedAsync(desired, target, skips, null, cancellationToken);
                    await SettleSupersededAsync(target, cancellationToken);
                    return null;
                }

                var sha = await PublishAsync(target, env, build, target.BaseBranch, force: false, token.Value, cancellationToken);
                Log.CommittedDirectly(logger, sha, target.BaseBranch, target.Repository, target.Environment);
                await RecordLatencyAsync(desired.Where(d => changes.Any(c => c.Image == d)), "committed", cancellationToken);
                var closed = await CloseSupersededByCommitAsync(target, sha, cancellationToken);
                await RecordPublishedAsync(desired, target, changes, skips, pinned,
                    $"committed {sha[..7]} to {target.BaseBranch}{(env.Commit == CommitMode.Api ? " through the API (verified)" : "")}: ",
                    closed is { } c ? $"; pull request #{c.Number} (opened when a direct commit was refused) closed" : "", null, cancellationToken);
                await SettleSupersededAsync(target, cancellationToken);
                return null;
            }
            catch (GitNonFastForwardException ex)
            {
                // Another writer moved the base between our fetch and our update: fetch, plan and build again.
                Log.DirectCommitRaced(logger, target.BaseBranch, attempt, ex.Message);
                BridgeTelemetry.PushRetried("non-fast-forward");
                attempt++;
            }
            catch (GitPushRejectedException ex)
            {
                Log.DirectCommitRefused(logger, target.BaseBranch, ex.Message);
                return $"{target.BaseBranch} refused the direct commit ({ex.Message})";
            }
            catch (GitAuthenticationException) when (!newToken)
            {
                newToken = true;
                tokens.Invalidate(target.InstallationId);
                BridgeTelemetry.PushRetried("token-refused");
            }
        }

        return $"{target.BaseBranch} moved under each of {MaxBuilds} direct commits";
    }

    /// <summary>
    /// A person's commit on the bridge's branch does not apply on the rebuilt branch: nothing is
    /// pushed (pushing would lose it), the target is held by the bridge (no actor; the reason in the
    /// control's tag), the pull request says why and how to go on, and the deliveries say so too.
    /// </summary>
    private async Task HoldForPeopleAsync(TargetKey target, EnvironmentConfig env, GitBuild build, string branch, IReadOnlyList<DesiredImage> desired, CancellationToken cancellationToken)
    {
        var conflict = build.Conflict!;
        var where = conflict.Paths.Count == 0 ? "" : $" (conflict in {string.Join(", ", conflict.Paths.Select(p => $"`{p}`"))})";
        var why = $"commit {conflict.Sha[..7]} (\"{conflict.Summary}\") on {branch} does not apply on the rebuilt branch{where}";
        await store.SetTargetControlAsync(target, new TargetControl(TargetControlKinds.Held, "", HumanEditsHold + why, null, null, time.GetUtcNow()), cancellationToken);
        Log.HeldForPeople(logger, target.Repository, target.Environment, conflict.Sha);

        var existing = await store.GetPullRequestAsync(target, cancellationToken);
        if (existing is { State: "open" })
        {
            await github.CommentAsync(target.InstallationId, target.Repository, existing.Number,
                $"GitOps Bridge did not update this pull request: {why.Replace($"commit {conflict.Sha[..7]}", $"commit {conflict.Sha}", StringComparison.Ordinal)}, "
                + $"and pushing over it would lose that commit. **{env.Name}** is on hold; new versions are recorded meanwhile.\n\n"
                + $"- `{PullRequestCommand.Prefix} rebase` rebuilds this branch on the latest `{target.BaseBranch}` with every recorded version, **dropping** the commits that do not apply.\n"
                + $"- Or fix the branch so the commit applies (for example revert it), then `{PullRequestCommand.Prefix} release` tries again.",
                cancellationToken);
        }

        foreach (var image in desired.Where(d => !IsConfigPin(d)))
        {
            // Pending, like every held version: the rebuild after rebase or release publishes and settles it.
            await RecordAsync([image], target, DeliveryStatus.Pending, ReasonCodes.Held,
                $"{env.Name} is held: {why}; nothing was pushed. /gitops-bridge rebase rebuilds without it",
                existing is { State: "open" } ? (existing.Number, existing.Url, "commented") : null, cancellationToken);
        }

        await SettleSupersededAsync(target, cancellationToken);
    }

    /// <summary>
    /// A direct commit now carries the change, so the pull request an earlier refusal opened for this
    /// target is obsolete: closed with a comment, and its branch deleted. Returns it, or null when none was open.
    /// </summary>
    private async Task<PullRequestRecord?> CloseSupersededByCommitAsync(TargetKey target, string sha, CancellationToken cancellationToken)
    {
        if (await store.GetPullRequestAsync(target, cancellationToken) is not { State: "open" } existing)
        {
            return null;
        }

        await github.ClosePullRequestAsync(target.InstallationId, target.Repository, existing.Number,
            $"GitOps Bridge committed the change straight to `{target.BaseBranch}` as {sha}, so this pull request is no longer needed.", cancellationToken);
        await github.DeleteBranchAsync(target.InstallationId, target.Repository, existing.HeadBranch, cancellationToken);
        await store.SetPullRequestAsync(existing with { State = "closed", UpdatedAt = time.GetUtcNow() }, cancellationToken);
        return existing;
    }

    /// <summary>
    /// The config no longer has the target's environment: its open pull request is closed, with a
    /// comment, and its branch deleted. Returns that pull request, or null when none was open.
    /// </summary>
    private async Task<(int Number, string Url, string Action)?> CloseRemovedAsync(TargetKey target, CancellationToken cancellationToken)
    {
        if (await store.GetPullRequestAsync(target, cancellationToken) is not { State: "open" } existing)
        {
            return null;
        }

        await github.ClosePullRequestAsync(target.InstallationId, target.Repository, existing.Number,
            $"`{RepositoryConfig.FilePath}` no longer has the environment **{target.Environment}**, so GitOps Bridge closed this pull request and deleted its branch.",
            cancellationToken);
        await github.DeleteBranchAsync(target.InstallationId, target.Repository, existing.HeadBranch, cancellationToken);
        await store.SetPullRequestAsync(existing with { State = "closed", UpdatedAt = time.GetUtcNow() }, cancellationToken);
        return (existing.Number, existing.Url, "closed");
    }

    /// <summary>Records every desired image as unchanged: the reason the planner gave, or that the base already holds it.</summary>
    private async Task RecordUnchangedAsync(
        IReadOnlyList<DesiredImage> desired, TargetKey target, Dictionary<string, SkippedTarget> skips, (int Number, string Url, string Action)? pr, CancellationToken cancellationToken)
    {
        foreach (var image in desired.Where(d => !IsConfigPin(d)))
        {
            var skip = skips.GetValueOrDefault(image.DeliveryId);
            await RecordAsync([image], target, DeliveryStatus.Skipped, skip?.ReasonCode ?? ReasonCodes.AlreadyCurrent, skip?.Reason ?? $"{target.BaseBranch} already holds it", pr, cancellationToken);
        }
    }

    /// <summary>
    /// Records each desired image once its changes are published: done, with where they went
    /// (<paramref name="where"/>), every change and any pin; an image without changes is skipped.
    /// </summary>
    private async Task RecordPublishedAsync(
        IReadOnlyList<DesiredImage> desired, TargetKey target, List<(DesiredImage Image, PlannedChange Change)> changes, Dictionary<string, SkippedTarget> skips,
        IReadOnlyDictionary<string, TargetControl> pinned, string where, string suffix, (int Number, string Url, string Action)? pr, CancellationToken cancellationToken)
    {
        foreach (var image in desired.Where(d => !IsConfigPin(d)))
        {
            var mine = changes.Where(c => c.Image == image).ToList();
            if (mine.Count == 0)
            {
                var skip = skips.GetValueOrDefault(image.DeliveryId);
                await RecordAsync([image], target, DeliveryStatus.Skipped, skip?.ReasonCode ?? ReasonCodes.AlreadyCurrent, skip?.Reason ?? "no file changes for this image", null, cancellationToken);
                continue;
            }

            var pin = pinned.GetValueOrDefault(image.ImageName);
            await RecordAsync([image], target, DeliveryStatus.Done, pin is null ? null : ReasonCodes.Pinned,
                where + string.Join(", ", mine.Select(c => $"{c.Change.File} {c.Change.YamlPath} {c.Change.Old} → {c.Change.New}"))
                + (pin is null ? "" : $"; pinned{(pin.Actor is null ? "" : $" by @{pin.Actor}")} (intentional, also when lower)")
                + suffix,
                pr, cancellationToken);
        }
    }

    /// <summary>The start of the tag of a hold the bridge placed itself (no actor) because people's commits do not apply.</summary>
    internal const string HumanEditsHold = "human edits: ";

    private static partial class Log
    {
        [LoggerMessage(EventId = 340, Level = LogLevel.Information, Message = "Committed {Sha} to {BaseBranch} of {Repository} ({Environment})")]
        public static partial void CommittedDirectly(ILogger logger, string sha, string baseBranch, string repository, string environment);

        [LoggerMessage(EventId = 341, Level = LogLevel.Information, Message = "{BaseBranch} moved during direct commit attempt {Attempt}: {Reason}")]
        public static partial void DirectCommitRaced(ILogger logger, string baseBranch, int attempt, string reason);

        [LoggerMessage(EventId = 342, Level = LogLevel.Information, Message = "{BaseBranch} refused the direct commit; a pull request carries it: {Reason}")]
        public static partial void DirectCommitRefused(ILogger logger, string baseBranch, string reason);

        [LoggerMessage(EventId = 343, Level = LogLevel.Warning, Message = "{Repository} ({Environment}) held: the person's commit {Sha} does not apply on the rebuilt branch")]
        public static partial void HeldForPeople(ILogger logger, string repository, string environment, string sha);
    }
}
