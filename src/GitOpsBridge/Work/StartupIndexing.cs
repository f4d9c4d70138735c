using System.Globalization;
using GitOpsBridge.GitHub;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>Settings of start-up indexing and missed-delivery recovery (section <c>Recovery</c>).</summary>
public sealed class RecoveryOptions
{
    /// <summary>How often the App's hook deliveries are checked for failures to redeliver.</summary>
    public TimeSpan MissedDeliveriesInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How far back the first check looks. GitHub keeps deliveries for 3 days.</summary>
    public TimeSpan MissedDeliveriesLookback { get; set; } = TimeSpan.FromDays(3);
}

/// <summary>
/// At start-up: queues an index of every installation's repositories, so a fresh install never
/// answers "not tracked" for repositories that do track the image. Then, at start-up and every
/// <see cref="RecoveryOptions.MissedDeliveriesInterval"/>: GitHub does not retry failed deliveries
/// by itself, so every failed delivery the bridge never stored is asked for again.
/// </summary>
internal sealed partial class StartupIndexing(
    IGitHubApi github, IBridgeStore store, IServiceScopeFactory scopes, IndexReadiness readiness, RecoveryOptions options, TimeProvider time, ILogger<StartupIndexing> logger, Setup.SetupMode setup) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // In first-run setup there is no App to ask yet; indexing starts once setup is complete.
        try
        {
            await setup.WaitUntilCompleteAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            using var scope = scopes.CreateScope();
            var indexer = scope.ServiceProvider.GetRequiredService<RepositoryIndexer>();
            foreach (var installation in await github.ListInstallationsAsync(stoppingToken))
            {
                await store.UpsertInstallationAsync(installation.Id, installation.Account, stoppingToken);
                try
                {
                    await indexer.IndexInstallationAsync(installation.Id, stoppingToken, inline: true);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One failing installation must not block the others; a job retries it.
                    Log.IndexFailed(logger, ex);
                    var key = installation.Id.ToString(CultureInfo.InvariantCulture);
                    await store.EnqueueAsync(JobKind.Installation, key, "installation:" + key, time.GetUtcNow(), null, stoppingToken);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // GitHub being unreachable must not stop the service; the index catches up on the next event.
            Log.IndexFailed(logger, ex);
        }
        finally
        {
            readiness.MarkReady();
        }

        var since = time.GetUtcNow() - options.MissedDeliveriesLookback;
        while (!stoppingToken.IsCancellationRequested)
        {
            var checkedAt = time.GetUtcNow();
            try
            {
                await RedeliverMissedAsync(since, stoppingToken);
                since = checkedAt - TimeSpan.FromMinutes(1);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.RecoveryFailed(logger, ex);
            }

            try
            {
                await Task.Delay(options.MissedDeliveriesInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal async Task<int> RedeliverMissedAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var deliveries = await github.ListHookDeliveriesAsync(since, cancellationToken);
        var redelivered = deliveries.Where(d => d.Redelivery).Select(d => d.Guid).ToHashSet(StringComparer.Ordinal);
        var count = 0;
        foreach (var failed in deliveries.Where(d => !d.Redelivery && (d.StatusCode is < 200 or >= 300) && !redelivered.Contains(d.Guid)))
        {
            if (await store.GetDeliveryAsync(failed.Guid, cancellationToken) is null)
            {
                await github.RedeliverAsync(failed.Id, cancellationToken);
                count++;
            }
        }

        if (count > 0)
        {
            Log.Redelivered(logger, count);
        }

        return count;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Could not index installations at start-up")]
        public static partial void IndexFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Could not check for missed deliveries")]
        public static partial void RecoveryFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Asked GitHub to redeliver {Count} failed deliveries")]
        public static partial void Redelivered(ILogger logger, int count);
    }
}
