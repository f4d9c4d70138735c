using Npgsql;

namespace GitOpsBridge.Storage;

public sealed partial class PostgresBridgeStore
{
    /// <summary>Lock keys one lease attempt passes over (held elsewhere) before it gives up until the next poll.</summary>
    private const int MaxLockKeysTried = 16;

    // As in SQLite: a lease is held while lease_owner is set and lease_expires_at is in the future;
    // it is named by (id, owner, attempt), and the attempt changes on every lease.
    private const string IsWaiting = "(lease_owner IS NULL OR lease_expires_at <= @now)";
    private const string IsLeased = "(lease_owner IS NOT NULL AND lease_expires_at > @now)";
    private const string HoldsLease = "id = @id AND lease_owner = @owner AND attempt = @attempt";

    /// <inheritdoc />
    public async Task EnqueueAsync(JobKind kind, string key, string lockKey, DateTimeOffset notBefore, string? traceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(lockKey);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await EnqueueAsync(connection, transaction, kind, key, lockKey, notBefore, traceId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Per candidate: the job row is locked <c>FOR UPDATE SKIP LOCKED</c> (a job another replica is
    /// leasing right now is passed over, never waited for), then the lock key's advisory lock is
    /// tried; only with it held is "no unexpired lease on this lock key" checked, in a statement of
    /// its own. Every lease of a lock key is written under that advisory lock, and it is released
    /// only once the writer's commit is visible, so the check cannot miss a lease another replica
    /// has just committed. Both locks end with the transaction.
    /// </remarks>
    public async Task<JobLease?> TryLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = NowMilliseconds();
        var expires = now + (long)Math.Ceiling(duration.TotalMilliseconds);

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var passedOver = new List<string>();
        while (passedOver.Count < MaxLockKeysTried)
        {
            var candidate = await NextCandidateAsync(connection, transaction, now, passedOver, cancellationToken).ConfigureAwait(false);
            if (candidate is not { } job)
            {
                return null;
            }

            if (!await TryLockKeyAsync(connection, transaction, job.LockKey, cancellationToken).ConfigureAwait(false)
                || await LockKeyLeasedAsync(connection, transaction, job.LockKey, now, cancellationToken).ConfigureAwait(false))
            {
                passedOver.Add(job.LockKey);
                continue;
            }

            await using (var lease = connection.Command(
                $"UPDATE jobs SET lease_owner = @owner, lease_expires_at = @expires, attempt = attempt + 1 WHERE id = @id AND {IsWaiting};",
                transaction)
                .With("id", job.Id)
                .With("owner", owner)
                .With("expires", expires)
                .With("now", now))
            {
                if (await lease.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    // The row is locked by this transaction; refuse rather than hand out a lease we do not hold.
                    return null;
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new JobLease(job with { Attempt = job.Attempt + 1 }, owner, DateTimeOffset.FromUnixTimeMilliseconds(expires));
        }

        return null;
    }

    /// <inheritdoc />
    public async Task<bool> RenewAsync(JobLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = NowMilliseconds();

        // An expired lease is not revived: its lock key may already have another writer.
        return await ExecuteAsync(
            $"UPDATE jobs SET lease_expires_at = @expires WHERE {HoldsLease} AND lease_expires_at > @now;",
            c => WithLease(c, lease).With("now", now).With("expires", now + (long)Math.Ceiling(duration.TotalMilliseconds)),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public Task CompleteAsync(JobLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return ExecuteAsync($"DELETE FROM jobs WHERE {HoldsLease};", c => WithLease(c, lease), cancellationToken);
    }

    /// <inheritdoc />
    public Task RetryAsync(JobLease lease, DateTimeOffset notBefore, string error, CancellationToken cancellationToken = default) =>
        ReleaseForLaterAsync(lease, notBefore, error, "attempt", cancellationToken);

    /// <inheritdoc />
    public Task DeferAsync(JobLease lease, DateTimeOffset notBefore, string reason, CancellationToken cancellationToken = default) =>
        ReleaseForLaterAsync(lease, notBefore, reason, "attempt - 1", cancellationToken);

    private Task ReleaseForLaterAsync(JobLease lease, DateTimeOffset notBefore, string error, string attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return ExecuteAsync(
            $"""
            UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, not_before = @not_before, last_error = @error, attempt = {attempt}
            WHERE {HoldsLease};
            """,
            c => WithLease(c, lease).With("not_before", notBefore.ToUnixTimeMilliseconds()).With("error", error),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<QueueStats> GetQueueStatsAsync(CancellationToken cancellationToken = default)
    {
        var now = NowMilliseconds();
        var stats = await QueryAsync(
            $"""
            SELECT
                COUNT(CASE WHEN {IsWaiting} THEN 1 END)::integer,
                COUNT(CASE WHEN {IsLeased} THEN 1 END)::integer,
                COUNT(CASE WHEN {IsWaiting} AND (attempt > 0 OR last_error IS NOT NULL) THEN 1 END)::integer,
                MIN(CASE WHEN {IsWaiting} AND not_before <= @now THEN not_before END)
            FROM jobs;
            """,
            c => c.With("now", now),
            r => new QueueStats(
                r.GetInt32(0),
                r.GetInt32(1),
                r.GetInt32(2),
                r.GetNullableInt64(3) is { } due ? TimeSpan.FromMilliseconds(now - due) : TimeSpan.Zero),
            cancellationToken).ConfigureAwait(false);
        return stats[0];
    }

    /// <summary>Coalesces into a waiting job of that kind and key, or adds one; inside the caller's transaction.</summary>
    private async Task EnqueueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, JobKind kind, string key, string lockKey, DateTimeOffset notBefore, string? traceId, CancellationToken cancellationToken)
    {
        var kindText = StorageText.From(kind);

        // Two replicas enqueuing the same kind and key would otherwise both find nothing waiting and both add a job.
        await using (var turn = connection.Command("SELECT pg_advisory_xact_lock(@space, hashtext(@kind || ':' || @key));", transaction)
            .With("space", JobKeySpace)
            .With("kind", kindText)
            .With("key", key))
        {
            await turn.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Coalesce only into a job nobody has leased: one with an expired lease may still be running
        // on what it read before this event. lease_owner is checked again on the row itself, as a
        // replica may lease it between the subquery's read and the update.
        await using (var coalesce = connection.Command(
            """
            UPDATE jobs SET not_before = LEAST(not_before, @not_before)
            WHERE id = (SELECT id FROM jobs WHERE kind = @kind AND key = @key AND lease_owner IS NULL ORDER BY id LIMIT 1)
              AND lease_owner IS NULL;
            """,
            transaction)
            .With("kind", kindText)
            .With("key", key)
            .With("not_before", notBefore.ToUnixTimeMilliseconds()))
        {
            if (await coalesce.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return;
            }
        }

        await using var insert = connection.Command(
            """
            INSERT INTO jobs (kind, key, lock_key, attempt, trace_id, not_before, enqueued_at)
            VALUES (@kind, @key, @lock_key, 0, @trace_id, @not_before, @now);
            """,
            transaction)
            .With("kind", kindText)
            .With("key", key)
            .With("lock_key", lockKey)
            .With("trace_id", traceId)
            .With("not_before", notBefore.ToUnixTimeMilliseconds())
            .With("now", NowMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The due, waiting job that has waited longest, of a lock key not passed over and not leased as
    /// of this statement, locked for this transaction; jobs another transaction has locked are skipped.
    /// </summary>
    private static async Task<Job?> NextCandidateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long now, List<string> passedOver, CancellationToken cancellationToken)
    {
        await using var select = connection.Command(
            $"""
            SELECT {StorageRows.JobColumns}
            FROM jobs AS j
            WHERE j.not_before <= @now
              AND {IsWaiting}
              AND j.lock_key <> ALL (@passed_over)
              AND NOT EXISTS (
                  SELECT 1 FROM jobs AS held
                  WHERE held.lock_key = j.lock_key AND held.lease_owner IS NOT NULL AND held.lease_expires_at > @now)
            ORDER BY j.not_before, j.id
            LIMIT 1
            FOR UPDATE OF j SKIP LOCKED;
            """,
            transaction)
            .With("now", now)
            .With("passed_over", passedOver.ToArray());
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return StorageRows.Job(reader);
    }

    /// <summary>Takes the lock key's advisory lock for this transaction, without waiting; false when another transaction holds it.</summary>
    private static async Task<bool> TryLockKeyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string lockKey, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT pg_try_advisory_xact_lock(@space, hashtext(@lock_key));", transaction)
            .With("space", LockKeySpace)
            .With("lock_key", lockKey);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Whether a job of the lock key holds an unexpired lease; a statement of its own, so its snapshot is taken after the advisory lock.</summary>
    private static async Task<bool> LockKeyLeasedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string lockKey, long now, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            $"SELECT EXISTS (SELECT 1 FROM jobs WHERE lock_key = @lock_key AND {IsLeased});", transaction)
            .With("lock_key", lockKey)
            .With("now", now);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static NpgsqlCommand WithLease(NpgsqlCommand command, JobLease lease) => command
        .With("id", lease.Job.Id)
        .With("owner", lease.Owner)
        .With("attempt", lease.Job.Attempt);
}
