using Microsoft.Data.Sqlite;

namespace GitOpsBridge.Storage;

public sealed partial class SqliteBridgeStore
{
    // A lease is held while lease_owner is set and lease_expires_at is in the future; a job whose
    // lease has expired is waiting again. A lease is named by (id, owner, attempt): the attempt
    // changes on every lease, so a worker that lost its lease cannot touch the one that replaced it.
    private const string IsWaiting = "(lease_owner IS NULL OR lease_expires_at <= $now)";
    private const string IsLeased = "(lease_owner IS NOT NULL AND lease_expires_at > $now)";
    private const string HoldsLease = "id = $id AND lease_owner = $owner AND attempt = $attempt";

    // Enqueue is these two in one transaction: coalesce into a waiting job, else add one.
    private const string CoalesceJobSql =
        """
        UPDATE jobs SET not_before = MIN(not_before, $not_before)
        WHERE id = (SELECT id FROM jobs WHERE kind = $kind AND key = $key AND lease_owner IS NULL ORDER BY id LIMIT 1);
        """;

    private const string InsertJobSql =
        """
        INSERT INTO jobs (kind, key, lock_key, attempt, trace_id, not_before, enqueued_at)
        VALUES ($kind, $key, $lock_key, 0, $trace_id, $not_before, $now);
        """;

    /// <inheritdoc />
    public async Task EnqueueAsync(JobKind kind, string key, string lockKey, DateTimeOffset notBefore, string? traceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(lockKey);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = BeginImmediate(connection);

        // Coalesce only into a job nobody has leased. One with an expired lease may still be
        // running on what it read before this event, and would be completed as if it had seen it.
        await using (var coalesce = connection.Command(CoalesceJobSql, transaction)
            .With("$kind", StorageText.From(kind))
            .With("$key", key)
            .With("$not_before", notBefore.ToUnixMilliseconds()))
        {
            if (await coalesce.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        await using (var insert = connection.Command(InsertJobSql, transaction)
            .With("$kind", StorageText.From(kind))
            .With("$key", key)
            .With("$lock_key", lockKey)
            .With("$trace_id", traceId)
            .With("$not_before", notBefore.ToUnixMilliseconds())
            .With("$now", NowMilliseconds()))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<JobLease?> TryLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = NowMilliseconds();
        var expires = now + (long)Math.Ceiling(duration.TotalMilliseconds);

        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // The write lock is taken before the candidate is chosen, so no other connection, in this
        // process or another, can lease it or another job of its lock key in between.
        await using var transaction = BeginImmediate(connection);
        Job? job = null;
        await using (var select = connection.Command(
            $"""
            SELECT {StorageRows.JobColumns}
            FROM jobs AS j
            WHERE j.not_before <= $now
              AND {IsWaiting}
              AND NOT EXISTS (
                  SELECT 1 FROM jobs AS held
                  WHERE held.lock_key = j.lock_key AND held.lease_owner IS NOT NULL AND held.lease_expires_at > $now)
            ORDER BY j.not_before, j.id
            LIMIT 1;
            """, transaction)
            .With("$now", now))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var stored = StorageRows.Job(reader);
                job = stored with { Attempt = stored.Attempt + 1 };
            }
        }

        if (job is null)
        {
            return null;
        }

        await using (var lease = connection.Command(
            $"UPDATE jobs SET lease_owner = $owner, lease_expires_at = $expires, attempt = attempt + 1 WHERE id = $id AND {IsWaiting};",
            transaction)
            .With("$id", job.Id)
            .With("$owner", owner)
            .With("$expires", expires)
            .With("$now", now))
        {
            if (await lease.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                // Cannot happen under the write lock; refuse rather than hand out a lease we do not hold.
                return null;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new JobLease(job, owner, DateTimeOffset.FromUnixTimeMilliseconds(expires));
    }

    /// <inheritdoc />
    public async Task<bool> RenewAsync(JobLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = NowMilliseconds();
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // An expired lease is not revived: its lock key may already have another writer.
        await using var command = WithLease(connection.Command(
            $"UPDATE jobs SET lease_expires_at = $expires WHERE {HoldsLease} AND lease_expires_at > $now;"), lease)
            .With("$now", now)
            .With("$expires", now + (long)Math.Ceiling(duration.TotalMilliseconds));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task CompleteAsync(JobLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = WithLease(connection.Command($"DELETE FROM jobs WHERE {HoldsLease};"), lease);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task RetryAsync(JobLease lease, DateTimeOffset notBefore, string error, CancellationToken cancellationToken = default) =>
        ReleaseForLaterAsync(lease, notBefore, error, "attempt", cancellationToken);

    /// <inheritdoc />
    public Task DeferAsync(JobLease lease, DateTimeOffset notBefore, string reason, CancellationToken cancellationToken = default) =>
        ReleaseForLaterAsync(lease, notBefore, reason, "attempt - 1", cancellationToken);

    private async Task ReleaseForLaterAsync(JobLease lease, DateTimeOffset notBefore, string error, string attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = WithLease(connection.Command(
            $"""
            UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, not_before = $not_before, last_error = $error, attempt = {attempt}
            WHERE {HoldsLease};
            """), lease)
            .With("$not_before", notBefore.ToUnixMilliseconds())
            .With("$error", error);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<QueueStats> GetQueueStatsAsync(CancellationToken cancellationToken = default)
    {
        var now = NowMilliseconds();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            $"""
            SELECT
                COUNT(CASE WHEN {IsWaiting} THEN 1 END),
                COUNT(CASE WHEN {IsLeased} THEN 1 END),
                COUNT(CASE WHEN {IsWaiting} AND (attempt > 0 OR last_error IS NOT NULL) THEN 1 END),
                MIN(CASE WHEN {IsWaiting} AND not_before <= $now THEN not_before END)
            FROM jobs;
            """)
            .With("$now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var oldestDue = reader.GetNullableInt64(3);
        return new QueueStats(
            reader.GetInt32(0),
            reader.GetInt32(1),
            reader.GetInt32(2),
            oldestDue is { } due ? TimeSpan.FromMilliseconds(now - due) : TimeSpan.Zero);
    }

    private static SqliteCommand WithLease(SqliteCommand command, JobLease lease) => command
        .With("$id", lease.Job.Id)
        .With("$owner", lease.Owner)
        .With("$attempt", lease.Job.Attempt);
}
