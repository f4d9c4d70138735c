namespace GitOpsBridge.Storage;

/// <summary>
/// The bridge's durable state: deliveries and their outcomes, the desired image per target, the job
/// queue, installations, repositories and pull requests. SQLite backs one process
/// (<see cref="SqliteBridgeStore"/>); replicas share PostgreSQL behind the same interface and the same
/// contract tests. Every timestamp the store makes comes from its <see cref="TimeProvider"/>; records
/// that carry their own time keep the caller's value.
/// </summary>
public interface IBridgeStore : IAsyncDisposable
{
    /// <summary>Creates or migrates the schema. Idempotent, and safe while another instance does the same.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a delivery and its body, unless its id is already stored.</summary>
    Task<InsertDeliveryResult> InsertDeliveryAsync(DeliveryRecord delivery, string body, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a delivery and its body and, only when it was not stored before, queues its job
    /// (kind <paramref name="kind"/>, key = the delivery id, due at <see cref="DeliveryRecord.ReceivedAt"/>,
    /// the delivery's trace id), all or nothing: a stored delivery always has its job, even across a
    /// crash. The job is queued as <see cref="EnqueueAsync"/> does. A duplicate or conflict queues nothing.
    /// </summary>
    /// <remarks>
    /// Built for the webhook's hot path: a backend may write several callers' deliveries in one
    /// transaction (group commit). Once called, the write completes even if
    /// <paramref name="cancellationToken"/> is cancelled; only the wait for the result is.
    /// </remarks>
    Task<InsertDeliveryResult> InsertDeliveryAndEnqueueAsync(DeliveryRecord delivery, string body, JobKind kind, string lockKey, CancellationToken cancellationToken = default);

    /// <summary>The delivery with that id, or <see langword="null"/>.</summary>
    Task<DeliveryRecord?> GetDeliveryAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The stored body of that delivery, or <see langword="null"/>.</summary>
    Task<string?> GetDeliveryBodyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>At most <paramref name="limit"/> deliveries, newest <see cref="DeliveryRecord.ReceivedAt"/> first.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListDeliveriesAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The deliveries that match <paramref name="query"/>, newest <see cref="DeliveryRecord.ReceivedAt"/>
    /// first (ties: the later stored first), at most <see cref="DeliveryQuery.Limit"/>.
    /// </summary>
    Task<IReadOnlyList<DeliveryRecord>> QueryDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken = default);

    /// <summary>Sets a delivery's status and reason. An unknown id is ignored.</summary>
    Task SetDeliveryStatusAsync(string id, DeliveryStatus status, string? reasonCode, string? reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records what a delivery did to one target. There is one outcome per (delivery, repository,
    /// environment): a later call replaces it. The delivery must exist.
    /// </summary>
    Task AddTargetOutcomeAsync(string deliveryId, TargetOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>A delivery's outcomes, ordered by repository and environment.</summary>
    Task<IReadOnlyList<TargetOutcome>> GetTargetOutcomesAsync(string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>The deliveries whose outcome for an environment of a repository is still pending, oldest first.</summary>
    Task<IReadOnlyList<string>> ListPendingDeliveriesAsync(string repository, string environment, CancellationToken cancellationToken = default);

    /// <summary>How many deliveries are stored.</summary>
    Task<long> CountDeliveriesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims one image event (installation, image, tag, digest) for a delivery, so that an image
    /// announced twice (by the registry and by CI, say) is acted on once. A missing tag or digest is
    /// part of the identity like any value.
    /// </summary>
    /// <returns>
    /// <see langword="null"/> when <paramref name="deliveryId"/> holds the claim (just made, or made
    /// earlier by the same delivery, as on a retry); otherwise the id of the delivery that holds it.
    /// </returns>
    Task<string?> ClaimImageEventAsync(long installationId, string imageName, string? tag, string? digest, string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>Sets the desired version of one image for a target, replacing tag, digest, delivery, provenance and time.</summary>
    Task UpsertDesiredImageAsync(TargetKey target, DesiredImage image, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the desired version of one image for a target only if nobody changed it since it was
    /// read: the stored row must still name <paramref name="expectedDeliveryId"/>, or there must be
    /// no row when it is null. Deliveries of one image run concurrently; without this, two that
    /// both decided against the same current version could both write, and the lower could win.
    /// </summary>
    /// <returns>False when another delivery wrote first: read again and decide again.</returns>
    Task<bool> TryReplaceDesiredImageAsync(TargetKey target, DesiredImage image, string? expectedDeliveryId, CancellationToken cancellationToken = default);

    /// <summary>The desired images of a target, ordered by image name.</summary>
    Task<IReadOnlyList<DesiredImage>> GetDesiredImagesAsync(TargetKey target, CancellationToken cancellationToken = default);

    /// <summary>The targets of a repository that have a desired state, in a stable order.</summary>
    Task<IReadOnlyList<TargetKey>> ListTargetsAsync(string repository, CancellationToken cancellationToken = default);

    /// <summary>The whole desired state: every image of every target, ordered by image name, repository, environment, installation and base branch.</summary>
    Task<IReadOnlyList<TargetImage>> ListDesiredImagesAsync(CancellationToken cancellationToken = default);

    /// <summary>Forgets the desired state of one target.</summary>
    Task RemoveDesiredImagesAsync(TargetKey target, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues a job. While a job of the same kind and key waits (is not leased), no second one is
    /// added: the waiting one keeps its lock key and trace id, and its
    /// <see cref="Job.NotBefore"/> becomes the earlier of the two. A job that is leased, even with an
    /// expired lease, may be running on older information, so a new one is added beside it.
    /// </summary>
    Task EnqueueAsync(JobKind kind, string key, string lockKey, DateTimeOffset notBefore, string? traceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases the job that has been due longest (<see cref="Job.NotBefore"/> at or before now, ties
    /// by age) whose lock key no other unexpired lease holds: one writer per lock key across every
    /// instance on the same database. An expired lease is free again. Each lease increments
    /// <see cref="Job.Attempt"/>.
    /// </summary>
    /// <returns>The lease, or <see langword="null"/> when no job can be leased now.</returns>
    Task<JobLease?> TryLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends a lease to now + <paramref name="duration"/>. Fails once the lease has expired or the
    /// job is gone or leased again: an expired lease's lock key may already have another writer.
    /// </summary>
    /// <returns><see langword="false"/> when the lease was lost; stop working on the job.</returns>
    Task<bool> RenewAsync(JobLease lease, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Deletes the job, only if this lease still holds it (nobody leased it since).</summary>
    Task CompleteAsync(JobLease lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Releases the lease and keeps the job for a later attempt at <paramref name="notBefore"/>, with
    /// <paramref name="error"/> as its <see cref="Job.LastError"/>; only if this lease still holds it.
    /// </summary>
    Task RetryAsync(JobLease lease, DateTimeOffset notBefore, string error, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="RetryAsync"/>, but the attempt the lease took is not counted: the job was put
    /// off (GitHub's rate-limit budget is short), not failed, so delays never bring it nearer to
    /// being given up.
    /// </summary>
    Task DeferAsync(JobLease lease, DateTimeOffset notBefore, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// At most <paramref name="limit"/> queued jobs (waiting or leased), the one due first first
    /// (<see cref="Job.NotBefore"/>, then id), each with its <see cref="Job.LastError"/>.
    /// </summary>
    Task<IReadOnlyList<Job>> ListJobsAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>A snapshot of the queue at the store's current time.</summary>
    Task<QueueStats> GetQueueStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>Records an installation of the App and the account it is installed on.</summary>
    Task UpsertInstallationAsync(long installationId, string account, CancellationToken cancellationToken = default);

    /// <summary>Forgets an installation and its repositories (with their tracked images).</summary>
    Task DeleteInstallationAsync(long installationId, CancellationToken cancellationToken = default);

    /// <summary>The account an installation is on, or <see langword="null"/> when it is unknown.</summary>
    Task<string?> GetInstallationAccountAsync(long installationId, CancellationToken cancellationToken = default);

    /// <summary>Every known installation id, ascending.</summary>
    Task<IReadOnlyList<long>> ListInstallationsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a repository, replacing what was stored under its name (its installation and tracked
    /// images included). The installation need not be recorded first.
    /// </summary>
    Task SetRepositoryAsync(RepositoryRecord repository, CancellationToken cancellationToken = default);

    /// <summary>Forgets a repository and its tracked images.</summary>
    Task RemoveRepositoryAsync(string repository, CancellationToken cancellationToken = default);

    /// <summary>The repository with that name, or <see langword="null"/>.</summary>
    Task<RepositoryRecord?> GetRepositoryAsync(string repository, CancellationToken cancellationToken = default);

    /// <summary>The repositories of an installation, ordered by name.</summary>
    Task<IReadOnlyList<RepositoryRecord>> ListRepositoriesAsync(long installationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The repositories of <paramref name="installationId"/> whose config tracks
    /// <paramref name="imageName"/>, ordered by name. Tenant isolation: a repository of another
    /// installation is never returned, whatever it tracks.
    /// </summary>
    Task<IReadOnlyList<RepositoryRecord>> FindRepositoriesTrackingAsync(long installationId, string imageName, CancellationToken cancellationToken = default);

    /// <summary>Stores the pull request of a target, replacing the one stored for it.</summary>
    Task SetPullRequestAsync(PullRequestRecord pullRequest, CancellationToken cancellationToken = default);

    /// <summary>The pull request of a target, or <see langword="null"/>.</summary>
    Task<PullRequestRecord?> GetPullRequestAsync(TargetKey target, CancellationToken cancellationToken = default);

    /// <summary>The stored pull request with that number in that repository (as a pull-request webhook names it), or <see langword="null"/>.</summary>
    Task<PullRequestRecord?> FindPullRequestAsync(string repository, int number, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored pull requests, of one <see cref="PullRequestRecord.State"/> (<c>open</c>, <c>closed</c>,
    /// <c>merged</c>) or all when <paramref name="state"/> is null, ordered by repository, environment,
    /// installation and base branch.
    /// </summary>
    Task<IReadOnlyList<PullRequestRecord>> ListPullRequestsAsync(string? state, CancellationToken cancellationToken = default);

    /// <summary>Stores a control of a target, replacing the one of the same kind and image.</summary>
    Task SetTargetControlAsync(TargetKey target, TargetControl control, CancellationToken cancellationToken = default);

    /// <summary>The controls of a target, ordered by kind and image name.</summary>
    Task<IReadOnlyList<TargetControl>> GetTargetControlsAsync(TargetKey target, CancellationToken cancellationToken = default);

    /// <summary>Removes a target's controls of one kind (of one image, or all images when <paramref name="imageName"/> is null).</summary>
    /// <returns>How many were removed.</returns>
    Task<int> RemoveTargetControlsAsync(TargetKey target, string kind, string? imageName, CancellationToken cancellationToken = default);
}
