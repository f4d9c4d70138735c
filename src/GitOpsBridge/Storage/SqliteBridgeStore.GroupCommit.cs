using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace GitOpsBridge.Storage;

/// <summary>
/// Group commit for <see cref="InsertDeliveryAndEnqueueAsync"/>. Each caller queues its delivery and
/// waits for the group writer; whoever holds the writer writes everything queued so far in one
/// <c>BEGIN IMMEDIATE</c> transaction with statements prepared once. One caller alone pays for one
/// small transaction, as before; under load the cost of taking the write lock, committing and
/// writing the WAL frames is shared by every delivery in the group, and callers wait on a
/// semaphore instead of sleeping in SQLite's busy handler.
/// </summary>
public sealed partial class SqliteBridgeStore
{
    /// <summary>Most deliveries in one transaction: bounds how long the lock is held and the last one waits.</summary>
    private const int MaxGroupSize = 256;

    private readonly ConcurrentQueue<QueuedDelivery> _queuedDeliveries = new();
    private readonly SemaphoreSlim _groupWriter = new(1, 1);

    /// <inheritdoc />
    public async Task<InsertDeliveryResult> InsertDeliveryAndEnqueueAsync(DeliveryRecord delivery, string body, JobKind kind, string lockKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(lockKey);
        var queued = new QueuedDelivery(delivery, body, kind, lockKey);
        _queuedDeliveries.Enqueue(queued);

        // Not cancellable: a group holds other callers' deliveries too, and a queued delivery must
        // not wait for a later caller to be written.
        await _groupWriter.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            // A writer before us may have written ours with its group; groups go in queue order.
            while (!queued.Result.Task.IsCompleted)
            {
                await WriteGroupAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _groupWriter.Release();
        }

        return await queued.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes up to <see cref="MaxGroupSize"/> queued deliveries in one transaction. Never throws: a failure goes to each caller in the group.</summary>
    private async Task WriteGroupAsync()
    {
        var group = new List<QueuedDelivery>();
        while (group.Count < MaxGroupSize && _queuedDeliveries.TryDequeue(out var next))
        {
            group.Add(next);
        }

        if (group.Count == 0)
        {
            return;
        }

        try
        {
            var results = await WriteAsync(group).ConfigureAwait(false);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Result.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            // The group's boundary: every caller in it gets the failure (nothing was committed), none hangs.
            foreach (var queued in group)
            {
                queued.Result.TrySetException(ex);
            }
        }
    }

    private async Task<InsertDeliveryResult[]> WriteAsync(List<QueuedDelivery> group)
    {
        var results = new InsertDeliveryResult[group.Count];
        using var turn = await EnterWriteAsync(CancellationToken.None).ConfigureAwait(false);
        await using var connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = BeginImmediate(connection);
        await using var insert = Prepare(connection, InsertDeliverySql, transaction,
            "$id", "$source", "$event", "$received_at", "$status", "$reason_code", "$reason", "$body_sha256", "$installation_id", "$trace_id", "$headers", "$body");
        await using var storedSha = Prepare(connection, StoredBodyShaSql, transaction, "$id");
        await using var coalesce = Prepare(connection, CoalesceJobSql, transaction, "$kind", "$key", "$not_before");
        await using var enqueue = Prepare(connection, InsertJobSql, transaction, "$kind", "$key", "$lock_key", "$trace_id", "$not_before", "$now");
        var now = NowMilliseconds();

        for (var i = 0; i < group.Count; i++)
        {
            var (delivery, body, kind, lockKey) = (group[i].Delivery, group[i].Body, group[i].Kind, group[i].LockKey);
            Set(insert, "$id", delivery.Id);
            Set(insert, "$source", delivery.Source);
            Set(insert, "$event", delivery.Event);
            Set(insert, "$received_at", delivery.ReceivedAt.ToUnixMilliseconds());
            Set(insert, "$status", StorageText.From(delivery.Status));
            Set(insert, "$reason_code", delivery.ReasonCode);
            Set(insert, "$reason", delivery.Reason);
            Set(insert, "$body_sha256", delivery.BodySha256);
            Set(insert, "$installation_id", delivery.InstallationId);
            Set(insert, "$trace_id", delivery.TraceId);
            Set(insert, "$headers", delivery.Headers);
            Set(insert, "$body", body);
            if (await insert.ExecuteNonQueryAsync().ConfigureAwait(false) != 1)
            {
                // Stored before, or earlier in this group: the same body is a duplicate, another a conflict.
                Set(storedSha, "$id", delivery.Id);
                var stored = (string?)await storedSha.ExecuteScalarAsync().ConfigureAwait(false);
                results[i] = string.Equals(stored, delivery.BodySha256, StringComparison.Ordinal) ? InsertDeliveryResult.Duplicate : InsertDeliveryResult.Conflict;
                continue;
            }

            results[i] = InsertDeliveryResult.Inserted;
            var kindText = StorageText.From(kind);
            var notBefore = delivery.ReceivedAt.ToUnixMilliseconds();
            Set(coalesce, "$kind", kindText);
            Set(coalesce, "$key", delivery.Id);
            Set(coalesce, "$not_before", notBefore);
            if (await coalesce.ExecuteNonQueryAsync().ConfigureAwait(false) == 1)
            {
                continue;
            }

            Set(enqueue, "$kind", kindText);
            Set(enqueue, "$key", delivery.Id);
            Set(enqueue, "$lock_key", lockKey);
            Set(enqueue, "$trace_id", delivery.TraceId);
            Set(enqueue, "$not_before", notBefore);
            Set(enqueue, "$now", now);
            await enqueue.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        return results;
    }

    /// <summary>A command run once per delivery of a group: its parameters are made once and its statement is prepared on first use and reused.</summary>
    private static SqliteCommand Prepare(SqliteConnection connection, string sql, SqliteTransaction transaction, params string[] parameters)
    {
        var command = connection.Command(sql, transaction);
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Set(SqliteCommand command, string name, object? value) => command.Parameters[name].Value = value ?? DBNull.Value;

    private sealed class QueuedDelivery(DeliveryRecord delivery, string body, JobKind kind, string lockKey)
    {
        public DeliveryRecord Delivery { get; } = delivery;

        public string Body { get; } = body;

        public JobKind Kind { get; } = kind;

        public string LockKey { get; } = lockKey;

        public TaskCompletionSource<InsertDeliveryResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
