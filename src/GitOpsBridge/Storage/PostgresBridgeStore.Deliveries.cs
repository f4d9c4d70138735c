using Npgsql;

namespace GitOpsBridge.Storage;

public sealed partial class PostgresBridgeStore
{
    private const string DeliveryColumns = StorageRows.DeliveryColumns;

    private const string InsertDeliverySql =
        $"""
        INSERT INTO deliveries ({DeliveryColumns}, body)
        VALUES (@id, @source, @event, @received_at, @status, @reason_code, @reason, @body_sha256, @installation_id, @trace_id, @headers, @body)
        ON CONFLICT (id) DO NOTHING;
        """;

    /// <inheritdoc />
    public async Task<InsertDeliveryResult> InsertDeliveryAsync(DeliveryRecord delivery, string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(body);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await InsertDeliveryAsync(connection, null, delivery, body, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One transaction per call: PostgreSQL commits concurrent transactions together on its own,
    /// so the group commit SQLite needs buys little here. The write runs to the end whatever
    /// <paramref name="cancellationToken"/> does; only the wait for it is cancelled.
    /// </remarks>
    public Task<InsertDeliveryResult> InsertDeliveryAndEnqueueAsync(DeliveryRecord delivery, string body, JobKind kind, string lockKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(lockKey);
        return InsertAndEnqueueAsync(delivery, body, kind, lockKey).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> GetDeliveryAsync(string id, CancellationToken cancellationToken = default)
    {
        var deliveries = await QueryAsync($"SELECT {DeliveryColumns} FROM deliveries WHERE id = @id;", c => c.With("id", id), StorageRows.Delivery, cancellationToken)
            .ConfigureAwait(false);
        return deliveries.Count == 0 ? null : deliveries[0];
    }

    /// <inheritdoc />
    public async Task<string?> GetDeliveryBodyAsync(string id, CancellationToken cancellationToken = default) =>
        (string?)await ScalarAsync("SELECT body FROM deliveries WHERE id = @id;", c => c.With("id", id), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeliveryRecord>> ListDeliveriesAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await QueryAsync(
            $"SELECT {DeliveryColumns} FROM deliveries ORDER BY received_at DESC, seq DESC LIMIT @limit;",
            c => c.With("limit", limit),
            StorageRows.Delivery,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task SetDeliveryStatusAsync(string id, DeliveryStatus status, string? reasonCode, string? reason, CancellationToken cancellationToken = default) =>
        ExecuteAsync(
            "UPDATE deliveries SET status = @status, reason_code = @reason_code, reason = @reason WHERE id = @id;",
            c => c.With("id", id).With("status", StorageText.From(status)).With("reason_code", reasonCode).With("reason", reason),
            cancellationToken);

    /// <inheritdoc />
    public Task AddTargetOutcomeAsync(string deliveryId, TargetOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return ExecuteAsync(
            """
            INSERT INTO delivery_targets
                (delivery_id, repository, environment, status, reason_code, reason, pr_number, pr_url, pr_action, recorded_at)
            VALUES (@delivery_id, @repository, @environment, @status, @reason_code, @reason, @pr_number, @pr_url, @pr_action, @now)
            ON CONFLICT (delivery_id, repository, environment) DO UPDATE SET
                status = excluded.status,
                reason_code = excluded.reason_code,
                reason = excluded.reason,
                pr_number = excluded.pr_number,
                pr_url = excluded.pr_url,
                pr_action = excluded.pr_action,
                recorded_at = excluded.recorded_at;
            """,
            c => c.With("delivery_id", deliveryId)
                .With("repository", outcome.Repository)
                .With("environment", outcome.Environment)
                .With("status", StorageText.From(outcome.Status))
                .With("reason_code", outcome.ReasonCode)
                .With("reason", outcome.Reason)
                .With("pr_number", outcome.PullRequestNumber)
                .With("pr_url", outcome.PullRequestUrl)
                .With("pr_action", outcome.PullRequestAction)
                .With("now", NowMilliseconds()),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TargetOutcome>> GetTargetOutcomesAsync(string deliveryId, CancellationToken cancellationToken = default) =>
        await QueryAsync(
            $"""
            SELECT {StorageRows.OutcomeColumns}
            FROM delivery_targets WHERE delivery_id = @delivery_id
            ORDER BY repository, environment;
            """,
            c => c.With("delivery_id", deliveryId),
            StorageRows.Outcome,
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListPendingDeliveriesAsync(string repository, string environment, CancellationToken cancellationToken = default) =>
        await QueryAsync(
            """
            SELECT delivery_id FROM delivery_targets
            WHERE repository = @repository AND environment = @environment AND status = @pending
            ORDER BY recorded_at, delivery_id;
            """,
            c => c.With("repository", repository).With("environment", environment).With("pending", StorageText.From(DeliveryStatus.Pending)),
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long> CountDeliveriesAsync(CancellationToken cancellationToken = default) =>
        (long)(await ScalarAsync("SELECT COUNT(*) FROM deliveries;", NoParameters, cancellationToken).ConfigureAwait(false))!;

    /// <inheritdoc />
    public async Task<string?> ClaimImageEventAsync(long installationId, string imageName, string? tag, string? digest, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageName);
        ArgumentNullException.ThrowIfNull(deliveryId);

        // A concurrent claim of the same event waits in ON CONFLICT for the first to commit, then
        // inserts nothing. Claims are never deleted, so the claim it ran into is there for the read.
        void Parameters(NpgsqlCommand c) => c
            .With("installation_id", installationId)
            .With("image_name", imageName)
            .With("tag", tag ?? string.Empty)
            .With("digest", digest ?? string.Empty)
            .With("delivery_id", deliveryId)
            .With("now", NowMilliseconds());

        var inserted = await ExecuteAsync(
            """
            INSERT INTO image_events (installation_id, image_name, tag, digest, delivery_id, claimed_at)
            VALUES (@installation_id, @image_name, @tag, @digest, @delivery_id, @now)
            ON CONFLICT (installation_id, image_name, tag, digest) DO NOTHING;
            """,
            Parameters,
            cancellationToken).ConfigureAwait(false);
        if (inserted == 1)
        {
            return null;
        }

        var holder = (string?)await ScalarAsync(
            """
            SELECT delivery_id FROM image_events
            WHERE installation_id = @installation_id AND image_name = @image_name AND tag = @tag AND digest = @digest;
            """,
            Parameters,
            cancellationToken).ConfigureAwait(false);
        return string.Equals(holder, deliveryId, StringComparison.Ordinal) ? null : holder;
    }

    private async Task<InsertDeliveryResult> InsertAndEnqueueAsync(DeliveryRecord delivery, string body, JobKind kind, string lockKey)
    {
        // Not cancellable once started: a caller that gave up must not leave a delivery without its job.
        await using var connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        var result = await InsertDeliveryAsync(connection, transaction, delivery, body, CancellationToken.None).ConfigureAwait(false);
        if (result == InsertDeliveryResult.Inserted)
        {
            await EnqueueAsync(connection, transaction, kind, delivery.Id, lockKey, delivery.ReceivedAt, delivery.TraceId, CancellationToken.None).ConfigureAwait(false);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    private static async Task<InsertDeliveryResult> InsertDeliveryAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, DeliveryRecord delivery, string body, CancellationToken cancellationToken)
    {
        // A concurrent insert of the same id waits here for the other to commit, then does nothing.
        // Deliveries are never deleted, so a conflict found here stays true for the read below.
        await using (var insert = connection.Command(InsertDeliverySql, transaction)
            .With("id", delivery.Id)
            .With("source", delivery.Source)
            .With("event", delivery.Event)
            .With("received_at", delivery.ReceivedAt.ToUnixTimeMilliseconds())
            .With("status", StorageText.From(delivery.Status))
            .With("reason_code", delivery.ReasonCode)
            .With("reason", delivery.Reason)
            .With("body_sha256", delivery.BodySha256)
            .With("installation_id", delivery.InstallationId)
            .With("trace_id", delivery.TraceId)
            .With("headers", delivery.Headers)
            .With("body", body))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return InsertDeliveryResult.Inserted;
            }
        }

        await using var read = connection.Command("SELECT body_sha256 FROM deliveries WHERE id = @id;", transaction).With("id", delivery.Id);
        var stored = (string?)await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return string.Equals(stored, delivery.BodySha256, StringComparison.Ordinal)
            ? InsertDeliveryResult.Duplicate
            : InsertDeliveryResult.Conflict;
    }
}
