using Microsoft.Data.Sqlite;

namespace GitOpsBridge.Storage;

public sealed partial class SqliteBridgeStore
{
    private const string RepositorySelect = StorageRows.RepositorySelect;

    /// <inheritdoc />
    public async Task UpsertInstallationAsync(long installationId, string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            INSERT INTO installations (id, account, updated_at) VALUES ($id, $account, $now)
            ON CONFLICT (id) DO UPDATE SET account = excluded.account, updated_at = excluded.updated_at;
            """)
            .With("$id", installationId)
            .With("$account", account)
            .With("$now", NowMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteInstallationAsync(long installationId, CancellationToken cancellationToken = default)
    {
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = BeginImmediate(connection);

        // repository_images follow their repositories by ON DELETE CASCADE.
        await using (var command = connection.Command(
            "DELETE FROM repositories WHERE installation_id = $id; DELETE FROM installations WHERE id = $id;", transaction)
            .With("$id", installationId))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string?> GetInstallationAccountAsync(long installationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT account FROM installations WHERE id = $id;").With("$id", installationId);
        return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<long>> ListInstallationsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT id FROM installations ORDER BY id;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<long>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <inheritdoc />
    public async Task SetRepositoryAsync(RepositoryRecord repository, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(repository.TrackedImages);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = BeginImmediate(connection);

        await using (var upsert = connection.Command(
            """
            INSERT INTO repositories (repository, installation_id, default_branch, config_yaml, config_error, updated_at)
            VALUES ($repository, $installation_id, $default_branch, $config_yaml, $config_error, $updated_at)
            ON CONFLICT (repository) DO UPDATE SET
                installation_id = excluded.installation_id,
                default_branch = excluded.default_branch,
                config_yaml = excluded.config_yaml,
                config_error = excluded.config_error,
                updated_at = excluded.updated_at;
            DELETE FROM repository_images WHERE repository = $repository;
            """, transaction)
            .With("$repository", repository.Repository)
            .With("$installation_id", repository.InstallationId)
            .With("$default_branch", repository.DefaultBranch)
            .With("$config_yaml", repository.ConfigYaml)
            .With("$config_error", repository.ConfigError)
            .With("$updated_at", repository.UpdatedAt.ToUnixMilliseconds()))
        {
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var track = connection.Command(
            "INSERT INTO repository_images (repository, image_name) VALUES ($repository, $image_name) ON CONFLICT DO NOTHING;",
            transaction))
        {
            track.With("$repository", repository.Repository);
            var image = track.CreateParameter();
            image.ParameterName = "$image_name";
            track.Parameters.Add(image);
            foreach (var name in repository.TrackedImages)
            {
                image.Value = name;
                await track.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RemoveRepositoryAsync(string repository, CancellationToken cancellationToken = default)
    {
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("DELETE FROM repositories WHERE repository = $repository;").With("$repository", repository);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RepositoryRecord?> GetRepositoryAsync(string repository, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            $"{RepositorySelect} WHERE r.repository = $repository ORDER BY i.image_name;")
            .With("$repository", repository);
        var repositories = await ReadRepositoriesAsync(command, cancellationToken).ConfigureAwait(false);
        return repositories.Count == 0 ? null : repositories[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RepositoryRecord>> ListRepositoriesAsync(long installationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            $"{RepositorySelect} WHERE r.installation_id = $installation_id ORDER BY r.repository, i.image_name;")
            .With("$installation_id", installationId);
        return await ReadRepositoriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RepositoryRecord>> FindRepositoriesTrackingAsync(long installationId, string imageName, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // The installation filter is on the repository row itself: the image index is shared by all tenants.
        await using var command = connection.Command(
            $"""
            {RepositorySelect}
            WHERE r.installation_id = $installation_id
              AND r.repository IN (SELECT t.repository FROM repository_images AS t WHERE t.image_name = $image_name)
            ORDER BY r.repository, i.image_name;
            """)
            .With("$installation_id", installationId)
            .With("$image_name", imageName);
        return await ReadRepositoriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Folds the rows of <see cref="RepositorySelect"/>, ordered by repository, into records.</summary>
    private static async Task<IReadOnlyList<RepositoryRecord>> ReadRepositoriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var repositories = new List<RepositoryRecord>();
        List<string>? images = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = reader.GetString(0);
            if (repositories.Count == 0 || !string.Equals(repositories[^1].Repository, name, StringComparison.Ordinal))
            {
                images = [];
                repositories.Add(new RepositoryRecord(
                    name,
                    reader.GetInt64(1),
                    reader.GetNullableString(2),
                    reader.GetNullableString(3),
                    reader.GetNullableString(4),
                    images,
                    reader.GetTime(5)));
            }

            if (reader.GetNullableString(6) is { } image)
            {
                images!.Add(image);
            }
        }

        return repositories;
    }
}
