using Npgsql;

namespace GitOpsBridge.Storage;

public sealed partial class PostgresBridgeStore
{
    private const string TargetFilter =
        "installation_id = @installation_id AND repository = @repository AND base_branch = @base_branch AND environment = @environment";

    private const string InsertDesiredImageSql =
        """
        INSERT INTO desired_images
            (installation_id, repository, base_branch, environment, image_name, tag, digest, delivery_id,
             source_repository, source_commit, run_url, actor, updated_at)
        VALUES (@installation_id, @repository, @base_branch, @environment, @image_name, @tag, @digest, @delivery_id,
             @source_repository, @source_commit, @run_url, @actor, @updated_at)
        """;

    private const string PullRequestColumns = StorageRows.PullRequestColumns;

    /// <inheritdoc />
    public Task UpsertDesiredImageAsync(TargetKey target, DesiredImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(image);
        return ExecuteAsync(
            $"""
            {InsertDesiredImageSql}
            ON CONFLICT (installation_id, repository, base_branch, environment, image_name) DO UPDATE SET
                tag = excluded.tag,
                digest = excluded.digest,
                delivery_id = excluded.delivery_id,
                source_repository = excluded.source_repository,
                source_commit = excluded.source_commit,
                run_url = excluded.run_url,
                actor = excluded.actor,
                updated_at = excluded.updated_at;
            """,
            c => WithDesiredImage(WithTarget(c, target), image),
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One statement each, so the check and the write are atomic: under READ COMMITTED an UPDATE that
    /// meets a row changed by a concurrent commit checks its WHERE again on the new row, and an
    /// INSERT that meets a concurrent insert of the key waits for it and then does nothing.
    /// </remarks>
    public async Task<bool> TryReplaceDesiredImageAsync(TargetKey target, DesiredImage image, string? expectedDeliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(image);
        var sql = expectedDeliveryId is null
            ? $"{InsertDesiredImageSql} ON CONFLICT (installation_id, repository, base_branch, environment, image_name) DO NOTHING;"
            : $"""
              UPDATE desired_images SET
                  tag = @tag, digest = @digest, delivery_id = @delivery_id, source_repository = @source_repository,
                  source_commit = @source_commit, run_url = @run_url, actor = @actor, updated_at = @updated_at
              WHERE {TargetFilter} AND image_name = @image_name AND delivery_id = @expected_delivery_id;
              """;
        return await ExecuteAsync(
            sql,
            c => WithDesiredImage(WithTarget(c, target), image).With("expected_delivery_id", expectedDeliveryId),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DesiredImage>> GetDesiredImagesAsync(TargetKey target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return await QueryAsync(
            $"""
            SELECT {StorageRows.DesiredImageColumns}
            FROM desired_images WHERE {TargetFilter}
            ORDER BY image_name;
            """,
            c => WithTarget(c, target),
            StorageRows.DesiredImage,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TargetKey>> ListTargetsAsync(string repository, CancellationToken cancellationToken = default) =>
        await QueryAsync(
            """
            SELECT DISTINCT installation_id, repository, base_branch, environment
            FROM desired_images WHERE repository = @repository
            ORDER BY installation_id, base_branch, environment;
            """,
            c => c.With("repository", repository),
            r => new TargetKey(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)),
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task RemoveDesiredImagesAsync(TargetKey target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return ExecuteAsync($"DELETE FROM desired_images WHERE {TargetFilter};", c => WithTarget(c, target), cancellationToken);
    }

    /// <inheritdoc />
    public Task SetPullRequestAsync(PullRequestRecord pullRequest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pullRequest);
        return ExecuteAsync(
            $"""
            INSERT INTO pull_requests ({PullRequestColumns})
            VALUES (@installation_id, @repository, @base_branch, @environment, @number, @url, @head_branch, @state, @updated_at)
            ON CONFLICT (installation_id, repository, base_branch, environment) DO UPDATE SET
                number = excluded.number,
                url = excluded.url,
                head_branch = excluded.head_branch,
                state = excluded.state,
                updated_at = excluded.updated_at;
            """,
            c => WithTarget(c, pullRequest.Target)
                .With("number", pullRequest.Number)
                .With("url", pullRequest.Url)
                .With("head_branch", pullRequest.HeadBranch)
                .With("state", pullRequest.State)
                .With("updated_at", pullRequest.UpdatedAt.ToUnixTimeMilliseconds()),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<PullRequestRecord?> GetPullRequestAsync(TargetKey target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var found = await QueryAsync($"SELECT {PullRequestColumns} FROM pull_requests WHERE {TargetFilter};", c => WithTarget(c, target), StorageRows.PullRequest, cancellationToken)
            .ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public async Task<PullRequestRecord?> FindPullRequestAsync(string repository, int number, CancellationToken cancellationToken = default)
    {
        // A number belongs to one pull request in a repository; should two targets ever name it, the latest wins.
        var found = await QueryAsync(
            $"""
            SELECT {PullRequestColumns} FROM pull_requests WHERE repository = @repository AND number = @number
            ORDER BY updated_at DESC LIMIT 1;
            """,
            c => c.With("repository", repository).With("number", number),
            StorageRows.PullRequest,
            cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    private static NpgsqlCommand WithTarget(NpgsqlCommand command, TargetKey target) => command
        .With("installation_id", target.InstallationId)
        .With("repository", target.Repository)
        .With("base_branch", target.BaseBranch)
        .With("environment", target.Environment);

    private static NpgsqlCommand WithDesiredImage(NpgsqlCommand command, DesiredImage image) => command
        .With("image_name", image.ImageName)
        .With("tag", image.Tag)
        .With("digest", image.Digest)
        .With("delivery_id", image.DeliveryId)
        .With("source_repository", image.Provenance.SourceRepository)
        .With("source_commit", image.Provenance.Commit)
        .With("run_url", image.Provenance.RunUrl)
        .With("actor", image.Provenance.Actor)
        .With("updated_at", image.UpdatedAt.ToUnixTimeMilliseconds());
}
