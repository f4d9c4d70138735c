using System.Globalization;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Planning;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>
/// Coalescing: the targets one delivery changed are queued once, after all its images are in the
/// desired state, so one CI run that built ten images gives one reconcile (one push) instead of a
/// reconcile that races the rest of the run. An environment with <c>batchWindow</c> waits for
/// further events: its job is due at the first pending event's time plus the window.
/// </summary>
internal sealed partial class DeliveryProcessor
{
    /// <summary>The targets this delivery changed, with their environment, in the order first changed.</summary>
    private readonly Dictionary<TargetKey, EnvironmentConfig> _queuedTargets = [];

    private void QueueTarget(TargetKey target, EnvironmentConfig env) => _queuedTargets.TryAdd(target, env);

    /// <summary>
    /// Queues the reconcile of each target the delivery changed. Without a batch window it is due now.
    /// With one it is due at the first pending event's time plus the window: the store keeps the
    /// earlier due time of a waiting job, so later events in the window join it and never postpone it
    /// (bounded latency), and the burst ends in one push. The delivery's outcome for that target stays
    /// pending and says when the batch is published; it is written before the job is queued, so the
    /// reconcile that publishes the batch always settles it.
    /// </summary>
    private async Task EnqueueQueuedTargetsAsync(string deliveryId, CancellationToken cancellationToken)
    {
        foreach (var (target, env) in _queuedTargets)
        {
            var now = time.GetUtcNow();
            var due = now;
            if (env.BatchWindow is { } window && window > TimeSpan.Zero)
            {
                due = await BatchStartAsync(target, now, cancellationToken) + window;
                if (due > now)
                {
                    await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(target.Repository, env.Name, DeliveryStatus.Pending, ReasonCodes.Batched,
                        BatchReason(env.Name, window, due), null, null, null), cancellationToken);
                }
            }

            await store.EnqueueAsync(JobKind.Target, TargetKeys.ToJobKey(target), target.Repository, due, System.Diagnostics.Activity.Current?.TraceId.ToString(), cancellationToken);
        }

        _queuedTargets.Clear();
    }

    /// <summary>
    /// When the target's batch began: the earliest time a delivery still pending for the target was
    /// received (superseded ones included: they belong to the batch until its reconcile settles
    /// them); now when none is older.
    /// </summary>
    private async Task<DateTimeOffset> BatchStartAsync(TargetKey target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var first = now;
        foreach (var deliveryId in await store.ListPendingDeliveriesAsync(target.Repository, target.Environment, cancellationToken))
        {
            if (await store.GetDeliveryAsync(deliveryId, cancellationToken) is { } pending && pending.ReceivedAt < first)
            {
                first = pending.ReceivedAt;
            }
        }

        return first;
    }

    internal static string BatchReason(string environment, TimeSpan window, DateTimeOffset due) =>
        $"batched: {environment} collects changes for {DurationSyntax.Format(window)} (batchWindow) and publishes them together at "
        + $"{due.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC";
}
