using System.Globalization;
using GitOpsBridge.GitHub;
using GitOpsBridge.Storage;
using GitOpsBridge.Telemetry;

namespace GitOpsBridge.Work;

/// <summary>Worker settings (section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>Jobs run at once; one repository still has one writer at a time.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How long a job stays leased without renewal; a crashed worker's jobs run again after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle worker looks for due jobs.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Attempts before a job is given up and its outcome recorded as failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First retry delay; doubles per attempt, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Leases jobs from the durable queue and runs each in a fresh DI scope: deliveries become desired
/// state, targets are reconciled, repositories and installations are indexed. Failures retry with
/// backoff and jitter, honouring GitHub's rate-limit waits; a crash loses nothing (leases expire).
/// </summary>
internal sealed partial class BridgeWorker(IServiceScopeFactory scopes, IBridgeStore store, WorkerOptions options, TimeProvider time, ILogger<BridgeWorker> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RequeuePendingDeliveriesAsync(stoppingToken);
        var loops = Enumerable.Range(0, Math.Max(1, options.Concurrency)).Select(_ => RunLoopAsync(stoppingToken));
        await Task.WhenAll(loops);
    }

    /// <summary>A delivery stored just before a crash may have no job yet; give it one (enqueue coalesces).</summary>
    private async Task RequeuePendingDeliveriesAsync(CancellationToken cancellationToken)
    {
        foreach (var delivery in (await store.ListDeliveriesAsync(1000, cancellationToken)).Where(d => d.Status == DeliveryStatus.Pending))
        {
            await store.EnqueueAsync(JobKind.Delivery, delivery.Id, "delivery:" + delivery.Id, time.GetUtcNow(), delivery.TraceId, cancellationToken);
        }
    }

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            JobLease? lease;
            try
            {
                lease = await store.TryLeaseAsync(_owner, options.LeaseDuration, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (lease is null)
            {
                try
                {
                    await Task.Delay(options.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            await RunJobAsync(lease, stoppingToken);
        }
    }

    private async Task RunJobAsync(JobLease lease, CancellationToken stoppingToken)
    {
        var job = lease.Job;
        using var jobCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var renewalCancellation = new CancellationTokenSource();
        var renewal = RenewWhileRunningAsync(lease, jobCancellation, renewalCancellation.Token);
        var cancellationToken = jobCancellation.Token;
        using var scope = scopes.CreateScope();
        using var logScope = logger.BeginScope(new Dictionary<string, object?> { ["JobId"] = job.Id, ["JobKind"] = job.Kind, ["TraceId"] = job.TraceId });

        // In the trace of the webhook that queued it: one trace from the event to the pull request.
        using var activity = BridgeTelemetry.StartJob(SpanName(job.Kind), job.TraceId);
        activity?.SetTag("job.id", job.Id);
        activity?.SetTag("job.key", job.Key);
        activity?.SetTag("job.attempt", job.Attempt);
        try
        {
            var services = scope.ServiceProvider;
            switch (job.Kind)
            {
                case JobKind.Delivery:
                    await services.GetRequiredService<DeliveryProcessor>().ProcessAsync(job.Key, cancellationToken);
                    break;
                case JobKind.Target:
                    await services.GetRequiredService<TargetReconciler>().ReconcileAsync(TargetKeys.FromJobKey(job.Key), cancellationToken);
                    break;
                case JobKind.Repository:
                    var (installation, repository) = RepositoryIndexer.ParseKey(job.Key);
                    await services.GetRequiredService<RepositoryIndexer>().IndexRepositoryAsync(installation, repository, cancellationToken);
                    break;
                case JobKind.Installation:
                    await services.GetRequiredService<RepositoryIndexer>().IndexInstallationAsync(long.Parse(job.Key, CultureInfo.InvariantCulture), cancellationToken);
                    break;
            }

            await store.CompleteAsync(lease, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease expires and another worker (or this one, restarted) runs the job.
        }
        catch (OperationCanceledException) when (jobCancellation.IsCancellationRequested)
        {
            // The lease was lost (this process stalled past it): another worker owns the job now.
            Log.LeaseLost(logger, job.Id);
        }
        catch (GitHubRateLimitedException ex)
        {
            Log.RateLimited(logger, job.Id, ex.RetryAfter);
            var retryAt = time.GetUtcNow() + ex.RetryAfter;
            await RateLimitOutcomes.RecordAsync(store, job, retryAt, CancellationToken.None);
            // Put off, not failed: the attempt is not counted, so no number of delays gives the job up.
            await store.DeferAsync(lease, retryAt, ex.Message, CancellationToken.None);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The worker's boundary: any failure of one job (an HTTP timeout's cancellation included)
            // is retried later and never stops the loop.
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            await FailAsync(lease, ex);
        }
        finally
        {
            await renewalCancellation.CancelAsync();
            await renewal;
        }
    }

    /// <summary>
    /// Renews the lease every third of its duration while the job runs, so a long reconcile keeps
    /// its repository's single writer; when the store says the lease is lost, the job is cancelled.
    /// </summary>
    private async Task RenewWhileRunningAsync(JobLease lease, CancellationTokenSource job, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.LeaseDuration / 3, time, stop);
                if (!await store.RenewAsync(lease, options.LeaseDuration, stop))
                {
                    await job.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The job finished (or the service stops): no more renewals.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store failed to renew: stop renewing; the job runs on and the lease may lapse.
            Log.RenewFailed(logger, ex, lease.Job.Id);
        }
    }

    private async Task FailAsync(JobLease lease, Exception ex)
    {
        var job = lease.Job;
        var message = $"{ex.GetType().Name}: {ex.Message}";
        if (job.Attempt >= options.MaxAttempts)
        {
            Log.GaveUp(logger, ex, job.Id, job.Attempt);
            if (job.Kind == JobKind.Delivery && ex is TagNotYetPublishedException missing)
            {
                // verify: true and the tag never appeared: the build did not push what the mapping says.
                await store.SetDeliveryStatusAsync(job.Key, DeliveryStatus.Skipped, "tag-not-found",
                    $"{missing.Image} was still not in the registry after {job.Attempt} checks; check the ci mapping's tag template", CancellationToken.None);
            }
            else if (job.Kind == JobKind.Delivery)
            {
                await CountFailedAsync(job.Key);
                await store.SetDeliveryStatusAsync(job.Key, DeliveryStatus.Failed, "error", $"failed after {job.Attempt} attempts: {message}", CancellationToken.None);
            }
            else if (job.Kind == JobKind.Target)
            {
                var target = TargetKeys.FromJobKey(job.Key);
                foreach (var image in await store.GetDesiredImagesAsync(target, CancellationToken.None))
                {
                    await store.AddTargetOutcomeAsync(image.DeliveryId, new TargetOutcome(target.Repository, target.Environment, DeliveryStatus.Failed, "error", message, null, null, null), CancellationToken.None);
                    await CountFailedAsync(image.DeliveryId);
                    await store.SetDeliveryStatusAsync(image.DeliveryId, DeliveryStatus.Failed, "error", message, CancellationToken.None);
                }
            }

            await store.CompleteAsync(lease, CancellationToken.None);
            return;
        }

        var backoff = Backoff(job.Attempt);
        Log.Retrying(logger, ex, job.Id, job.Attempt, backoff);
        await store.RetryAsync(lease, time.GetUtcNow() + backoff, message, CancellationToken.None);
    }

    /// <summary>Counts a delivery that fails now, if it was still pending (a delivery reaches one final outcome once).</summary>
    private async Task CountFailedAsync(string deliveryId)
    {
        if (await store.GetDeliveryAsync(deliveryId, CancellationToken.None) is { Status: DeliveryStatus.Pending } delivery)
        {
            BridgeTelemetry.DeliveryFinished(delivery.Source, "failed");
        }
    }

    private static string SpanName(JobKind kind) => kind switch
    {
        JobKind.Delivery => "delivery.process",
        JobKind.Target => "target.reconcile",
        JobKind.Repository => "repository.index",
        _ => "installation.index",
    };

    /// <summary>Exponential backoff with full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var cap = Math.Min(options.MaxBackoff.TotalMilliseconds, options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1)));
        return TimeSpan.FromMilliseconds((cap / 2) + (Random.Shared.NextDouble() * cap / 2));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Job {JobId} hit a GitHub rate limit; retrying in {RetryAfter}")]
        public static partial void RateLimited(ILogger logger, long jobId, TimeSpan retryAfter);

        [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Job {JobId} failed on attempt {Attempt}; retrying in {Backoff}")]
        public static partial void Retrying(ILogger logger, Exception exception, long jobId, int attempt, TimeSpan backoff);

        [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "Could not renew the lease of job {JobId}")]
        public static partial void RenewFailed(ILogger logger, Exception exception, long jobId);

        [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Job {JobId} lost its lease; another worker runs it")]
        public static partial void LeaseLost(ILogger logger, long jobId);

        [LoggerMessage(EventId = 402, Level = LogLevel.Error, Message = "Job {JobId} failed {Attempt} times; giving up")]
        public static partial void GaveUp(ILogger logger, Exception exception, long jobId, int attempt);
    }
}
