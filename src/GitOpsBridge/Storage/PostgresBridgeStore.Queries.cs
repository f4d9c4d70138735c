using System.Text;

namespace GitOpsBridge.Storage;

/// <summary>The read-only listings behind the dashboard.</summary>
public sealed partial class PostgresBridgeStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<DeliveryRecord>> QueryDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        var sql = new StringBuilder($"SELECT {DeliveryColumns} FROM deliveries AS d WHERE TRUE");
        if (query.Status is not null)
        {
            sql.Append(" AND d.status = @status");
        }

        if (query.Repository is not null)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM delivery_targets AS t WHERE t.delivery_id = d.id AND t.repository = @repository)");
        }

        if (query.Before is not null)
        {
            sql.Append(" AND d.received_at < @before");
        }

        // seq breaks ties between deliveries received in the same millisecond, as in ListDeliveriesAsync.
        sql.Append(" ORDER BY d.received_at DESC, d.seq DESC LIMIT @limit;");
        return await QueryAsync(
            sql.ToString(),
            c => c.With("status", query.Status is { } status ? StorageText.From(status) : null)
                .With("repository", query.Repository)
                .With("before", query.Before?.ToUnixTimeMilliseconds())
                .With("limit", query.Limit),
            StorageRows.Delivery,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TargetImage>> ListDesiredImagesAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync(StorageRows.ListDesiredImagesSql, _ => { }, StorageRows.TargetImage, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Job>> ListJobsAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return await QueryAsync(
            $"SELECT {StorageRows.JobColumns} FROM jobs ORDER BY not_before, id LIMIT @limit;",
            c => c.With("limit", limit),
            StorageRows.Job,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PullRequestRecord>> ListPullRequestsAsync(string? state, CancellationToken cancellationToken = default) =>
        await QueryAsync(
            $"""
            SELECT {StorageRows.PullRequestColumns}
            FROM pull_requests WHERE @state::text IS NULL OR state = @state::text
            ORDER BY repository, environment, installation_id, base_branch;
            """,
            c => c.With("state", state),
            StorageRows.PullRequest,
            cancellationToken).ConfigureAwait(false);
}
