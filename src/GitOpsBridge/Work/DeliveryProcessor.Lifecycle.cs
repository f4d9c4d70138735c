using System.Text.Json;
using GitOpsBridge.Core.Planning;
using GitOpsBridge.Secrets;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>The bridge's pull requests after they are opened: merged, closed, reopened.</summary>
internal sealed partial class DeliveryProcessor
{
    private async Task ProcessPullRequestClosedAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        if (await FindOursAsync(deliveryId, installationId, root, cancellationToken) is not { } found)
        {
            return;
        }

        var (ours, repository, number) = found;
        var pr = root.GetProperty("pull_request");

        // merge_commit_sha is set on unmerged PRs too (a test merge); only "merged" says it merged.
        var merged = pr.TryGetProperty("merged", out var m) && m.ValueKind == JsonValueKind.True;
        await store.SetPullRequestAsync(ours with { State = merged ? "merged" : "closed", UpdatedAt = time.GetUtcNow() }, cancellationToken);
        var sender = SenderLogin(root);
        if (merged)
        {
            await github.DeleteBranchAsync(installationId, repository, ours.HeadBranch, cancellationToken);
            var (note, pending) = await OnMergedAsync(deliveryId, ours, pr, sender, cancellationToken);
            await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(repository, ours.Target.Environment, DeliveryStatus.Done, "merged",
                "merged; the bridge deleted its branch" + note, number, ours.Url, "merged"), cancellationToken);
            if (pending == 0)
            {
                await FinishAsync(deliveryId, DeliveryStatus.Done, "merged", $"pull request #{number} was merged", cancellationToken);
            }
            else
            {
                // Pending until each promotion it started is published (or superseded).
                await SettleAsync(deliveryId, cancellationToken);
            }

            return;
        }

        var declined = await IsAppAsync(sender, ours, cancellationToken) ? [] : await DeclineAsync(ours, sender, cancellationToken);
        if (declined.Count == 0)
        {
            await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(repository, ours.Target.Environment, DeliveryStatus.Done, "closed",
                "closed without merging", number, ours.Url, "closed"), cancellationToken);
            await FinishAsync(deliveryId, DeliveryStatus.Done, "closed", $"pull request #{number} was closed", cancellationToken);
            return;
        }

        var versions = string.Join(", ", declined.Select(d => $"`{d.ImageName}:{d.Tag ?? d.Digest}`"));
        await github.CommentAsync(installationId, repository, number,
            $"Closed without merging, so GitOps Bridge takes this as \"not this version\": it will not propose {versions} for **{ours.Target.Environment}** again. "
            + "A newer version opens a new pull request.\n\nTo deploy it after all, **reopen this pull request**: the bridge then updates it again.", cancellationToken);

        // The branch stays: GitHub can only reopen a pull request whose branch still exists.
        var reason = $"closed without merging by @{sender ?? "someone"}: {versions.Replace("`", "", StringComparison.Ordinal)} declined for {ours.Target.Environment}; reopen #{number} to undo";
        await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(repository, ours.Target.Environment, DeliveryStatus.Done, ReasonCodes.VersionDeclined,
            reason, number, ours.Url, "closed"), cancellationToken);
        await FinishAsync(deliveryId, DeliveryStatus.Done, ReasonCodes.VersionDeclined, reason, cancellationToken);
    }

    private async Task ProcessPullRequestReopenedAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        if (await FindOursAsync(deliveryId, installationId, root, cancellationToken) is not { } found)
        {
            return;
        }

        var (ours, repository, number) = found;
        var cleared = await store.RemoveTargetControlsAsync(ours.Target, TargetControlKinds.Declined, null, cancellationToken);
        await store.SetPullRequestAsync(ours with { State = "open", UpdatedAt = time.GetUtcNow() }, cancellationToken);
        await EnqueueTargetAsync(ours.Target, cancellationToken);
        var reason = cleared > 0
            ? $"reopened: {cleared} declined version(s) of {ours.Target.Environment} are wanted again, and the pull request is rebuilt"
            : $"reopened: the pull request is rebuilt from the desired state of {ours.Target.Environment}";
        await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(repository, ours.Target.Environment, DeliveryStatus.Done, "reopened",
            reason, number, ours.Url, "reopened"), cancellationToken);
        await FinishAsync(deliveryId, DeliveryStatus.Done, "reopened", reason, cancellationToken);
    }

    /// <summary>The bridge's stored pull request the event is about; otherwise the delivery is settled as not ours.</summary>
    private async Task<(PullRequestRecord Ours, string Repository, int Number)?> FindOursAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        var pr = root.TryGetProperty("pull_request", out var p) ? p : root.TryGetProperty("issue", out var i) ? i : default;
        var repository = root.TryGetProperty("repository", out var r) ? Text(r, "full_name") : null;
        var number = pr.ValueKind == JsonValueKind.Object && pr.TryGetProperty("number", out var n) && n.TryGetInt32(out var value) ? value : 0;
        var ours = repository is null || number < 1 ? null : await store.FindPullRequestAsync(repository, number, cancellationToken);
        if (ours is null || ours.Target.InstallationId != installationId)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "not-ours", "the pull request is not one of the bridge's", cancellationToken);
            return null;
        }

        return (ours, repository!, number);
    }

    /// <summary>
    /// Whether the App itself acted: its bot user is <c>{slug}[bot]</c>. Without a known slug, a
    /// pull request the bridge had already recorded as closed was closed by the bridge.
    /// </summary>
    private async Task<bool> IsAppAsync(string? sender, PullRequestRecord before, CancellationToken cancellationToken)
    {
        var slug = await secrets.GetAsync(SecretKeys.AppSlug, cancellationToken);
        return slug is not null ? string.Equals(sender, slug + "[bot]", StringComparison.OrdinalIgnoreCase) : before.State == "closed";
    }

    /// <summary>Records, as declined, every desired version of the target that this pull request carried.</summary>
    private async Task<List<DesiredImage>> DeclineAsync(PullRequestRecord pullRequest, string? sender, CancellationToken cancellationToken)
    {
        // Only versions the pull request showed: one that arrived after it was closed was never seen.
        var declined = await CarriedAsync(pullRequest, cancellationToken);
        foreach (var image in declined)
        {
            await store.SetTargetControlAsync(pullRequest.Target,
                new TargetControl(TargetControlKinds.Declined, image.ImageName, image.Tag, image.Digest, sender, time.GetUtcNow()), cancellationToken);
        }

        return declined;
    }

    private static string? SenderLogin(JsonElement root) =>
        root.TryGetProperty("sender", out var sender) ? Text(sender, "login") : null;
}
