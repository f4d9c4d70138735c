using System.Globalization;
using GitOpsBridge.Core.Planning;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>
/// What a delivery shows while GitHub's rate-limit budget delays its work: still pending, with the
/// reason <c>rate-limited</c> and the time the job runs again. A rate limit delays work; it never fails it.
/// </summary>
internal static class RateLimitOutcomes
{
    public static string Reason(DateTimeOffset retryAt) =>
        "delayed: GitHub's rate limit for this installation is spent for now; the work is retried at "
        + retryAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC, and is not failed";

    /// <summary>
    /// Marks the deliveries the delayed job works for: a delivery job's own delivery, or every
    /// delivery whose outcome for the delayed target is still pending. Settled ones keep their outcome.
    /// </summary>
    public static async Task RecordAsync(IBridgeStore store, Job job, DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        var reason = Reason(retryAt);
        switch (job.Kind)
        {
            case JobKind.Delivery:
                await MarkDeliveryAsync(store, job.Key, reason, cancellationToken);
                return;
            case JobKind.Target:
                var target = TargetKeys.FromJobKey(job.Key);
                foreach (var deliveryId in await store.ListPendingDeliveriesAsync(target.Repository, target.Environment, cancellationToken))
                {
                    var outcome = (await store.GetTargetOutcomesAsync(deliveryId, cancellationToken))
                        .FirstOrDefault(o => o.Repository == target.Repository && o.Environment == target.Environment && o.Status == DeliveryStatus.Pending);
                    if (outcome is not null)
                    {
                        await store.AddTargetOutcomeAsync(deliveryId, outcome with { ReasonCode = ReasonCodes.RateLimited, Reason = reason }, cancellationToken);
                        await MarkDeliveryAsync(store, deliveryId, reason, cancellationToken);
                    }
                }

                return;
        }
    }

    private static async Task MarkDeliveryAsync(IBridgeStore store, string deliveryId, string reason, CancellationToken cancellationToken)
    {
        if (await store.GetDeliveryAsync(deliveryId, cancellationToken) is { Status: DeliveryStatus.Pending })
        {
            await store.SetDeliveryStatusAsync(deliveryId, DeliveryStatus.Pending, ReasonCodes.RateLimited, reason, cancellationToken);
        }
    }
}
