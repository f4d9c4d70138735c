using GitOpsBridge.Storage;

namespace GitOpsBridge.Telemetry;

/// <summary>Telemetry settings (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>How often the queue gauges are refreshed from storage. Default 5 seconds.</summary>
    public TimeSpan QueueSampleInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Reads the queue statistics every <see cref="TelemetryOptions.QueueSampleInterval"/> and keeps the
/// last snapshot for the gauges: a scrape never queries the database, and a slow or broken database
/// cannot slow it down. A failed read keeps the previous snapshot.
/// </summary>
internal sealed partial class QueueSampler(IBridgeStore store, TelemetryOptions options, TimeProvider time, ILogger<QueueSampler> logger) : BackgroundService
{
    private volatile QueueStats? _latest;

    /// <summary>The last snapshot; null until the first read succeeds.</summary>
    public QueueStats? Latest => _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        BridgeTelemetry.InitializeSeries();
        var interval = options.QueueSampleInterval > TimeSpan.Zero ? options.QueueSampleInterval : TimeSpan.FromSeconds(5);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _latest = await store.GetQueueStatsAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Storage trouble shows in /readyz; here it only means the gauges keep the last values.
                Log.SampleFailed(logger, ex);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 900, Level = LogLevel.Debug, Message = "Could not read the queue statistics for the metrics")]
        public static partial void SampleFailed(ILogger logger, Exception exception);
    }
}
