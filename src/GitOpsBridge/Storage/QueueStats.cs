namespace GitOpsBridge.Storage;

/// <summary>A snapshot of the job queue, for metrics and the health page.</summary>
/// <param name="Pending">Jobs waiting for a worker: not leased, or with an expired lease. Includes <paramref name="Retrying"/>.</param>
/// <param name="Leased">Jobs a worker holds an unexpired lease on.</param>
/// <param name="Retrying">Waiting jobs that were leased before (a retry, or a lease that expired).</param>
/// <param name="OldestDueAge">How long the longest-waiting due job has been due; zero when none is due.</param>
public sealed record QueueStats(int Pending, int Leased, int Retrying, TimeSpan OldestDueAge);
