using Microsoft.Data.Sqlite;

namespace GitOpsBridge.Storage;

public sealed partial class SqliteBridgeStore
{
    private const string DeliveryColumns = StorageRows.DeliveryColumns;

    private const string InsertDeliverySql =
        $"""
        INSERT INTO deliveries ({DeliveryColumns}, body)
        VALUES ($id, $source, $event, $received_at, $status, $reason_code, $reason, $body_sha256, $installation_id, $trace_id, $headers, $body)
        ON CONFLICT (id) DO NOTHING;
        """;

    private const string StoredBodyShaSql = "SELECT body_sha256 FROM deliveries WHERE id = $id;";

    /// <inheritdoc />
    public async Task<InsertDeliveryResult> InsertDeliveryAsync(DeliveryRecord delivery, string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(body);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // Deliveries are never deleted, so a conflict found here stays true for the read below.
        await using (var insert = connection.Command(InsertDeliverySql)
            .With("$id", delivery.Id)
            .With("$source", delivery.Source)
            .With("$event", delivery.Event)
            .With("$received_at", delivery.ReceivedAt.ToUnixMilliseconds())
            .With("$status", StorageText.From(delivery.Status))
            .With("$reason_code", delivery.ReasonCode)
            .With("$reason", delivery.Reason)
            .With("$body_sha256", delivery.BodySha256)
            .With("$installation_id", delivery.InstallationId)
            .With("$trace_id", delivery.TraceId)
            .With("$headers", delivery.Headers)
            .With("$body", body))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return InsertDeliveryResult.Inserted;
            }
        }

        await using var read = connection.Command(StoredBodyShaSql).With("$id", delivery.Id);
        var stored = (string?)await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return string.Equals(stored, delivery.BodySha256, StringComparison.Ordinal)
            ? InsertDeliveryResult.Duplicate
            : InsertDeliveryResult.Conflict;
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> GetDeliveryAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {DeliveryColumns} FROM deliveries WHERE id = $id;").With("$id", id);
        var deliveries = await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
        return deliveries.Count == 0 ? null : deliveries[0];
    }

    /// <inheritdoc />
    public async Task<string?> GetDeliveryBodyAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT body FROM deliveries WHERE id = $id;").With("$id", id);
        return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeliveryRecord>> ListDeliveriesAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // rowid breaks ties between deliveries received in the same millisecond: the later insert first.
        await using var command = connection.Command(
            $"SELECT {DeliveryColumns} FROM deliveries ORDER BY received_at DESC, rowid DESC LIMIT $limit;")
            .With("$limit", limit);
        return await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SetDeliveryStatusAsync(string id, DeliveryStatus status, string? reasonCode, string? reason, CancellationToken cancellationToken = default)
    {
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            "UPDATE deliveries SET status = $status, reason_code = $reason_code, reason = $reason WHERE id = $id;")
            .With("$id", id)
            .With("$status", StorageText.From(status))
            .With("$reason_code", reasonCode)
            .With("$reason", reason);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AddTargetOutcomeAsync(string deliveryId, TargetOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            INSERT INTO delivery_targets
                (delivery_id, repository, environment, status, reason_code, reason, pr_number, pr_url, pr_action, recorded_at)
            VALUES ($delivery_id, $repository, $environment, $status, $reason_code, $reason, $pr_number, $pr_url, $pr_action, $now)
            ON CONFLICT (delivery_id, repository, environment) DO UPDATE SET
                status = excluded.status,
                reason_code = excluded.reason_code,
                reason = excluded.reason,
                pr_number = excluded.pr_number,
                pr_url = excluded.pr_url,
                pr_action = excluded.pr_action,
                recorded_at = excluded.recorded_at;
            """)
            .With("$delivery_id", deliveryId)
            .With("$repository", outcome.Repository)
            .With("$environment", outcome.Environment)
            .With("$status", StorageText.From(outcome.Status))
            .With("$reason_code", outcome.ReasonCode)
            .With("$reason", outcome.Reason)
            .With("$pr_number", outcome.PullRequestNumber)
            .With("$pr_url", outcome.PullRequestUrl)
            .With("$pr_action", outcome.PullRequestAction)
            .With("$now", NowMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TargetOutcome>> GetTargetOutcomesAsync(string deliveryId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            $"""
            SELECT {StorageRows.OutcomeColumns}
            FROM delivery_targets WHERE delivery_id = $delivery_id
            ORDER BY repository, environment;
            """)
            .With("$delivery_id", deliveryId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var outcomes = new List<TargetOutcome>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            outcomes.Add(StorageRows.Outcome(reader));
        }

        return outcomes;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListPendingDeliveriesAsync(string repository, string environment, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            SELECT delivery_id FROM delivery_targets
            WHERE repository = $repository AND environment = $environment AND status = $pending
            ORDER BY recorded_at, delivery_id;
            """)
            .With("$repository", repository)
            .With("$environment", environment)
            .With("$pending", StorageText.From(DeliveryStatus.Pending));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <inheritdoc />
    public async Task<long> CountDeliveriesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT COUNT(*) FROM deliveries;");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task<string?> ClaimImageEventAsync(long installationId, string imageName, string? tag, string? digest, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageName);
        ArgumentNullException.ThrowIfNull(deliveryId);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // Claims are never deleted, so the claim the insert ran into is still there for the read.
        await using (var insert = connection.Command(
            """
            INSERT INTO image_events (installation_id, image_name, tag, digest, delivery_id, claimed_at)
            VALUES ($installation_id, $image_name, $tag, $digest, $delivery_id, $now)
            ON CONFLICT (installation_id, image_name, tag, digest) DO NOTHING;
            """)
            .With("$installation_id", installationId)
            .With("$image_name", imageName)
            .With("$tag", tag ?? string.Empty)
            .With("$digest", digest ?? string.Empty)
            .With("$delivery_id", deliveryId)
            .With("$now", NowMilliseconds()))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return null;
            }
        }

        await using var read = connection.Command(
            """
            SELECT delivery_id FROM image_events
            WHERE installation_id = $installation_id AND image_name = $image_name AND tag = $tag AND digest = $digest;
            """)
            .With("$installation_id", installationId)
            .With("$image_name", imageName)
            .With("$tag", tag ?? string.Empty)
            .With("$digest", digest ?? string.Empty);
        var holder = (string?)await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return string.Equals(holder, deliveryId, StringComparison.Ordinal) ? null : holder;
    }

    private static async Task<IReadOnlyList<DeliveryRecord>> ReadDeliveriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var deliveries = new List<DeliveryRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            deliveries.Add(StorageRows.Delivery(reader));
        }

        return deliveries;
    }
}
