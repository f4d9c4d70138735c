using System.Diagnostics.Metrics;
using GitOpsBridge.GitHub;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Telemetry;

/// <summary>
/// The gauges that read this service's state when metrics are collected: the queue (from the last
/// <see cref="QueueSampler"/> snapshot, so a scrape never waits on the database), GitHub's
/// rate-limit budget per installation, and whether GitHub answered the last call.
/// </summary>
internal sealed class BridgeGauges : IDisposable
{
    private readonly Meter _meter;

    public BridgeGauges(IMeterFactory meters, QueueSampler queue, RateLimitBudget budget, IGitHubApi github)
    {
        _meter = meters.Create(BridgeTelemetry.Name);
        _meter.CreateObservableGauge("gitops_bridge_queue_depth", () => queue.Latest is { } s
            ? new[]
            {
                new Measurement<int>(s.Pending - s.Retrying, new KeyValuePair<string, object?>("state", "pending")),
                new Measurement<int>(s.Leased, new KeyValuePair<string, object?>("state", "leased")),
                new Measurement<int>(s.Retrying, new KeyValuePair<string, object?>("state", "retrying")),
            }
            : [], "{jobs}", "Jobs in the queue: waiting for their first run (pending), running (leased), waiting to run again (retrying).");
        _meter.CreateObservableGauge("gitops_bridge_queue_oldest_age", () => queue.Latest is { } s
            ? new[] { new Measurement<double>(s.OldestDueAge.TotalSeconds) }
            : [], "s", "Seconds the longest-waiting due job has been due; 0 when none is.");
        _meter.CreateObservableGauge("gitops_bridge_github_rate_limit_remaining", () => budget.RemainingByInstallation()
            .Select(r => new Measurement<int>(r.Value, new KeyValuePair<string, object?>("installation", r.Key == RateLimitBudget.AppKey ? "app" : r.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
            "{requests}", "GitHub API requests left in the current hourly window, per installation (app: the App's own JWT calls).");
        _meter.CreateObservableGauge("gitops_bridge_github_reachable", () => (github as GitHubApi)?.Reachable is { } up
            ? new[] { new Measurement<int>(up ? 1 : 0) }
            : [], "", "1 when the last GitHub API call got an HTTP answer, 0 when it could not reach GitHub; absent before the first call.");
    }

    public void Dispose() => _meter.Dispose();
}
