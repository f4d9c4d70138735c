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
        await using var command = connection.Command(
            """
            SELECT installation_id, repository, base_branch, environment,
                   image_name, tag, digest, delivery_id, source_repository, source_commit, run_url, actor, updated_at
            FROM desired_images
            ORDER BY image_name, repository, environment, installation_id, base_branch;
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var images = new List<TargetImage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            images.Add(new TargetImage(
                new TargetKey(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)),
                DesiredImageAt(reader, 4)));
        }

        return images;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Job>> ListJobsAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            SELECT id, kind, key, lock_key, attempt, trace_id, not_before, last_error
            FROM jobs ORDER BY not_before, id LIMIT $limit;
            """)
            .With("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var jobs = new List<Job>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(new Job(
                reader.GetInt64(0),
                StorageText.ToJobKind(reader.GetString(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                reader.GetNullableString(5),
                reader.GetTime(6),
                reader.GetNullableString(7)));
        }

        return jobs;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PullRequestRecord>> ListPullRequestsAsync(string? state, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            SELECT installation_id, repository, base_branch, environment, number, url, head_branch, state, updated_at
            FROM pull_requests WHERE $state IS NULL OR state = $state
            ORDER BY repository, environment, installation_id, base_branch;
            """)
            .With("$state", state);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var pullRequests = new List<PullRequestRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pullRequests.Add(PullRequestAt(reader));
        }

        return pullRequests;
    }
}
