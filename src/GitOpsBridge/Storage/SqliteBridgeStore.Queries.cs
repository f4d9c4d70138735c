using System.Text;
using Microsoft.Data.Sqlite;

namespace GitOpsBridge.Storage;

/// <summary>The read-only listings behind the dashboard.</summary>
public sealed partial class SqliteBridgeStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<DeliveryRecord>> QueryDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        var sql = new StringBuilder($"SELECT {DeliveryColumns} FROM deliveries AS d WHERE 1 = 1");
        if (query.Status is not null)
        {
            sql.Append(" AND d.status = $status");
        }

        if (query.Repository is not null)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM delivery_targets AS t WHERE t.delivery_id = d.id AND t.repository = $repository)");
        }

        if (query.Before is not null)
        {
            sql.Append(" AND d.received_at < $before");
        }

        // rowid breaks ties between deliveries received in the same millisecond, as in ListDeliveriesAsync.
        sql.Append(" ORDER BY d.received_at DESC, d.rowid DESC LIMIT $limit;");
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql.ToString())
            .With("$status", query.Status is { } status ? StorageText.From(status) : null)
            .With("$repository", query.Repository)
            .With("$before", query.Before?.ToUnixMilliseconds())
            .With("$limit", query.Limit);
        return await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TargetImage>> ListDesiredImagesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(StorageRows.ListDesiredImagesSql);
        return await ReadAllAsync(command, StorageRows.TargetImage, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Job>> ListJobsAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {StorageRows.JobColumns} FROM jobs ORDER BY not_before, id LIMIT $limit;")
            .With("$limit", limit);
        return await ReadAllAsync(command, StorageRows.Job, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PullRequestRecord>> ListPullRequestsAsync(string? state, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            $"""
            SELECT {StorageRows.PullRequestColumns}
            FROM pull_requests WHERE $state IS NULL OR state = $state
            ORDER BY repository, environment, installation_id, base_branch;
            """)
            .With("$state", state);
        return await ReadAllAsync(command, StorageRows.PullRequest, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<T>> ReadAllAsync<T>(SqliteCommand command, Func<System.Data.Common.DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
