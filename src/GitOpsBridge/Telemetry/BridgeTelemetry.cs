using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GitOpsBridge.Telemetry;

/// <summary>
/// The bridge's own spans and counters: one <see cref="ActivitySource"/> and one <see cref="Meter"/>,
/// both named <see cref="Name"/>. Static, like the runtime's own sources: instrumentation sites need
/// no constructor changes, and nothing is recorded unless a listener (OpenTelemetry) is attached.
/// The gauges that read per-service state live in <see cref="BridgeGauges"/>.
/// </summary>
public static class BridgeTelemetry
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "GitOpsBridge";

    /// <summary>Every span the bridge starts itself.</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(
        "gitops_bridge_deliveries", "{deliveries}", "Deliveries that reached a final outcome, by source and outcome.");

    private static readonly Histogram<double> EventToPullRequest = Meter.CreateHistogram(
        "gitops_bridge_event_to_pr", "s", "Seconds from receiving an event to the pull request that carries it being opened or updated.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] });

    private static readonly Counter<long> PushRetries = Meter.CreateCounter<long>(
        "gitops_bridge_git_push_retries", "{pushes}", "Pushes of a target branch beyond the first in one reconcile, by reason.");

    /// <summary>Counts a delivery that reached a final outcome (<c>done</c>, <c>skipped</c>, <c>ignored</c>, <c>rejected</c>, <c>failed</c>).</summary>
    public static void DeliveryFinished(string source, string outcome) =>
        Deliveries.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Records the time from an event's receipt to the pull request that carries it.</summary>
    /// <param name="latency">Now minus the delivery's receipt.</param>
    /// <param name="action"><c>opened</c> or <c>updated</c>.</param>
    public static void PullRequestPublished(TimeSpan latency, string action) =>
        EventToPullRequest.Record(Math.Max(0, latency.TotalSeconds), new KeyValuePair<string, object?>("action", action));

    /// <summary>Counts a push that repeats one of the same reconcile.</summary>
    /// <param name="reason"><c>base-moved</c> (built again on a new base tip) or <c>token-renewed</c> (the token was refused).</param>
    public static void PushRetried(string reason) => PushRetries.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>
    /// Adds zero to the push-retry series, so they are scraped from the start (a series that appears
    /// only at its first retry hides the rate of retries from <c>rate()</c> and alerts).
    /// </summary>
    public static void InitializeSeries()
    {
        PushRetries.Add(0, new KeyValuePair<string, object?>("reason", "base-moved"));
        PushRetries.Add(0, new KeyValuePair<string, object?>("reason", "token-refused"));
    }

    /// <summary>
    /// Starts a span of a background job in the trace of the request that caused it: the stored W3C
    /// trace id becomes the parent's, so one trace runs from the webhook to the pull request. Without
    /// a valid stored id the span starts a trace of its own.
    /// </summary>
    public static Activity? StartJob(string name, string? traceId)
    {
        var parent = default(ActivityContext);
        if (traceId is { Length: 32 } && traceId.All(char.IsAsciiHexDigitLower) && traceId.Any(c => c != '0'))
        {
            // Only the trace id is stored, not the receiving span's id: a fresh span id stands in for it.
            parent = new ActivityContext(ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        }

        return Source.StartActivity(name, ActivityKind.Internal, parent);
    }
}
