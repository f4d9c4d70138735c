using System.Globalization;
using System.Text.Json;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Lifecycle;
using GitOpsBridge.Core.Planning;
using GitOpsBridge.GitHub;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>
/// Promotion between environments (issue 5, "Promotion"): a merged bridge pull request of an
/// environment hands the versions it carried to every environment with <c>promoteFrom</c> it, at
/// once or behind gates (<c>soak</c>, <c>requireDeployment</c>); <c>deployment_status</c> events
/// open the deployment gate; and each merge is recorded as a GitHub Deployment on the repository
/// that built the image, when the App is installed there in the same installation.
/// </summary>
internal sealed partial class DeliveryProcessor
{
    /// <summary>What a merged pull request hands on: its merge commit and time, and who merged it.</summary>
    private sealed record MergeFacts(int Number, string? MergeCommit, DateTimeOffset MergedAt, string? MergedBy, string Url);

    /// <summary>
    /// After a bridge pull request merged: records the deployments on the source repositories and
    /// promotes its versions to the environments promoted from its environment.
    /// </summary>
    /// <returns>A clause for the merge outcome (starting with "; ", or empty), and how many promotions now wait (pending outcomes).</returns>
    private async Task<(string Note, int Pending)> OnMergedAsync(string deliveryId, PullRequestRecord merged, JsonElement pr, string? sender, CancellationToken cancellationToken)
    {
        var carried = await CarriedAsync(merged, cancellationToken);
        if (carried.Count == 0)
        {
            return ("", 0);
        }

        var now = time.GetUtcNow();

        // The payload's merge time, never later than our clock (a promotion is never gated from the future).
        var mergedAt = pr.TryGetProperty("merged_at", out var at) && at.ValueKind == JsonValueKind.String && at.TryGetDateTimeOffset(out var parsed) && parsed <= now ? parsed : now;
        var mergedBy = pr.TryGetProperty("merged_by", out var by) ? Text(by, "login") ?? sender : sender;
        var facts = new MergeFacts(merged.Number, Text(pr, "merge_commit_sha"), mergedAt, mergedBy, merged.Url);
        var note = await RecordSourceDeploymentsAsync(merged, carried, cancellationToken);
        var pending = await PromoteMergedAsync(deliveryId, merged, carried, facts, cancellationToken);
        return (note, pending);
    }

    /// <summary>The desired versions of the pull request's target that it showed (its outcomes name it), not ones that arrived after.</summary>
    private async Task<List<DesiredImage>> CarriedAsync(PullRequestRecord pullRequest, CancellationToken cancellationToken)
    {
        var carried = new List<DesiredImage>();
        foreach (var image in await store.GetDesiredImagesAsync(pullRequest.Target, cancellationToken))
        {
            var outcomes = await store.GetTargetOutcomesAsync(image.DeliveryId, cancellationToken);
            if (outcomes.Any(o => o.Repository == pullRequest.Target.Repository && o.Environment == pullRequest.Target.Environment
                && o.Status == DeliveryStatus.Done && o.PullRequestNumber == pullRequest.Number))
            {
                carried.Add(image);
            }
        }

        return carried;
    }

    /// <summary>
    /// The carried versions become promotion candidates of every environment with
    /// <c>promoteFrom</c> the merged one: written to its desired state with the merge delivery as
    /// their delivery, marked with a <see cref="TargetControlKinds.Promotion"/> control when the
    /// environment has gates, and its target queued (at merge time + soak with a soak; by the
    /// deployment status with only a deployment gate).
    /// </summary>
    /// <returns>How many environments now wait for the promotion.</returns>
    private async Task<int> PromoteMergedAsync(string deliveryId, PullRequestRecord merged, IReadOnlyList<DesiredImage> carried, MergeFacts facts, CancellationToken cancellationToken)
    {
        var source = merged.Target;
        var repo = await store.GetRepositoryAsync(source.Repository, cancellationToken);
        if (repo is null || repo.InstallationId != source.InstallationId || TryParseConfig(repo) is not { } config)
        {
            return 0;
        }

        var pending = 0;
        var now = time.GetUtcNow();
        foreach (var env in config.Environments.Values.Where(e => e.PromoteFrom == source.Environment))
        {
            var target = new TargetKey(source.InstallationId, source.Repository, env.Branch ?? repo.DefaultBranch ?? "main", env.Name);
            var controls = await store.GetTargetControlsAsync(target, cancellationToken);
            var gated = PromotionGate.HasGates(env);
            var deployed = env.RequireDeployment && await DeployedAlreadyAsync(source, controls, facts, cancellationToken);
            var promoted = new List<string>();
            string? skipped = null;
            foreach (var image in carried)
            {
                if (TargetControls.Declined(controls, image.ImageName, image.Tag, image.Digest) is { } declined)
                {
                    skipped ??= TargetControls.DeclinedReason(declined, env.Name);
                    continue;
                }

                if (controls.FirstOrDefault(c => c.Kind == TargetControlKinds.Pinned && c.ImageName == image.ImageName) is { } pin)
                {
                    skipped ??= $"{env.Name} is pinned to {pin.Tag}{(pin.Actor is null ? "" : $" by @{pin.Actor}")}; /gitops-bridge unpin lets promotions in";
                    continue;
                }

                await store.UpsertDesiredImageAsync(target, image with { DeliveryId = deliveryId, UpdatedAt = now }, cancellationToken);

                // A deployment seen for an earlier candidate says nothing about this one.
                await store.RemoveTargetControlsAsync(target, TargetControlKinds.Deployed, image.ImageName, cancellationToken);
                if (gated)
                {
                    await store.SetTargetControlAsync(target, new TargetControl(TargetControlKinds.Promotion, image.ImageName, image.Tag, image.Digest, facts.MergedBy, facts.MergedAt), cancellationToken);
                    if (deployed)
                    {
                        await store.SetTargetControlAsync(target, new TargetControl(TargetControlKinds.Deployed, image.ImageName, image.Tag, image.Digest, null, now), cancellationToken);
                    }
                }
                else
                {
                    await store.RemoveTargetControlsAsync(target, TargetControlKinds.Promotion, image.ImageName, cancellationToken);
                }

                promoted.Add($"{image.ImageName}:{image.Tag ?? image.Digest}");
            }

            if (promoted.Count == 0)
            {
                await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(target.Repository, env.Name, DeliveryStatus.Skipped,
                    ReasonCodes.VersionDeclined, skipped ?? $"nothing of #{facts.Number} is promoted to {env.Name}", null, null, null), cancellationToken);
                continue;
            }

            var versions = string.Join(", ", promoted);
            var gate = PromotionGate.Evaluate(env, facts.MergedAt, deployed, now, facts.MergeCommit);
            var reason = gate.Open
                ? $"promoting {versions} from {source.Environment} (#{facts.Number}) to {env.Name}"
                : $"{versions} merged in {source.Environment} (#{facts.Number}); {gate.Reason}";

            // Pending before the job is queued, as for image events: the reconcile that publishes settles it.
            await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(target.Repository, env.Name, DeliveryStatus.Pending,
                gate.Open ? null : PromotionGate.ReasonCode, reason, null, null, null), cancellationToken);
            if (gate.Open || gate.SoakEndsAt is not null)
            {
                // Never before the soak ends; with only a deployment gate the deployment status queues it.
                var due = gate.SoakEndsAt is { } end && end > now ? end : now;
                await store.EnqueueAsync(JobKind.Target, TargetKeys.ToJobKey(target), target.Repository, due, System.Diagnostics.Activity.Current?.TraceId.ToString(), cancellationToken);
            }

            Log.Promoting(logger, source.Environment, env.Name, facts.Number, gate.Reason);
            pending++;
        }

        return pending;
    }

    /// <summary>
    /// Records the merge as a GitHub Deployment of each carried image's source commit, on its source
    /// repository, when that repository belongs to the same installation (tenant isolation: never
    /// another installation's). A refusal is noted in the outcome, not a failure of the merge.
    /// </summary>
    /// <returns>A clause for the merge outcome, starting with "; ", or empty.</returns>
    private async Task<string> RecordSourceDeploymentsAsync(PullRequestRecord merged, IReadOnlyList<DesiredImage> carried, CancellationToken cancellationToken)
    {
        var sources = carried
            .Where(d => d.Provenance.SourceRepository is not null && d.Provenance.Commit is not null)
            .GroupBy(d => (Repository: d.Provenance.SourceRepository!.ToLowerInvariant(), Commit: d.Provenance.Commit!))
            .ToList();
        if (sources.Count == 0)
        {
            return "";
        }

        var installed = await store.ListRepositoriesAsync(merged.Target.InstallationId, cancellationToken);
        var notes = new List<string>();
        var number = merged.Number.ToString(CultureInfo.InvariantCulture);
        var recorded = (await store.GetTargetControlsAsync(merged.Target, cancellationToken)).Where(c => c.Kind == TargetControlKinds.DeploymentRecorded).ToList();
        if (recorded.Any(c => c.Tag != number))
        {
            // Markers of earlier merges: only a retry of this merge's job can need them.
            await store.RemoveTargetControlsAsync(merged.Target, TargetControlKinds.DeploymentRecorded, null, cancellationToken);
            recorded.Clear();
        }

        foreach (var group in sources)
        {
            var repository = installed.FirstOrDefault(r => string.Equals(r.Repository, group.Key.Repository, StringComparison.OrdinalIgnoreCase))?.Repository;
            if (repository is null)
            {
                notes.Add($"no deployment recorded on {group.First().Provenance.SourceRepository}: the App's installation does not include it");
                continue;
            }

            var marker = $"{repository}@{group.Key.Commit}";
            if (recorded.Any(c => c.ImageName == marker))
            {
                // This merge's job is running again (it failed after recording): once is enough.
                notes.Add($"deployment of {group.Key.Commit[..Math.Min(7, group.Key.Commit.Length)]} to {merged.Target.Environment} already recorded on {repository}");
                continue;
            }

            var images = string.Join(", ", group.Select(d => $"{d.ImageName[(d.ImageName.LastIndexOf('/') + 1)..]}:{d.Tag ?? d.Digest}"));
            var spec = new DeploymentSpec(repository, group.Key.Commit, merged.Target.Environment,
                $"GitOps Bridge: {images} merged for {merged.Target.Environment} in {merged.Target.Repository}#{merged.Number}", "success", merged.Url);
            try
            {
                var id = await github.CreateDeploymentAsync(merged.Target.InstallationId, spec, cancellationToken);
                await store.SetTargetControlAsync(merged.Target, new TargetControl(TargetControlKinds.DeploymentRecorded, marker, number, null, null, time.GetUtcNow()), cancellationToken);
                notes.Add($"deployment {id.ToString(CultureInfo.InvariantCulture)} of {group.Key.Commit[..Math.Min(7, group.Key.Commit.Length)]} to {merged.Target.Environment} recorded on {repository}");
            }
            catch (GitHubApiException ex)
            {
                // Deployments: write missing on an older installation, an unknown commit: the merge stands.
                notes.Add($"no deployment recorded on {repository}: GitHub answered {ex.StatusCode.ToString(CultureInfo.InvariantCulture)}");
                Log.DeploymentNotRecorded(logger, repository, ex.StatusCode);
            }
        }

        return "; " + string.Join("; ", notes);
    }

    /// <summary>
    /// A <c>deployment_status</c> event: a successful deployment of an environment of a GitOps
    /// repository opens the deployment gate of each waiting promotion whose merge commit it contains.
    /// The deployments the bridge records itself on source repositories are ignored.
    /// </summary>
    private async Task ProcessDeploymentStatusAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        var status = root.TryGetProperty("deployment_status", out var s) ? s : default;
        var deployment = root.TryGetProperty("deployment", out var d) ? d : default;
        var repository = root.TryGetProperty("repository", out var r) ? Text(r, "full_name") : null;
        var environment = Text(deployment, "environment") ?? Text(status, "environment");
        var sha = Text(deployment, "sha");
        var state = Text(status, "state");
        if (repository is null || environment is null || sha is null || state is null)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Rejected, "invalid-event", "the deployment status names no repository, environment, commit or state", cancellationToken);
            return;
        }

        var creator = deployment.TryGetProperty("creator", out var c) ? Text(c, "login") : null;
        var slug = await secrets.GetAsync(Secrets.SecretKeys.AppSlug, cancellationToken);
        if (creator is not null && slug is not null && string.Equals(creator, slug + "[bot]", StringComparison.OrdinalIgnoreCase))
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "own-deployment",
                $"GitOps Bridge recorded this deployment of {environment} on {repository} itself, when its pull request merged; it opens no promotion gate", cancellationToken);
            return;
        }

        var repo = await store.GetRepositoryAsync(repository, cancellationToken);
        if (repo is null || repo.InstallationId != installationId || TryParseConfig(repo) is not { } config)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "not-a-gitops-repository",
                $"{repository} has no valid {RepositoryConfig.FilePath} in this installation, so its deployments gate no promotion", cancellationToken);
            return;
        }

        var sources = config.Environments.Values.Where(e => string.Equals(e.DeploymentEnvironment ?? e.Name, environment, StringComparison.OrdinalIgnoreCase)).ToList();
        var gated = config.Environments.Values.Where(p => p.RequireDeployment && sources.Any(e => e.Name == p.PromoteFrom)).ToList();
        var shortSha = sha[..Math.Min(7, sha.Length)];
        if (gated.Count == 0)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "no-deployment-gate",
                $"no environment of {repository} waits for a deployment of {environment} (requireDeployment with promoteFrom naming it)", cancellationToken);
            return;
        }

        var names = string.Join(", ", gated.Select(g => g.Name));
        if (state != "success")
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "deployment-not-successful",
                $"the deployment of {environment} at {shortSha} is {state}; only a successful one opens the deployment gate of {names}", cancellationToken);
            return;
        }

        var contains = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var env in gated)
        {
            var from = config.Environments[env.PromoteFrom!];
            var target = new TargetKey(installationId, repository, env.Branch ?? repo.DefaultBranch ?? "main", env.Name);
            var controls = await store.GetTargetControlsAsync(target, cancellationToken);

            // Remembered for a merge whose webhook is processed after this deployment's (Argo CD can be that quick).
            await store.SetTargetControlAsync(target, new TargetControl(TargetControlKinds.Deployed, "", sha, null, creator, time.GetUtcNow()), cancellationToken);
            var opened = new List<DesiredImage>();
            var waiting = 0;
            DateTimeOffset? soakEnds = null;
            foreach (var image in await store.GetDesiredImagesAsync(target, cancellationToken))
            {
                var promotion = Control(controls, TargetControlKinds.Promotion, image);
                if (promotion is null || Control(controls, TargetControlKinds.Deployed, image) is not null)
                {
                    continue;
                }

                waiting++;
                var merge = (await PromotedFromAsync(image.DeliveryId, cancellationToken))?.MergeCommit;
                if (merge is null)
                {
                    continue;
                }

                if (!contains.TryGetValue(merge, out var yes))
                {
                    yes = await ContainsAsync(installationId, repository, merge, sha, from.Branch ?? repo.DefaultBranch ?? "main", cancellationToken);
                    contains[merge] = yes;
                }

                if (yes)
                {
                    await store.SetTargetControlAsync(target, new TargetControl(TargetControlKinds.Deployed, image.ImageName, image.Tag, image.Digest, creator, time.GetUtcNow()), cancellationToken);
                    opened.Add(image);
                    var gate = PromotionGate.Evaluate(env, promotion.CreatedAt, deployed: true, time.GetUtcNow());
                    if (gate.SoakEndsAt is { } ends && (soakEnds is null || ends > soakEnds))
                    {
                        soakEnds = ends;
                    }
                }
            }

            if (opened.Count == 0)
            {
                await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(repository, env.Name, DeliveryStatus.Skipped, waiting == 0 ? "no-promotion-waiting" : "deployment-not-matching",
                    waiting == 0
                        ? $"no promotion to {env.Name} waits for a deployment of {from.Name}"
                        : $"the deployment of {environment} at {shortSha} does not contain the merge commit of the promotion to {env.Name} on {from.Branch ?? repo.DefaultBranch ?? "main"}",
                    null, null, null), cancellationToken);
                continue;
            }

            var now = time.GetUtcNow();
            var due = soakEnds is { } end && end > now ? end : now;
            await store.EnqueueAsync(JobKind.Target, TargetKeys.ToJobKey(target), repository, due, System.Diagnostics.Activity.Current?.TraceId.ToString(), cancellationToken);
            var versions = string.Join(", ", opened.Select(i => $"{i.ImageName}:{i.Tag ?? i.Digest}"));
            await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(repository, env.Name, DeliveryStatus.Done, "deployment-gate-open",
                $"{environment} deployed {shortSha}{(creator is null ? "" : $" (reported by @{creator})")}: the deployment gate of {env.Name} is open for {versions}"
                + (due > now ? string.Create(CultureInfo.InvariantCulture, $"; it is promoted when the soak ends at {due.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC") : ""),
                null, null, null), cancellationToken);
        }

        await SettleAsync(deliveryId, cancellationToken);
    }

    /// <summary>
    /// Whether the latest successful deployment of the source environment seen so far (remembered
    /// as a <see cref="TargetControlKinds.Deployed"/> control without an image) already contains this merge.
    /// </summary>
    private async Task<bool> DeployedAlreadyAsync(TargetKey source, IReadOnlyList<TargetControl> controls, MergeFacts facts, CancellationToken cancellationToken) =>
        controls.FirstOrDefault(c => c.Kind == TargetControlKinds.Deployed && c.ImageName.Length == 0)?.Tag is { } deployed
        && facts.MergeCommit is { } merge
        && await ContainsAsync(source.InstallationId, source.Repository, merge, deployed, source.BaseBranch, cancellationToken);

    /// <summary>
    /// Whether <paramref name="deployed"/> is <paramref name="merge"/> or a later commit of
    /// <paramref name="branch"/>: it descends from the merge commit, and the branch contains it.
    /// </summary>
    private async Task<bool> ContainsAsync(long installationId, string repository, string merge, string deployed, string branch, CancellationToken cancellationToken)
    {
        if (string.Equals(merge, deployed, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (await github.CompareAsync(installationId, repository, merge, deployed, cancellationToken) is not "ahead")
        {
            return false;
        }

        return await github.CompareAsync(installationId, repository, deployed, branch, cancellationToken) is "ahead" or "identical";
    }

    /// <summary>
    /// The pull request a promoted version comes from: the merged one (a stored
    /// <c>pull_request.closed</c> delivery, with its merge commit) or the one a person commented
    /// <c>/gitops-bridge promote</c> on. <see langword="null"/> for any other delivery.
    /// </summary>
    internal async Task<PromotionOrigin?> PromotedFromAsync(string deliveryId, CancellationToken cancellationToken)
    {
        var delivery = await store.GetDeliveryAsync(deliveryId, cancellationToken);
        if (delivery?.Event is not ("pull_request.closed" or "issue_comment.created") || await store.GetDeliveryBodyAsync(deliveryId, cancellationToken) is not { } body)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var byCommand = delivery.Event == "issue_comment.created";
            var pr = json.RootElement.TryGetProperty(byCommand ? "issue" : "pull_request", out var p) ? p : default;
            return pr.ValueKind == JsonValueKind.Object && pr.TryGetProperty("number", out var n) && n.TryGetInt32(out var number)
                ? new PromotionOrigin(number, byCommand ? null : Text(pr, "merge_commit_sha"), byCommand)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Where a promoted version comes from.</summary>
    /// <param name="Number">The pull request of the source environment.</param>
    /// <param name="MergeCommit">Its merge commit, when it merged.</param>
    /// <param name="ByCommand">Promoted by <c>/gitops-bridge promote</c> rather than by the merge.</param>
    internal sealed record PromotionOrigin(int Number, string? MergeCommit, bool ByCommand);

    private static TargetControl? Control(IReadOnlyList<TargetControl> controls, string kind, DesiredImage image) =>
        controls.FirstOrDefault(c => c.Kind == kind && c.ImageName == image.ImageName && c.Tag == image.Tag && c.Digest == image.Digest);

    private static partial class Log
    {
        [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Merge #{Number} in {Source} promotes to {Target}: {Gate}")]
        public static partial void Promoting(ILogger logger, string source, string target, int number, string gate);

        [LoggerMessage(EventId = 211, Level = LogLevel.Warning, Message = "No deployment recorded on {Repository}: GitHub answered {StatusCode}")]
        public static partial void DeploymentNotRecorded(ILogger logger, string repository, int statusCode);
    }
}
