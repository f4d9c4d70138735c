using Microsoft.Data.Sqlite;

namespace GitOpsBridge.Storage;

public sealed partial class SqliteBridgeStore
{
    private const string TargetFilter =
        "installation_id = $installation_id AND repository = $repository AND base_branch = $base_branch AND environment = $environment";

    /// <inheritdoc />
    public async Task UpsertDesiredImageAsync(TargetKey target, DesiredImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(image);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = WithDesiredImage(WithTarget(connection.Command(
            """
            INSERT INTO desired_images
                (installation_id, repository, base_branch, environment, image_name, tag, digest, delivery_id,
                 source_repository, source_commit, run_url, actor, updated_at)
            VALUES ($installation_id, $repository, $base_branch, $environment, $image_name, $tag, $digest, $delivery_id,
                 $source_repository, $source_commit, $run_url, $actor, $updated_at)
            ON CONFLICT (installation_id, repository, base_branch, environment, image_name) DO UPDATE SET
                tag = excluded.tag,
                digest = excluded.digest,
                delivery_id = excluded.delivery_id,
                source_repository = excluded.source_repository,
                source_commit = excluded.source_commit,
                run_url = excluded.run_url,
                actor = excluded.actor,
                updated_at = excluded.updated_at;
            """), target), image);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> TryReplaceDesiredImageAsync(TargetKey target, DesiredImage image, string? expectedDeliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(image);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // One statement each, so the check and the write are atomic without a transaction.
        var sql = expectedDeliveryId is null
            ? """
              INSERT INTO desired_images
                  (installation_id, repository, base_branch, environment, image_name, tag, digest, delivery_id,
                   source_repository, source_commit, run_url, actor, updated_at)
              VALUES ($installation_id, $repository, $base_branch, $environment, $image_name, $tag, $digest, $delivery_id,
                   $source_repository, $source_commit, $run_url, $actor, $updated_at)
              ON CONFLICT (installation_id, repository, base_branch, environment, image_name) DO NOTHING;
              """
            : $"""
              UPDATE desired_images SET
                  tag = $tag, digest = $digest, delivery_id = $delivery_id, source_repository = $source_repository,
                  source_commit = $source_commit, run_url = $run_url, actor = $actor, updated_at = $updated_at
              WHERE {TargetFilter} AND image_name = $image_name AND delivery_id = $expected_delivery_id;
              """;
        await using var command = WithDesiredImage(WithTarget(connection.Command(sql), target), image)
            .With("$expected_delivery_id", expectedDeliveryId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DesiredImage>> GetDesiredImagesAsync(TargetKey target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = WithTarget(connection.Command(
            $"""
            SELECT {StorageRows.DesiredImageColumns}
            FROM desired_images WHERE {TargetFilter}
            ORDER BY image_name;
            """), target);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var images = new List<DesiredImage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            images.Add(StorageRows.DesiredImage(reader));
        }

        return images;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TargetKey>> ListTargetsAsync(string repository, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            SELECT DISTINCT installation_id, repository, base_branch, environment
            FROM desired_images WHERE repository = $repository
            ORDER BY installation_id, base_branch, environment;
            """)
            .With("$repository", repository);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var targets = new List<TargetKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            targets.Add(new TargetKey(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return targets;
    }

    /// <inheritdoc />
    public async Task RemoveDesiredImagesAsync(TargetKey target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = WithTarget(connection.Command($"DELETE FROM desired_images WHERE {TargetFilter};"), target);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SetPullRequestAsync(PullRequestRecord pullRequest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pullRequest);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = WithTarget(connection.Command(
            """
            INSERT INTO pull_requests
                (installation_id, repository, base_branch, environment, number, url, head_branch, state, updated_at)
            VALUES ($installation_id, $repository, $base_branch, $environment, $number, $url, $head_branch, $state, $updated_at)
            ON CONFLICT (installation_id, repository, base_branch, environment) DO UPDATE SET
                number = excluded.number,
                url = excluded.url,
                head_branch = excluded.head_branch,
                state = excluded.state,
                updated_at = excluded.updated_at;
            """), pullRequest.Target)
            .With("$number", pullRequest.Number)
            .With("$url", pullRequest.Url)
            .With("$head_branch", pullRequest.HeadBranch)
            .With("$state", pullRequest.State)
            .With("$updated_at", pullRequest.UpdatedAt.ToUnixMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<PullRequestRecord?> GetPullRequestAsync(TargetKey target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = WithTarget(connection.Command(
            $"""
            SELECT {StorageRows.PullRequestColumns}
            FROM pull_requests WHERE {TargetFilter};
            """), target);
        return await ReadPullRequestAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<PullRequestRecord?> FindPullRequestAsync(string repository, int number, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // A number belongs to one pull request in a repository; should two targets ever name it, the latest wins.
        await using var command = connection.Command(
            $"""
            SELECT {StorageRows.PullRequestColumns}
            FROM pull_requests WHERE repository = $repository AND number = $number
            ORDER BY updated_at DESC LIMIT 1;
            """)
            .With("$repository", repository)
            .With("$number", number);
        return await ReadPullRequestAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static SqliteCommand WithTarget(SqliteCommand command, TargetKey target) => command
        .With("$installation_id", target.InstallationId)
        .With("$repository", target.Repository)
        .With("$base_branch", target.BaseBranch)
        .With("$environment", target.Environment);

    private static SqliteCommand WithDesiredImage(SqliteCommand command, DesiredImage image) => command
        .With("$image_name", image.ImageName)
        .With("$tag", image.Tag)
        .With("$digest", image.Digest)
        .With("$delivery_id", image.DeliveryId)
        .With("$source_repository", image.Provenance.SourceRepository)
        .With("$source_commit", image.Provenance.Commit)
        .With("$run_url", image.Provenance.RunUrl)
        .With("$actor", image.Provenance.Actor)
        .With("$updated_at", image.UpdatedAt.ToUnixMilliseconds());

    private static async Task<PullRequestRecord?> ReadPullRequestAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return StorageRows.PullRequest(reader);
    }
}
