using System.Globalization;
using System.Text;
using System.Text.Json;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Lifecycle;
using GitOpsBridge.Core.Planning;
using GitOpsBridge.Core.Policies;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>
/// <c>/gitops-bridge …</c> commands in comments on the bridge's pull requests. Only people with
/// write permission (admin, maintain, write) steer the bridge; everyone gets a reply.
/// </summary>
internal sealed partial class DeliveryProcessor
{
    /// <summary>How many recent outcomes <c>explain</c> shows.</summary>
    internal const int ExplainLimit = 10;

    private const string Help = "Commands: `rebase`, `hold`, `release`, `explain`, `pin [<image>] <version>`, `unpin`, `promote <environment>`.";

    private async Task ProcessIssueCommentAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        var issue = root.TryGetProperty("issue", out var i) ? i : default;
        var comment = root.TryGetProperty("comment", out var c) ? c : default;
        if (issue.ValueKind != JsonValueKind.Object || !issue.TryGetProperty("pull_request", out _))
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "not-a-pull-request", "the comment is on an issue, not a pull request", cancellationToken);
            return;
        }

        var user = comment.ValueKind == JsonValueKind.Object && comment.TryGetProperty("user", out var u) ? u : default;
        var login = Text(user, "login");
        if (Text(user, "type") == "Bot" || login is null)
        {
            // The bridge's own replies, and other Apps: never commands, and never answered (no reply loops).
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "from-a-bot", "comments by bots are not commands", cancellationToken);
            return;
        }

        var command = PullRequestCommand.Parse(Text(comment, "body"));
        if (command is null)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "no-command", $"the comment holds no {PullRequestCommand.Prefix} command", cancellationToken);
            return;
        }

        if (await FindOursAsync(deliveryId, installationId, root, cancellationToken) is not { } found)
        {
            return;
        }

        var (ours, repository, number) = found;
        async Task ReplyAsync(DeliveryStatus status, string code, string outcome, string reply)
        {
            await github.CommentAsync(installationId, repository, number, $"@{login} {reply}", cancellationToken);
            await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(repository, ours.Target.Environment, status, code, outcome, number, ours.Url, "commented"), cancellationToken);
            await FinishAsync(deliveryId, status, code, outcome, cancellationToken);
        }

        switch (command)
        {
            case PullRequestCommand.Unknown unknown:
                var suggestion = unknown.Suggestion is { } s ? $" Did you mean `{s}`?" : "";
                await ReplyAsync(DeliveryStatus.Skipped, "unknown-command", $"unknown command '{unknown.Word}' from @{login}",
                    $"nothing happened: `{unknown.Word}` is not a GitOps Bridge command.{suggestion} {Help}");
                return;
            case PullRequestCommand.Invalid invalid:
                await ReplyAsync(DeliveryStatus.Skipped, "invalid-command", $"invalid {invalid.Word} from @{login}: {invalid.Reason}",
                    $"nothing happened: `{invalid.Word}` {invalid.Reason}. {Help}");
                return;
        }

        var permission = await github.GetCollaboratorPermissionAsync(installationId, repository, login, cancellationToken);
        if (!permission.CanWrite)
        {
            await ReplyAsync(DeliveryStatus.Skipped, "not-permitted", $"@{login} has {permission.RoleName} permission; {command.Word} needs write",
                $"nothing happened: only people with write access to {repository} can steer GitOps Bridge, and your permission is `{permission.RoleName}`.");
            return;
        }

        var target = ours.Target;
        var env = target.Environment;
        var now = time.GetUtcNow();
        switch (command)
        {
            case PullRequestCommand.Hold:
                await store.SetTargetControlAsync(target, new TargetControl(TargetControlKinds.Held, "", null, null, login, now), cancellationToken);
                await ReplyAsync(DeliveryStatus.Done, "held", $"{env} held by @{login}",
                    $"**{env}** is on hold: GitOps Bridge keeps recording new versions but does not push or update this pull request. `{PullRequestCommand.Prefix} release` resumes.");
                return;
            case PullRequestCommand.Release:
                var released = await store.RemoveTargetControlsAsync(target, TargetControlKinds.Held, null, cancellationToken);
                await EnqueueTargetAsync(target, cancellationToken);
                await ReplyAsync(DeliveryStatus.Done, "released", $"{env} released by @{login}",
                    released > 0 ? $"**{env}** is released: the pull request is rebuilt with every version recorded meanwhile." : $"**{env}** was not on hold; the pull request is rebuilt anyway.");
                return;
            case PullRequestCommand.Rebase:
                // A hold the bridge placed itself (no actor: people's commits did not apply) is what rebase ends: rebuilt from the base, without them.
                var holds = (await store.GetTargetControlsAsync(target, cancellationToken)).Where(x => x.Kind == TargetControlKinds.Held).ToList();
                var conflicted = holds.Count > 0 && holds.All(x => x.Actor is null);
                if (conflicted)
                {
                    await store.RemoveTargetControlsAsync(target, TargetControlKinds.Held, null, cancellationToken);
                    await store.SetTargetControlAsync(target, new TargetControl(TargetControlKinds.Rebuild, "", null, null, login, now), cancellationToken);
                }

                await EnqueueTargetAsync(target, cancellationToken);
                await ReplyAsync(DeliveryStatus.Done, "rebase", $"rebase of {env} asked by @{login}",
                    conflicted ? $"rebuilding this pull request on the latest `{target.BaseBranch}` with every recorded version; the commits on its branch that did not apply are dropped."
                    : holds.Count > 0 ? $"**{env}** is on hold, so nothing is pushed until `{PullRequestCommand.Prefix} release`." : $"rebuilding this pull request on the latest `{target.BaseBranch}`.");
                return;
            case PullRequestCommand.Explain:
                var explanation = await ExplainAsync(target, cancellationToken);
                await ReplyAsync(DeliveryStatus.Done, "explained", $"recent outcomes of {env} shown to @{login}", explanation);
                return;
            case PullRequestCommand.Unpin:
                var unpinned = await store.RemoveTargetControlsAsync(target, TargetControlKinds.Pinned, null, cancellationToken);
                await ReplyAsync(DeliveryStatus.Done, "unpinned", $"{env} unpinned by @{login}",
                    unpinned > 0 ? $"**{env}** is unpinned: the next newer version moves it again." : $"**{env}** was not pinned.");
                return;
            case PullRequestCommand.Pin pin:
                await PinAsync(deliveryId, installationId, ours, login, pin.Version, pin.Image, ReplyAsync, cancellationToken);
                return;
            case PullRequestCommand.Promote promote:
                await PromoteAsync(deliveryId, ours, login, promote.Environment, ReplyAsync, cancellationToken);
                return;
        }
    }

    /// <summary>
    /// Opens the promotion now: the versions of this pull request's environment become the desired
    /// state of <paramref name="environment"/>, which must name it as its <c>promoteFrom</c>.
    /// </summary>
    private async Task PromoteAsync(string deliveryId, PullRequestRecord ours, string login, string environment,
        Func<DeliveryStatus, string, string, string, Task> replyAsync, CancellationToken cancellationToken)
    {
        var source = ours.Target;
        var repo = await store.GetRepositoryAsync(source.Repository, cancellationToken);
        if (repo is null || TryParseConfig(repo) is not { } config)
        {
            await replyAsync(DeliveryStatus.Skipped, "invalid-config", $"promote {environment} asked by @{login}: the config cannot be read",
                $"nothing happened: `{RepositoryConfig.FilePath}` cannot be read.");
            return;
        }

        if (!config.Environments.TryGetValue(environment, out var env) || env.PromoteFrom != source.Environment)
        {
            var from = config.Environments.Values.Where(e => e.PromoteFrom == source.Environment).Select(e => $"`{e.Name}`").ToList();
            await replyAsync(DeliveryStatus.Skipped, "invalid-command", $"promote {environment} asked by @{login}: not promoted from {source.Environment}",
                $"nothing happened: `{environment}` is not an environment with `promoteFrom: {source.Environment}`"
                + (from.Count == 0 ? $"; no environment is promoted from **{source.Environment}**." : $"; promote to {string.Join(" or ", from)}."));
            return;
        }

        var desired = await store.GetDesiredImagesAsync(source, cancellationToken);
        var target = new TargetKey(source.InstallationId, source.Repository, env.Branch ?? repo.DefaultBranch ?? "main", env.Name);
        var now = time.GetUtcNow();
        foreach (var image in desired)
        {
            await store.UpsertDesiredImageAsync(target, image with { DeliveryId = deliveryId, Provenance = image.Provenance with { Actor = login }, UpdatedAt = now }, cancellationToken);
        }

        // A person's promote bypasses the gates (soak, deployment) of versions waiting for them.
        await store.RemoveTargetControlsAsync(target, TargetControlKinds.Promotion, null, cancellationToken);

        var versions = string.Join(", ", desired.Select(d => $"`{d.ImageName}:{d.Tag ?? d.Digest}`"));
        await github.CommentAsync(source.InstallationId, source.Repository, ours.Number,
            $"@{login} promoting {versions} from **{source.Environment}** (#{ours.Number}) to **{env.Name}** now.", cancellationToken);

        // Pending until the reconcile of the promoted environment publishes it and settles the delivery.
        await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(target.Repository, env.Name, DeliveryStatus.Pending, null,
            $"promoting {versions.Replace("`", "", StringComparison.Ordinal)} from {source.Environment} (#{ours.Number})", null, null, null), cancellationToken);
        await EnqueueTargetAsync(target, cancellationToken);
    }

    private async Task PinAsync(string deliveryId, long installationId, PullRequestRecord ours, string login, string version, string? image,
        Func<DeliveryStatus, string, string, string, Task> replyAsync, CancellationToken cancellationToken)
    {
        var target = ours.Target;
        var repo = await store.GetRepositoryAsync(target.Repository, cancellationToken);
        if (repo is null || TryParseConfig(repo) is not { } config || !config.Environments.TryGetValue(target.Environment, out var env))
        {
            await replyAsync(DeliveryStatus.Skipped, "invalid-config", $"pin asked by @{login}: the config cannot be read",
                $"nothing happened: `{RepositoryConfig.FilePath}` cannot be read or no longer has **{target.Environment}**.");
            return;
        }

        if (await PinnedImageAsync(target, env, config, login, image, replyAsync) is not { } alias
            || !ImageReference.TryParseRepository(alias.Repository, out var imageName, out _))
        {
            return;
        }

        var current = (await store.GetDesiredImagesAsync(target, cancellationToken)).FirstOrDefault(d => d.ImageName == imageName);
        var decision = VersionOrdering.Decide(current?.Tag, version, Planner.PolicyOf(alias));
        if (decision.Kind == BumpKind.Rejected)
        {
            await replyAsync(DeliveryStatus.Skipped, ReasonCodes.Policy, $"pin {version} asked by @{login}: {decision.Reason}",
                $"nothing happened: the policy of `{alias.Alias}` refuses `{version}`: {decision.Reason}.");
            return;
        }

        string? digest = null;
        if (alias.Digest != DigestMode.Keep)
        {
            digest = await registry.ResolveDigestAsync(ImageReference.Parse(imageName + ":" + version), cancellationToken);
            if (digest is null)
            {
                await replyAsync(DeliveryStatus.Skipped, "digest-unknown", $"pin {version} asked by @{login}: no digest",
                    $"nothing happened: `{alias.Alias}` is written with its digest, and the registry gave no digest for `{imageName}:{version}`.");
                return;
            }
        }

        var now = time.GetUtcNow();
        await store.SetTargetControlAsync(target, new TargetControl(TargetControlKinds.Pinned, imageName, version, digest, login, now), cancellationToken);
        await store.UpsertDesiredImageAsync(target, new DesiredImage(imageName, version, digest, deliveryId, new Provenance(null, null, null, login), now), cancellationToken);
        await github.CommentAsync(installationId, target.Repository, ours.Number,
            $"@{login} **{target.Environment}** is pinned to `{imageName}:{version}`"
            + (decision.Kind == BumpKind.Downgrade ? $" (an intentional downgrade from `{current?.Tag}`)" : "")
            + $": newer versions do not move it until `{PullRequestCommand.Prefix} unpin`.", cancellationToken);

        // Pending until the reconcile publishes the pin, which records the outcome and settles the delivery.
        await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(target.Repository, target.Environment, DeliveryStatus.Pending, null,
            $"pinning {target.Environment} to {version}", ours.Number, ours.Url, "commented"), cancellationToken);
        await EnqueueTargetAsync(target, cancellationToken);
    }

    /// <summary>The target's most recent outcomes, newest first, as a Markdown table.</summary>
    private async Task<string> ExplainAsync(TargetKey target, CancellationToken cancellationToken)
    {
        var rows = new List<(DeliveryRecord Delivery, TargetOutcome Outcome)>();
        DateTimeOffset? before = null;
        for (var page = 0; page < 5 && rows.Count < ExplainLimit; page++)
        {
            var deliveries = await store.QueryDeliveriesAsync(new DeliveryQuery(50, Repository: target.Repository, Before: before), cancellationToken);
            foreach (var delivery in deliveries)
            {
                var outcome = (await store.GetTargetOutcomesAsync(delivery.Id, cancellationToken)).FirstOrDefault(o => o.Environment == target.Environment);
                if (outcome is not null && rows.Count < ExplainLimit)
                {
                    rows.Add((delivery, outcome));
                }
            }

            if (deliveries.Count < 50)
            {
                break;
            }

            before = deliveries[^1].ReceivedAt;
        }

        var controls = await store.GetTargetControlsAsync(target, cancellationToken);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"recent outcomes of **{target.Environment}** (newest first):\n\n");
        if (rows.Count == 0)
        {
            sb.Append("No outcomes are recorded for this target yet.\n");
        }
        else
        {
            sb.Append("| received | event | status | reason |\n| --- | --- | --- | --- |\n");
            foreach (var (delivery, outcome) in rows)
            {
                var reason = (outcome.ReasonCode is null ? "" : $"`{outcome.ReasonCode}` ") + (outcome.Reason ?? "").Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
                sb.Append(CultureInfo.InvariantCulture, $"| {delivery.ReceivedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z | `{delivery.Event}` | {StorageText.From(outcome.Status)} | {reason} |\n");
            }
        }

        foreach (var control in controls.Where(c => c.Kind != TargetControlKinds.DeploymentRecorded))
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n- {control.Kind}{(control.ImageName.Length == 0 ? "" : $" `{control.ImageName}:{control.Tag}`")}{(control.Actor is null ? "" : $" by @{control.Actor}")} since {control.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm}Z");
        }

        return sb.ToString();
    }

    private Task EnqueueTargetAsync(TargetKey target, CancellationToken cancellationToken) =>
        store.EnqueueAsync(JobKind.Target, TargetKeys.ToJobKey(target), target.Repository, time.GetUtcNow(), System.Diagnostics.Activity.Current?.TraceId.ToString(), cancellationToken);
}
