namespace GitOpsBridge.Storage;

/// <summary>
/// A worker's exclusive, time-limited hold on a job. The lease is identified by the job id, the owner
/// and the attempt number, so a worker that lost its lease cannot complete or retry the one that
/// replaced it, even under the same owner name.
/// </summary>
/// <param name="Job">The leased job; its <see cref="Job.Attempt"/> counts this lease.</param>
/// <param name="Owner">Who holds it (a worker id).</param>
/// <param name="ExpiresAt">When it lapses unless renewed. Not updated by <see cref="IBridgeStore.RenewAsync"/>.</param>
public sealed record JobLease(Job Job, string Owner, DateTimeOffset ExpiresAt);
