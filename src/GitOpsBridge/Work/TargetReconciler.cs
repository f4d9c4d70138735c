using System.Globalization;
using System.Text;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Lifecycle;
using GitOpsBridge.Core.Planning;
using GitOpsBridge.Git;
using GitOpsBridge.GitHub;
using GitOpsBridge.Storage;
using GitOpsBridge.Telemetry;

namespace GitOpsBridge.Work;

/// <summary>
/// Makes one target's branch and pull request match its desired state: every desired image
/// applied, by the pure planner, to the latest base; one commit force-pushed to the bridge's
/// branch; one PR created or updated in place, or closed when the base already holds it all.
/// </summary>
internal sealed partial class TargetReconciler(
    IBridgeStore store, IGitWorkspace git, IGitHubApi github, IInstallationTokens tokens, DeliveryProcessor deliveries,
    GitHubGraphQlClients graphQl, GitHubOptions options, TimeProvider time, ILogger<TargetReconciler> logger, ApiCommitWriter commits)
{
    /// <summary>How often the branch is built when the base keeps moving under it; the last build is then kept.</summary>
    internal const int MaxBuilds = 3;

    /// <summary>The outcome clause when the repository refuses GitHub's auto-merge: the bridge's own merge policy takes over.</summary>
    private const string AutoMergeNotAllowed = "; the repository does not allow auto-merge";

    /// <summary>The outcome clause when GitHub refuses auto-merge because nothing is pending: the bridge's merge policy decides at once.</summary>
    private const string AutoMergeClean = "; GitHub's auto-merge is not needed (nothing is pending)";

    public async Task ReconcileAsync(TargetKey target, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["Repository"] = target.Repository, ["Environment"] = target.Environment });
        System.Diagnostics.Activity.Current?.SetTag("target.repository", target.Repository);
        System.Diagnostics.Activity.Current?.SetTag("target.environment", target.Environment);
        var repo = await store.GetRepositoryAsync(target.Repository, cancellationToken);
        var desired = await store.GetDesiredImagesAsync(target, cancellationToken);
        // No desired image may still mean work: the config's pins (environments.<env>.pin).
        if (repo is null || repo.InstallationId != target.InstallationId || repo.ConfigYaml is null)
        {
            return;
        }

        RepositoryConfig config;
        try
        {
            config = ConfigParser.Parse(repo.ConfigYaml);
        }
        catch (ConfigException ex)
        {
            await RecordAsync(desired, target, DeliveryStatus.Failed, "invalid-config", ex.Message, null, cancellationToken);
            return;
        }

        if (!config.Environments.TryGetValue(target.Environment, out var env))
        {
            await store.RemoveDesiredImagesAsync(target, cancellationToken);
            var closed = await CloseRemovedAsync(target, cancellationToken);
            await RecordAsync(desired, target, DeliveryStatus.Skipped, "target-removed", $"the config no longer has the environment {target.Environment}"
                + (closed is { } c ? $"; pull request #{c.Number} closed and its branch deleted" : ""), closed, cancellationToken);
            return;
        }

        if (desired.Count == 0)
        {
            return;
        }

        var pinned = new Dictionary<string, TargetControl>(StringComparer.Ordinal);
        desired = await WithConfigPinsAsync([.. desired], config, env, target, pinned, cancellationToken);
        if (desired.Count == 0)
        {
            return;
        }

        // A version people declined stays in the desired state (reopening its pull request wants it
        // again) but is not applied: the branch carries only the other images.
        var controls = await store.GetTargetControlsAsync(target, cancellationToken);
        var declined = desired.Select(d => (Image: d, Control: TargetControls.Declined(controls, d.ImageName, d.Tag, d.Digest))).Where(d => d.Control is not null).ToList();
        foreach (var (image, control) in declined)
        {
            await RecordIfPendingAsync(image, target, ReasonCodes.VersionDeclined, TargetControls.DeclinedReason(control!, env.Name), cancellationToken);
        }

        desired = [.. desired.Where(d => declined.All(x => x.Image != d))];
        desired = await PassingPromotionGatesAsync(target, env, controls, desired, cancellationToken);
        if (desired.Count == 0)
        {
            await SettleSupersededAsync(target, cancellationToken);
            return;
        }

        // On hold: every version is recorded in the desired state, and published on release; its
        // delivery stays pending (held) until the reconcile after release settles it.
        if (controls.FirstOrDefault(c => c.Kind == TargetControlKinds.Held) is { } hold)
        {
            foreach (var image in desired)
            {
                await RecordIfPendingAsync(image, target, ReasonCodes.Held,
                    $"{env.Name} is on hold{(hold.Actor is null ? "" : $" by @{hold.Actor}")}{(hold.Actor is null && hold.Tag is { } why ? $" ({why})" : "")}: this version is recorded, and published after /gitops-bridge release", cancellationToken,
                    DeliveryStatus.Pending);
            }

            await SettleSupersededAsync(target, cancellationToken);
            return;
        }

        if (await FrozenAsync(target, env, desired, cancellationToken))
        {
            return;
        }

        foreach (var control in controls.Where(c => c.Kind == TargetControlKinds.Pinned && desired.Any(d => d.ImageName == c.ImageName && d.Tag == c.Tag)))
        {
            pinned.TryAdd(control.ImageName, control);
        }

        var defaultBranch = repo.DefaultBranch ?? target.BaseBranch;
        var branch = TargetKeys.BranchFor(target, defaultBranch);
        var author = new GitAuthor("gitops-bridge[bot]", $"{options.AppId}+gitops-bridge[bot]@users.noreply.github.com");

        // pullRequest: false commits straight to the base; a refusal (branch protection) falls back to a pull request that says why.
        string? directRefused = null;
        if (env.PullRequest is null)
        {
            directRefused = await CommitDirectAsync(target, config, env, desired, pinned, author, cancellationToken);
            if (directRefused is null)
            {
                return;
            }
        }

        var rebuild = controls.Any(c => c.Kind == TargetControlKinds.Rebuild);
        OverlayFiles files;
        List<(DesiredImage Image, PlannedChange Change)> changes;
        Dictionary<string, SkippedTarget> skips;
        var builds = 0;
        var newToken = false;
        while (true)
        {
            var token = await tokens.GetAsync(target.InstallationId, cancellationToken);
            try
            {
                var snapshot = await git.FetchAsync(target.Repository, target.BaseBranch, token.Value, cancellationToken);
                (files, changes, skips) = Apply(desired, config, env, snapshot, pinned);
                if (files.Edited.Count == 0)
                {
                    break;
                }

                // People's commits on the branch are replayed on the rebuilt one; one that does not apply holds the target instead of being pushed over.
                var people = await PeopleCommitsAsync(target, snapshot, branch, author, rebuild, token.Value, cancellationToken);
                var build = await git.BuildAsync(snapshot, files.Edited, Title(env.Name, changes) + "\n\n" + CommitBody(changes), author, people, cancellationToken);
                if (build?.Conflict is not null)
                {
                    await HoldForPeopleAsync(target, env, build, branch, desired, cancellationToken);
                    return;
                }

                if (build is not null)
                {
                    await PublishAsync(target, env, build, branch, force: true, token.Value, cancellationToken);
                }

                builds++;

                // The base may have moved between our fetch and our push; the branch would then sit on
                // an old tip, and conflict if the same file changed. Build it again on the new tip.
                var tip = await git.GetRemoteBranchShaAsync(target.Repository, target.BaseBranch, token.Value, cancellationToken);
                if (tip == snapshot.CommitSha || tip is null || builds >= MaxBuilds)
                {
                    break;
                }

                Log.BaseMoved(logger, target.BaseBranch, snapshot.CommitSha, tip);
                BridgeTelemetry.PushRetried("base-moved");
            }
            catch (GitAuthenticationException) when (!newToken)
            {
                // The cached token was revoked or expired early, which the cache cannot know: once more with a new one.
                newToken = true;
                tokens.Invalidate(target.InstallationId);
                BridgeTelemetry.PushRetried("token-refused");
            }
        }

        if (rebuild)
        {
            await store.RemoveTargetControlsAsync(target, TargetControlKinds.Rebuild, null, cancellationToken);
        }

        var existing = await store.GetPullRequestAsync(target, cancellationToken);
        if (files.Edited.Count == 0)
        {
            if (existing is { State: "open" })
            {
                await github.ClosePullRequestAsync(target.InstallationId, target.Repository, existing.Number,
                    $"{target.BaseBranch} already holds every version this pull request proposed, so GitOps Bridge closed it.", cancellationToken);
                await github.DeleteBranchAsync(target.InstallationId, target.Repository, branch, cancellationToken);
                await store.SetPullRequestAsync(existing with { State = "closed", UpdatedAt = time.GetUtcNow() }, cancellationToken);
            }
            else if (builds > 0)
            {
                // Pushed before the moved base turned out to hold it all already: no PR, so no branch either.
                await github.DeleteBranchAsync(target.InstallationId, target.Repository, branch, cancellationToken);
            }

            await RecordUnchangedAsync(desired, target, skips, existing is { State: "open" } ? (existing.Number, existing.Url, "closed") : null, cancellationToken);

            await SettleSupersededAsync(target, cancellationToken);
            return;
        }

        var title = Title(env.Name, changes);
        var pr = env.PullRequest ?? PullRequestConfig.Default;
        var body = Body(env.Name, changes, desired);
        if (directRefused is not null)
        {
            body = $"> **{env.Name}** commits straight to `{target.BaseBranch}` (`pullRequest: false`), but {directRefused}; so this pull request carries the change.\n\n" + body;
        }

        var result = await github.CreateOrUpdatePullRequestAsync(target.InstallationId,
            new PullRequestSpec(target.Repository, branch, target.BaseBranch, title,
                body + await PromotionNoteAsync(env, desired.Where(d => changes.Any(c => c.Image == d)), cancellationToken), pr.Labels, [.. pr.Reviewers, .. pr.TeamReviewers], pr.Draft),
            cancellationToken);
        await store.SetPullRequestAsync(new PullRequestRecord(target, result.Number, result.Url, branch, "open", time.GetUtcNow()), cancellationToken);
        Log.Published(logger, result.Number, result.Action, target.Repository, target.Environment);
        System.Diagnostics.Activity.Current?.SetTag("pull_request.number", result.Number);
        await RecordLatencyAsync(desired.Where(d => changes.Any(c => c.Image == d)), result.Action, cancellationToken);
        var autoMerge = pr.AutoMerge is { } method ? await EnableAutoMergeAsync(target, result, method, cancellationToken) : "";
        if (autoMerge is AutoMergeNotAllowed or AutoMergeClean)
        {
            autoMerge += await deliveries.MergeAfterPublishAsync(target, cancellationToken);
        }

        await RecordPublishedAsync(desired, target, changes, skips, pinned, $"pull request #{result.Number} {result.Action}: ",
            (directRefused is null ? "" : $"; a pull request because {directRefused}") + autoMerge, (result.Number, result.Url, result.Action), cancellationToken);

        await SettleSupersededAsync(target, cancellationToken);
    }

    /// <summary>
    /// Turns on GitHub's native auto-merge for the pull request. A refusal does not fail the delivery:
    /// the pull request is already up to date, so the outcome says what GitHub answered instead.
    /// </summary>
    /// <returns>A clause for the outcome's reason, starting with "; ".</returns>
    private async Task<string> EnableAutoMergeAsync(TargetKey target, PullRequestResult result, MergeMethod method, CancellationToken cancellationToken)
    {
        var name = method.ToString().ToLowerInvariant();
        try
        {
            await graphQl.For(target.InstallationId).EnablePullRequestAutoMergeAsync(result.NodeId, method, cancellationToken);
            Log.AutoMergeEnabled(logger, result.Number, name);
            return $"; auto-merge ({name}) enabled";
        }
        catch (GitHubGraphQlException exception) when (exception.AutoMergeNotAllowed)
        {
            Log.AutoMergeRefused(logger, result.Number, exception.Message);
            return AutoMergeNotAllowed;
        }
        catch (GitHubGraphQlException exception) when (exception.PullRequestIsClean)
        {
            // Nothing is pending, so GitHub will not wait for anything, and no check event will come:
            // the bridge's own merge policy decides now, as where auto-merge is not allowed.
            Log.AutoMergeRefused(logger, result.Number, exception.Message);
            return AutoMergeClean;
        }
        catch (GitHubGraphQlException exception)
        {
            // Clean status (nothing to wait for), a draft, a token without the permission: all are
            // GitHub's word on this pull request, and the next update asks again.
            Log.AutoMergeRefused(logger, result.Number, exception.Message);
            return $"; auto-merge ({name}) not enabled: {exception.Message}";
        }
    }

    /// <summary>
    /// A delivery whose version a newer one replaced before any reconcile published it is no longer
    /// in the desired state, so nothing above records it: it is settled here, as lower than the
    /// version the target moves to. The desired state is read after the pending list, so a delivery
    /// that is still current (it wrote its version before its pending outcome) is never taken for one.
    /// </summary>
    private async Task SettleSupersededAsync(TargetKey target, CancellationToken cancellationToken)
    {
        var pending = await store.ListPendingDeliveriesAsync(target.Repository, target.Environment, cancellationToken);
        if (pending.Count == 0)
        {
            return;
        }

        var desired = await store.GetDesiredImagesAsync(target, cancellationToken);
        var current = desired.Select(d => d.DeliveryId).ToHashSet(StringComparer.Ordinal);
        var versions = string.Join(", ", desired.Select(d => $"{ShortName(d.ImageName)} {d.Tag ?? d.Digest}"));
        foreach (var deliveryId in pending.Where(id => !current.Contains(id)))
        {
            await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(target.Repository, target.Environment, DeliveryStatus.Skipped, ReasonCodes.Downgrade,
                $"superseded before it was published: {target.Environment} moves to {versions}", null, null, null), cancellationToken);
            await deliveries.SettleAsync(deliveryId, cancellationToken);
        }
    }

    /// <summary>Records, for each delivery the pull request now carries, the time since the bridge received it.</summary>
    private async Task RecordLatencyAsync(IEnumerable<DesiredImage> published, string action, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var deliveryId in published.Select(d => d.DeliveryId).Distinct(StringComparer.Ordinal))
        {
            if (await store.GetDeliveryAsync(deliveryId, cancellationToken) is { } delivery)
            {
                BridgeTelemetry.PullRequestPublished(now - delivery.ReceivedAt, action);
            }
        }
    }

    /// <summary>Every desired image applied, by the pure planner, to the files of one base commit.</summary>
    private static (OverlayFiles Files, List<(DesiredImage Image, PlannedChange Change)> Changes, Dictionary<string, SkippedTarget> Skips) Apply(
        IReadOnlyList<DesiredImage> desired, RepositoryConfig config, EnvironmentConfig environment, GitSnapshot snapshot, IReadOnlyDictionary<string, TargetControl> pinned)
    {
        var files = new OverlayFiles(snapshot.Files);
        var changes = new List<(DesiredImage Image, PlannedChange Change)>();
        var skips = new Dictionary<string, SkippedTarget>();
        foreach (var image in desired.OrderBy(d => d.ImageName, StringComparer.Ordinal))
        {
            var reference = ImageReference.Parse(image.ImageName + (image.Tag is null ? "" : ":" + image.Tag) + (image.Digest is null ? "" : "@" + image.Digest));
            // Only a promotion writes the desired state of an environment with promoteFrom.
            var plan = Planner.Create(new PlanRequest(reference, config, environment.Name, Pinned: pinned.ContainsKey(image.ImageName), Promoted: environment.PromoteFrom is not null), files);
            foreach (var edit in plan.Edits)
            {
                files.Set(edit.File, edit.NewText);
            }

            changes.AddRange(plan.Changes.Select(c => (image, c)));
            if (plan.Changes.Count == 0 && plan.Skipped.Count > 0)
            {
                skips[image.DeliveryId] = plan.Skipped[0];
            }
        }

        return (files, changes, skips);
    }

    /// <summary>
    /// During a freeze window of the environment nothing is pushed: the desired state keeps what
    /// arrives, and the target is reconciled again when the freeze ends. Deliveries stay pending
    /// (with the reason <c>frozen</c>) until then, since they will be published; a freeze with no
    /// end in sight skips them.
    /// </summary>
    /// <returns>True when the target is frozen now.</returns>
    private async Task<bool> FrozenAsync(TargetKey target, EnvironmentConfig env, IReadOnlyList<DesiredImage> desired, CancellationToken cancellationToken)
    {
        FreezeState freeze;
        try
        {
            freeze = FreezeCalendar.Evaluate(env.Freeze, time.GetUtcNow());
        }
        catch (FreezeCalendarException ex)
        {
            foreach (var image in desired)
            {
                await RecordIfPendingAsync(image, target, "invalid-config", $"environments.{env.Name}.freeze cannot be evaluated: {ex.Message}", cancellationToken, DeliveryStatus.Failed);
            }

            return true;
        }

        if (!freeze.Frozen)
        {
            return false;
        }

        var until = freeze.EndsAt is { } end ? $"until {end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC" : "with no end within the next 400 days";
        var reason = $"{env.Name} is frozen {until} ({FreezeText(freeze.Window!)}); the version is recorded and published when the freeze ends";
        foreach (var image in desired)
        {
            await RecordIfPendingAsync(image, target, ReasonCodes.Frozen, reason, cancellationToken, freeze.EndsAt is null ? DeliveryStatus.Skipped : DeliveryStatus.Pending);
        }

        if (freeze.EndsAt is { } wake)
        {
            await store.EnqueueAsync(JobKind.Target, TargetKeys.ToJobKey(target), target.Repository, wake, System.Diagnostics.Activity.Current?.TraceId.ToString(), cancellationToken);
        }

        Log.Frozen(logger, target.Repository, target.Environment, until);
        await SettleSupersededAsync(target, cancellationToken);
        return true;
    }

    private static string FreezeText(FreezeWindow window) =>
        $"{(window.Days.Count is 0 or 7 ? "every day" : string.Join(",", window.Days.Select(d => d.ToString()[..3].ToLowerInvariant())))} "
        + $"{window.Start.ToString("HH:mm", CultureInfo.InvariantCulture)}–{window.End.ToString("HH:mm", CultureInfo.InvariantCulture)} {window.TimeZone}";

    /// <summary>
    /// Records a desired image whose delivery still waits on this target (skipped, unless told
    /// otherwise); one already settled keeps its outcome. A pending outcome does not settle the delivery.
    /// </summary>
    private async Task RecordIfPendingAsync(DesiredImage image, TargetKey target, string code, string reason, CancellationToken cancellationToken, DeliveryStatus status = DeliveryStatus.Skipped)
    {
        var outcomes = await store.GetTargetOutcomesAsync(image.DeliveryId, cancellationToken);
        if (outcomes.Any(o => o.Repository == target.Repository && o.Environment == target.Environment && o.Status == DeliveryStatus.Pending))
        {
            await RecordAsync([image], target, status, code, reason, null, cancellationToken);
        }
    }

    private async Task RecordAsync(IEnumerable<DesiredImage> images, TargetKey target, DeliveryStatus status, string? code, string reason, (int Number, string Url, string Action)? pr, CancellationToken cancellationToken)
    {
        foreach (var image in images)
        {
            await store.AddTargetOutcomeAsync(image.DeliveryId, new TargetOutcome(target.Repository, target.Environment, status, code, reason, pr?.Number, pr?.Url, pr?.Action), cancellationToken);
            await deliveries.SettleAsync(image.DeliveryId, cancellationToken);
        }
    }

    internal static string Title(string environment, IEnumerable<(DesiredImage Image, PlannedChange Change)> changes)
    {
        var parts = changes.GroupBy(c => c.Image.ImageName, StringComparer.Ordinal).Select(g =>
        {
            var first = g.First().Change;
            return $"{ShortName(g.Key)} {Version(first.Old)} → {Version(first.New)}";
        });
        return $"deploy({environment}): {string.Join(", ", parts)}";
    }

    internal string Body(string environment, IReadOnlyList<(DesiredImage Image, PlannedChange Change)> changes, IReadOnlyList<DesiredImage> desired)
    {
        var web = GitHubEndpoints.From(options).Web.ToString().TrimEnd('/');
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"GitOps Bridge moves **{environment}** to new image versions. Merge to deploy; a newer build updates this pull request in place.\n\n");
        sb.Append("| image | file | path | old | new |\n| --- | --- | --- | --- | --- |\n");
        foreach (var (image, change) in changes)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| `{image.ImageName}` | `{change.File}` | `{change.YamlPath}` (line {change.Line}) | `{change.Old}` | `{change.New}` |\n");
        }

        sb.Append('\n');
        foreach (var image in desired.Where(d => changes.Any(c => c.Image == d)))
        {
            sb.Append(CultureInfo.InvariantCulture, $"**{ShortName(image.ImageName)}**");
            if (IsConfigPin(image))
            {
                sb.Append(ConfigPinNote(environment, image, Version(changes.First(c => c.Image == image).Change.Old)));
                continue;
            }

            if (image.Digest is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $" · digest `{image.Digest}`");
            }

            var p = image.Provenance;
            if (p.SourceRepository is not null && p.Commit is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $" · source commit [{p.SourceRepository}@{p.Commit[..Math.Min(7, p.Commit.Length)]}]({web}/{p.SourceRepository}/commit/{p.Commit})");
            }
            else if (p.SourceRepository is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $" · source [{p.SourceRepository}]({web}/{p.SourceRepository})");
            }

            if (p.RunUrl is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $" · [CI run]({p.RunUrl})");
            }

            var previous = changes.First(c => c.Image == image).Change;
            if (p.SourceRepository is not null && Version(previous.Old) is { Length: > 0 } from && Version(previous.New) is { Length: > 0 } to && from != to)
            {
                sb.Append(CultureInfo.InvariantCulture, $" · [compare]({web}/{p.SourceRepository}/compare/{from}...{to})");
            }

            if (p.Actor is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $" · by @{p.Actor}");
            }

            sb.Append(CultureInfo.InvariantCulture, $" · delivery `{image.DeliveryId}`\n");
        }

        return sb.ToString();
    }

    private static string CommitBody(IEnumerable<(DesiredImage Image, PlannedChange Change)> changes) =>
        string.Join("\n", changes.Select(c => $"{c.Change.File}: {c.Change.YamlPath} {c.Change.Old} -> {c.Change.New}"));

    private static string ShortName(string imageName) => imageName[(imageName.LastIndexOf('/') + 1)..];

    /// <summary>The version part of a scalar: the tag of a whole reference, or the scalar itself.</summary>
    private static string Version(string value) =>
        ImageReference.TryParse(value, out var reference, out _) && (reference.Tag ?? reference.Digest) is { } v && value.Contains('/', StringComparison.Ordinal) ? v : value;

    /// <summary>The base snapshot with this reconcile's edits laid over it.</summary>
    private sealed class OverlayFiles(IRepositoryFiles inner) : IRepositoryFiles
    {
        public Dictionary<string, string> Edited { get; } = new(StringComparer.Ordinal);

        public IReadOnlyList<string> YamlFiles => inner.YamlFiles;

        public RepositoryFile? Read(string path) => Edited.TryGetValue(path, out var text) ? new RepositoryFile(path, text) : inner.Read(path);

        public void Set(string path, string text) => Edited[path] = text;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Pull request #{Number} {Action} for {Repository} ({Environment})")]
        public static partial void Published(ILogger logger, int number, string action, string repository, string environment);

        [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "{Repository} ({Environment}) is frozen {Until}; nothing is pushed")]
        public static partial void Frozen(ILogger logger, string repository, string environment, string until);

        [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "{BaseBranch} moved from {Fetched} to {Tip} while the branch was built; building again on the new tip")]
        public static partial void BaseMoved(ILogger logger, string baseBranch, string fetched, string tip);

        [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Auto-merge ({Method}) enabled on pull request #{Number}")]
        public static partial void AutoMergeEnabled(ILogger logger, int number, string method);

        [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Auto-merge not enabled on pull request #{Number}: {Reason}")]
        public static partial void AutoMergeRefused(ILogger logger, int number, string reason);
    }
}
