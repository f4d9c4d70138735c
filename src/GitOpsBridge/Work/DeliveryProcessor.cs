using System.Text.Json;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Planning;
using GitOpsBridge.Core.Policies;
using GitOpsBridge.Core.Sources;
using GitOpsBridge.GitHub;
using GitOpsBridge.Registries;
using GitOpsBridge.Secrets;
using GitOpsBridge.Sources;
using GitOpsBridge.Storage;
using GitOpsBridge.Telemetry;

namespace GitOpsBridge.Work;

/// <summary>
/// Turns one stored delivery into desired state: normalises the event, finds the repositories of
/// the same installation that track the image, updates each affected target's desired versions and
/// queues the target. Tenant isolation holds here: only the delivery's installation is searched.
/// </summary>
internal sealed partial class DeliveryProcessor(IBridgeStore store, IGitHubApi github, IndexReadiness readiness, SourceCatalog sources, IRegistryClient registry, ISecretProvider secrets, TimeProvider time, ILogger<DeliveryProcessor> logger, MergeCoordinator merges)
{
    /// <summary>The source of the delivery being processed, for the deliveries counter.</summary>
    private string _source = "github";

    public async Task ProcessAsync(string deliveryId, CancellationToken cancellationToken)
    {
        var delivery = await store.GetDeliveryAsync(deliveryId, cancellationToken);
        var body = await store.GetDeliveryBodyAsync(deliveryId, cancellationToken);
        if (delivery is null || body is null || delivery.Status != DeliveryStatus.Pending)
        {
            return;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["DeliveryId"] = deliveryId, ["Event"] = delivery.Event });
        _source = delivery.Source;
        System.Diagnostics.Activity.Current?.SetTag("delivery.id", deliveryId);
        System.Diagnostics.Activity.Current?.SetTag("delivery.event", delivery.Event);
        if (delivery.Source != SourceCatalog.GitHub)
        {
            // The source's parser reads the body itself.
            await ProcessSourceAsync(delivery, body, cancellationToken);
            return;
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;

        var eventName = delivery.Event.Split('.')[0];
        var action = delivery.Event.Contains('.', StringComparison.Ordinal) ? delivery.Event[(delivery.Event.IndexOf('.', StringComparison.Ordinal) + 1)..] : "";
        if (delivery.InstallationId is not { } installationId)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Rejected, "no-installation", "the payload names no App installation", cancellationToken);
            return;
        }

        if (eventName is "registry_package" or "package" or "workflow_run" or "check_suite" or "repository_dispatch")
        {
            await readiness.WaitAsync(TimeSpan.FromMinutes(2), time, cancellationToken);
        }

        switch (eventName)
        {
            case "registry_package" or "package" when action is "published" or "updated":
                var (published, reason) = GhcrEvents.Normalize(root, eventName);
                if (published is null)
                {
                    await FinishAsync(deliveryId, DeliveryStatus.Rejected, "invalid-event", reason!, cancellationToken);
                    return;
                }

                await ProcessImagesAsync(deliveryId, [installationId], [published], SourceCatalog.GitHub, null, cancellationToken);
                return;
            case "workflow_run" when action == "completed":
                await ProcessWorkflowRunAsync(deliveryId, installationId, root, cancellationToken);
                return;
            case "installation":
                await ProcessInstallationAsync(deliveryId, installationId, action, root, cancellationToken);
                return;
            case "installation_repositories":
                await ProcessInstallationRepositoriesAsync(deliveryId, installationId, root, cancellationToken);
                return;
            case "push":
                await ProcessPushAsync(deliveryId, installationId, root, cancellationToken);
                return;
            case "pull_request" when action == "closed":
                await ProcessPullRequestClosedAsync(deliveryId, installationId, root, cancellationToken);
                return;
            case "issue_comment" when action == "created":
                await ProcessIssueCommentAsync(deliveryId, installationId, root, cancellationToken);
                return;
            case "pull_request" when action is "opened" or "synchronize":
                await ProcessConfigCheckAsync(deliveryId, installationId, root, cancellationToken);
                return;
            case "pull_request" when action == "reopened":
                await ProcessPullRequestReopenedAsync(deliveryId, installationId, root, cancellationToken);
                return;
            case "check_suite" when action == "completed":
                if (await TryMergeOnCheckSuiteAsync(deliveryId, installationId, root, cancellationToken))
                {
                    return;
                }

                await ProcessCheckSuiteAsync(deliveryId, installationId, root, cancellationToken);
                return;
            case "check_run" when action == "completed":
                await ProcessCheckRunAsync(deliveryId, installationId, root, cancellationToken);
                return;
            case "status":
                await ProcessStatusAsync(deliveryId, installationId, root, cancellationToken);
                return;
            case "pull_request_review" when action is "submitted" or "dismissed":
                await ProcessPullRequestReviewAsync(deliveryId, installationId, root, action, cancellationToken);
                return;
            case "deployment_status":
                await ProcessDeploymentStatusAsync(deliveryId, installationId, root, cancellationToken);
                return;
            case "repository_dispatch":
                await ProcessRepositoryDispatchAsync(deliveryId, installationId, root, action, cancellationToken);
                return;
            default:
                await FinishAsync(deliveryId, DeliveryStatus.Ignored, "not-handled", $"the bridge does not act on {delivery.Event}", cancellationToken);
                return;
        }
    }

    private async Task ProcessWorkflowRunAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        var workflowRun = root.GetProperty("workflow_run");
        var conclusion = Text(workflowRun, "conclusion");
        if (conclusion != "success")
        {
            await FinishAsync(deliveryId, DeliveryStatus.Skipped, "ci-not-successful", $"the workflow run concluded {conclusion ?? "without a conclusion"}; only successful builds are deployed", cancellationToken);
            return;
        }

        var source = root.TryGetProperty("repository", out var r) ? Text(r, "full_name") : null;
        var sha = Text(workflowRun, "head_sha");
        var branch = Text(workflowRun, "head_branch");
        var path = Text(workflowRun, "path");
        var name = Text(workflowRun, "name");
        long? runNumber = workflowRun.TryGetProperty("run_number", out var n) && n.TryGetInt64(out var number) ? number : null;
        var runUrl = Text(workflowRun, "html_url");
        var actor = workflowRun.TryGetProperty("actor", out var a) ? Text(a, "login") : null;
        if (source is null || sha is null)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Rejected, "invalid-event", "the workflow run has no repository or head_sha", cancellationToken);
            return;
        }

        var run = new CiCompletion(source, name, branch, sha, runNumber, true, conclusion, runUrl, actor);
        await ProcessCiRunAsync(deliveryId, [installationId], run, path, SourceCatalog.GitHub, cancellationToken);
    }

    /// <summary>
    /// Applies image events to every repository of the given installations that tracks them, and
    /// settles the delivery: by its targets' outcomes when any target was reached, otherwise with
    /// the first reason nothing was (a duplicate, nothing tracking the image).
    /// </summary>
    internal async Task ProcessImagesAsync(string deliveryId, IReadOnlyList<long> installations, IReadOnlyList<ImagePublished> images, string sourceName, string? environment, CancellationToken cancellationToken)
    {
        (string Code, string Reason)? firstSkip = null;
        foreach (var published in images)
        {
            foreach (var installationId in installations)
            {
                var skip = await ProcessImageAsync(deliveryId, installationId, published, sourceName, environment, cancellationToken);
                firstSkip ??= skip;
            }
        }

        await EnqueueQueuedTargetsAsync(deliveryId, cancellationToken);

        if ((await store.GetTargetOutcomesAsync(deliveryId, cancellationToken)).Count == 0)
        {
            var (code, reason) = firstSkip ?? (ReasonCodes.NotTracked, "no repository tracks the image");
            await FinishAsync(deliveryId, DeliveryStatus.Skipped, code, reason, cancellationToken);
            return;
        }

        await SettleAsync(deliveryId, cancellationToken);
    }

    /// <returns>Why nothing was recorded for this image in this installation, or <see langword="null"/> when targets were reached.</returns>
    private async Task<(string Code, string Reason)?> ProcessImageAsync(string deliveryId, long installationId, ImagePublished published, string sourceName, string? environment, CancellationToken cancellationToken)
    {
        var image = published.Image;
        var earlier = await store.ClaimImageEventAsync(installationId, image.Name, image.Tag, image.Digest, deliveryId, cancellationToken);
        if (earlier is not null && earlier != deliveryId)
        {
            return ("duplicate", $"{image} was already received as delivery {earlier}");
        }

        var repositories = await store.FindRepositoriesTrackingAsync(installationId, image.Name, cancellationToken);
        if (repositories.Count == 0)
        {
            return (ReasonCodes.NotTracked, $"no repository of the installation tracks {image.Repository}");
        }

        foreach (var repo in repositories)
        {
            if (TryParseConfig(repo) is not { } config)
            {
                await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(repo.Repository, "", DeliveryStatus.Failed, "invalid-config", repo.ConfigError ?? "the config cannot be read", null, null, null), cancellationToken);
                continue;
            }

            foreach (var alias in config.Images.Values.Where(i => ImageReference.TryParseRepository(i.Repository, out var name, out _) && name == image.Name))
            {
                if (alias.Sources.Count > 0 && !alias.Sources.Contains(sourceName, StringComparer.Ordinal))
                {
                    await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(repo.Repository, "", DeliveryStatus.Skipped, "source-not-allowed",
                        $"images.{alias.Alias} accepts only the sources {string.Join(", ", alias.Sources)}, not {sourceName}", null, null, null), cancellationToken);
                    continue;
                }

                var environments = config.Environments.Values.Where(e => e.Files.Any(f => f.Image == alias.Alias) && (environment is null || e.Name == environment)).ToList();
                if (environments.Count > 0 && alias.Digest != DigestMode.Keep && published.Image.Digest is null)
                {
                    // A registry that does not send digests (Docker Hub, a CI run) for an image the config pins by digest.
                    string? digest;
                    try
                    {
                        digest = await registry.ResolveDigestAsync(published.Image, cancellationToken);
                    }
                    catch (RegistryException ex) when (!ex.IsTransient)
                    {
                        digest = null;
                        Log.DigestUnavailable(logger, published.Image.ToString(), ex.Message);
                    }

                    if (digest is null)
                    {
                        await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(repo.Repository, "", DeliveryStatus.Skipped, "digest-unknown",
                            $"images.{alias.Alias} is written with its digest ({alias.Digest.ToString().ToLowerInvariant()}), and the registry gave no digest for {published.Image}", null, null, null), cancellationToken);
                        continue;
                    }

                    published = published with { Image = published.Image.WithDigest(digest) };
                }

                foreach (var env in environments)
                {
                    await UpdateTargetAsync(deliveryId, installationId, repo, config, alias, env, published, cancellationToken);
                }
            }
        }

        return null;
    }

    private async Task UpdateTargetAsync(string deliveryId, long installationId, RepositoryRecord repo, RepositoryConfig config, ImageConfig alias, EnvironmentConfig env, ImagePublished published, CancellationToken cancellationToken)
    {
        async Task Outcome(DeliveryStatus status, string? code, string? reason) =>
            await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(repo.Repository, env.Name, status, code, reason, null, null, null), cancellationToken);

        if (env.PromoteFrom is not null)
        {
            await Outcome(DeliveryStatus.Skipped, ReasonCodes.AwaitingPromotion, $"awaiting promotion: {env.Name} takes {alias.Alias} from {env.PromoteFrom}");
            return;
        }

        if (ConfigPinReason(env, alias) is { } configPin)
        {
            await Outcome(DeliveryStatus.Skipped, ReasonCodes.Pinned, configPin);
            return;
        }

        var image = published.Image;
        var target = new TargetKey(installationId, repo.Repository, env.Branch ?? repo.DefaultBranch ?? "main", env.Name);
        var controls = await store.GetTargetControlsAsync(target, cancellationToken);
        if (TargetControls.Declined(controls, image.Name, image.Tag, image.Digest) is { } declined)
        {
            await Outcome(DeliveryStatus.Skipped, ReasonCodes.VersionDeclined, TargetControls.DeclinedReason(declined, env.Name));
            return;
        }

        if (controls.FirstOrDefault(c => c.Kind == TargetControlKinds.Pinned && c.ImageName == image.Name) is { } pin)
        {
            await Outcome(DeliveryStatus.Skipped, ReasonCodes.Pinned,
                $"{env.Name} is pinned to {pin.Tag}{(pin.Actor is null ? "" : $" by @{pin.Actor}")}; /gitops-bridge unpin lets newer versions in");
            return;
        }

        var policy = Planner.PolicyOf(alias);
        var desired = new DesiredImage(image.Name, image.Tag, image.Digest, deliveryId,
            new Provenance(published.SourceRepository, published.Commit, published.RunUrl, published.Actor), time.GetUtcNow());

        // Deliveries of one image run concurrently: decide against the version read, and write only
        // if it is still the stored one; otherwise a newer version landed meanwhile, so decide again.
        while (true)
        {
            var current = (await store.GetDesiredImagesAsync(target, cancellationToken)).FirstOrDefault(d => d.ImageName == image.Name);

            // Its own version, stored by an earlier attempt (the service died before the delivery
            // settled, so it is processed again at start-up): not "already current", still to publish.
            if (image.Tag is not null && current?.DeliveryId != deliveryId)
            {
                var decision = VersionOrdering.Decide(current?.Tag, image.Tag, policy);
                var code = decision.Kind switch
                {
                    BumpKind.Rejected => ReasonCodes.Policy,
                    BumpKind.Downgrade => ReasonCodes.Downgrade,
                    BumpKind.Same when current?.Digest == image.Digest => ReasonCodes.AlreadyCurrent,
                    _ => null,
                };
                if (code is not null)
                {
                    await Outcome(DeliveryStatus.Skipped, code, decision.Reason);
                    return;
                }
            }

            if (await store.TryReplaceDesiredImageAsync(target, desired, current?.DeliveryId, cancellationToken))
            {
                break;
            }
        }

        // Pending before the job is queued: the reconcile that job runs then sees this outcome, and
        // settles it even when a newer version has replaced this one by then.
        await Outcome(DeliveryStatus.Pending, null, $"queued for {env.Name}");
        QueueTarget(target, env);
    }

    private async Task ProcessInstallationAsync(string deliveryId, long installationId, string action, JsonElement root, CancellationToken cancellationToken)
    {
        if (action == "deleted")
        {
            await store.DeleteInstallationAsync(installationId, cancellationToken);
            await FinishAsync(deliveryId, DeliveryStatus.Done, "uninstalled", "the installation and its repositories are forgotten", cancellationToken);
            return;
        }

        var account = root.GetProperty("installation").TryGetProperty("account", out var acc) ? Text(acc, "login") ?? "" : "";
        await store.UpsertInstallationAsync(installationId, account, cancellationToken);
        await store.EnqueueAsync(JobKind.Installation, installationId.ToString(System.Globalization.CultureInfo.InvariantCulture), "installation:" + installationId, time.GetUtcNow(), null, cancellationToken);
        await FinishAsync(deliveryId, DeliveryStatus.Done, "indexing", $"installation {action}: its repositories are being scanned for {RepositoryConfig.FilePath}", cancellationToken);
    }

    private async Task ProcessInstallationRepositoriesAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        if (root.TryGetProperty("repositories_removed", out var removed) && removed.ValueKind == JsonValueKind.Array)
        {
            foreach (var repo in removed.EnumerateArray())
            {
                if (Text(repo, "full_name") is { } name && (await store.GetRepositoryAsync(name, cancellationToken))?.InstallationId == installationId)
                {
                    await store.RemoveRepositoryAsync(name, cancellationToken);
                }
            }
        }

        var added = 0;
        if (root.TryGetProperty("repositories_added", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var repo in list.EnumerateArray())
            {
                if (Text(repo, "full_name") is { } name)
                {
                    await store.EnqueueAsync(JobKind.Repository, RepositoryJobKey(installationId, name), name, time.GetUtcNow(), null, cancellationToken);
                    added++;
                }
            }
        }

        await FinishAsync(deliveryId, DeliveryStatus.Done, "indexing", $"{added} added repositories are being scanned", cancellationToken);
    }

    private async Task ProcessPushAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        var repo = root.TryGetProperty("repository", out var r) ? r : default;
        var name = repo.ValueKind == JsonValueKind.Object ? Text(repo, "full_name") : null;
        var defaultBranch = repo.ValueKind == JsonValueKind.Object ? Text(repo, "default_branch") ?? Text(repo, "master_branch") : null;
        var touchesConfig = root.TryGetProperty("commits", out var commits) && commits.ValueKind == JsonValueKind.Array
            && commits.EnumerateArray().Any(c => new[] { "added", "modified", "removed" }.Any(k => c.TryGetProperty(k, out var files)
                && files.ValueKind == JsonValueKind.Array && files.EnumerateArray().Any(f => f.GetString() == RepositoryConfig.FilePath)));
        if (name is null || Text(root, "ref") != $"refs/heads/{defaultBranch}" || !touchesConfig)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "not-config", $"the push does not change {RepositoryConfig.FilePath} on the default branch", cancellationToken);
            return;
        }

        await store.EnqueueAsync(JobKind.Repository, RepositoryJobKey(installationId, name), name, time.GetUtcNow(), null, cancellationToken);
        await FinishAsync(deliveryId, DeliveryStatus.Done, "config-refresh", $"{RepositoryConfig.FilePath} changed; {name} is re-read", cancellationToken);
    }

    /// <summary>The delivery's status follows its targets: pending while any is, else done, skipped or failed.</summary>
    internal async Task SettleAsync(string deliveryId, CancellationToken cancellationToken)
    {
        var delivery = await store.GetDeliveryAsync(deliveryId, cancellationToken);
        if (delivery is null || delivery.Status is not DeliveryStatus.Pending)
        {
            return;
        }

        var outcomes = await store.GetTargetOutcomesAsync(deliveryId, cancellationToken);
        if (outcomes.Count == 0 || outcomes.Any(o => o.Status == DeliveryStatus.Pending))
        {
            return;
        }

        var done = outcomes.FirstOrDefault(o => o.Status == DeliveryStatus.Done);
        var failed = outcomes.FirstOrDefault(o => o.Status == DeliveryStatus.Failed);
        var first = done ?? failed ?? outcomes[0];
        var status = done is not null ? DeliveryStatus.Done : failed is not null ? DeliveryStatus.Failed : DeliveryStatus.Skipped;
        await store.SetDeliveryStatusAsync(deliveryId, status, first.ReasonCode, first.Reason, cancellationToken);
        BridgeTelemetry.DeliveryFinished(delivery.Source, StorageText.From(status));
    }

    private async Task FinishAsync(string deliveryId, DeliveryStatus status, string? code, string reason, CancellationToken cancellationToken)
    {
        Log.Finished(logger, deliveryId, status, code ?? "");
        await store.SetDeliveryStatusAsync(deliveryId, status, code, reason, cancellationToken);
        BridgeTelemetry.DeliveryFinished(_source, StorageText.From(status));
    }

    internal static string RepositoryJobKey(long installationId, string repository) =>
        installationId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + repository;

    private static RepositoryConfig? TryParseConfig(RepositoryRecord repo) => ParsedConfigs.Get(repo.Repository, repo.ConfigYaml);

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "No digest for {Image}: {Error}")]
        public static partial void DigestUnavailable(ILogger logger, string image, string error);

        [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Delivery {DeliveryId} finished as {Status} ({Code})")]
        public static partial void Finished(ILogger logger, string deliveryId, DeliveryStatus status, string code);
    }
}
