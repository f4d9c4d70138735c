using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Lifecycle;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>The promotion gates of an environment with <c>promoteFrom</c>, applied when its target is reconciled.</summary>
internal sealed partial class TargetReconciler
{
    /// <summary>
    /// The desired images whose promotion may be published now. A version still behind a gate
    /// (<c>soak</c>, <c>requireDeployment</c>) stays in the desired state but is not applied, its
    /// delivery stays pending with what it waits for, and the target is queued again when the soak
    /// ends. A version whose gates opened loses its <see cref="TargetControlKinds.Promotion"/> control.
    /// </summary>
    private async Task<IReadOnlyList<DesiredImage>> PassingPromotionGatesAsync(
        TargetKey target, EnvironmentConfig env, IReadOnlyList<TargetControl> controls, IReadOnlyList<DesiredImage> desired, CancellationToken cancellationToken)
    {
        if (env.PromoteFrom is null)
        {
            return desired;
        }

        var now = time.GetUtcNow();
        var passing = new List<DesiredImage>();
        DateTimeOffset? wake = null;
        foreach (var image in desired)
        {
            var promotion = controls.FirstOrDefault(c => c.Kind == TargetControlKinds.Promotion && c.ImageName == image.ImageName && c.Tag == image.Tag && c.Digest == image.Digest);
            if (promotion is null)
            {
                passing.Add(image);
                continue;
            }

            var deployed = controls.Any(c => c.Kind == TargetControlKinds.Deployed && c.ImageName == image.ImageName && c.Tag == image.Tag && c.Digest == image.Digest);
            var origin = await deliveries.PromotedFromAsync(image.DeliveryId, cancellationToken);
            var gate = PromotionGate.Evaluate(env, promotion.CreatedAt, deployed, now, origin?.MergeCommit);
            if (gate.Open)
            {
                await store.RemoveTargetControlsAsync(target, TargetControlKinds.Promotion, image.ImageName, cancellationToken);
                await store.RemoveTargetControlsAsync(target, TargetControlKinds.Deployed, image.ImageName, cancellationToken);
                passing.Add(image);
                continue;
            }

            await RecordIfPendingAsync(image, target, PromotionGate.ReasonCode,
                $"{image.ImageName}:{image.Tag ?? image.Digest} from {env.PromoteFrom}{(origin is null ? "" : $" (#{origin.Number})")}: {gate.Reason}", cancellationToken, DeliveryStatus.Pending);
            if (gate.SoakEndsAt is { } end && end > now && (wake is null || end < wake))
            {
                wake = end;
            }
        }

        if (wake is { } due)
        {
            await store.EnqueueAsync(JobKind.Target, TargetKeys.ToJobKey(target), target.Repository, due, System.Diagnostics.Activity.Current?.TraceId.ToString(), cancellationToken);
        }

        return passing;
    }

    /// <summary>The pull request body's line naming where a promotion comes from: "Promoted from **dev** in #12."</summary>
    /// <returns>Empty for an environment without <c>promoteFrom</c>, or when no published version names its pull request.</returns>
    private async Task<string> PromotionNoteAsync(EnvironmentConfig env, IEnumerable<DesiredImage> published, CancellationToken cancellationToken)
    {
        if (env.PromoteFrom is null)
        {
            return "";
        }

        var lines = new List<string>();
        foreach (var deliveryId in published.Select(d => d.DeliveryId).Distinct(StringComparer.Ordinal))
        {
            if (await deliveries.PromotedFromAsync(deliveryId, cancellationToken) is { } origin)
            {
                var line = $"Promoted from **{env.PromoteFrom}** in #{origin.Number}{(origin.ByCommand ? " by `/gitops-bridge promote`" : "")}.";
                if (!lines.Contains(line))
                {
                    lines.Add(line);
                }
            }
        }

        return lines.Count == 0 ? "" : "\n" + string.Join("\n", lines) + "\n";
    }
}
