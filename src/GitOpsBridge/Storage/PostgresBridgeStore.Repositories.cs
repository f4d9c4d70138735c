using Npgsql;

namespace GitOpsBridge.Storage;

public sealed partial class PostgresBridgeStore
{
    private const string RepositorySelect = StorageRows.RepositorySelect;

    /// <inheritdoc />
    public Task UpsertInstallationAsync(long installationId, string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return ExecuteAsync(
            """
            INSERT INTO installations (id, account, updated_at) VALUES (@id, @account, @now)
            ON CONFLICT (id) DO UPDATE SET account = excluded.account, updated_at = excluded.updated_at;
            """,
            c => c.With("id", installationId).With("account", account).With("now", NowMilliseconds()),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteInstallationAsync(long installationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // repository_images follow their repositories by ON DELETE CASCADE.
        foreach (var sql in new[] { "DELETE FROM repositories WHERE installation_id = @id;", "DELETE FROM installations WHERE id = @id;" })
        {
            await using var command = connection.Command(sql, transaction).With("id", installationId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string?> GetInstallationAccountAsync(long installationId, CancellationToken cancellationToken = default) =>
        (string?)await ScalarAsync("SELECT account FROM installations WHERE id = @id;", c => c.With("id", installationId), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<long>> ListInstallationsAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync("SELECT id FROM installations ORDER BY id;", NoParameters, r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task SetRepositoryAsync(RepositoryRecord repository, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(repository.TrackedImages);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The upsert locks the repository's row, so a concurrent replacement of the same repository
        // waits here and its tracked images never mix with these.
        await using (var upsert = connection.Command(
            """
            INSERT INTO repositories (repository, installation_id, default_branch, config_yaml, config_error, updated_at)
            VALUES (@repository, @installation_id, @default_branch, @config_yaml, @config_error, @updated_at)
            ON CONFLICT (repository) DO UPDATE SET
                installation_id = excluded.installation_id,
                default_branch = excluded.default_branch,
                config_yaml = excluded.config_yaml,
                config_error = excluded.config_error,
                updated_at = excluded.updated_at;
            """, transaction)
            .With("repository", repository.Repository)
            .With("installation_id", repository.InstallationId)
            .With("default_branch", repository.DefaultBranch)
            .With("config_yaml", repository.ConfigYaml)
            .With("config_error", repository.ConfigError)
            .With("updated_at", repository.UpdatedAt.ToUnixTimeMilliseconds()))
        {
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var clear = connection.Command("DELETE FROM repository_images WHERE repository = @repository;", transaction)
            .With("repository", repository.Repository))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var track = connection.Command(
            """
            INSERT INTO repository_images (repository, image_name)
            SELECT @repository, image FROM unnest(@images) AS image
            ON CONFLICT DO NOTHING;
            """, transaction)
            .With("repository", repository.Repository)
            .With("images", repository.TrackedImages.ToArray()))
        {
            await track.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task RemoveRepositoryAsync(string repository, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM repositories WHERE repository = @repository;", c => c.With("repository", repository), cancellationToken);

    /// <inheritdoc />
    public async Task<RepositoryRecord?> GetRepositoryAsync(string repository, CancellationToken cancellationToken = default)
    {
        var repositories = await ReadRepositoriesAsync(
            $"{RepositorySelect} WHERE r.repository = @repository ORDER BY i.image_name;",
            c => c.With("repository", repository),
            cancellationToken).ConfigureAwait(false);
        return repositories.Count == 0 ? null : repositories[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RepositoryRecord>> ListRepositoriesAsync(long installationId, CancellationToken cancellationToken = default) =>
        ReadRepositoriesAsync(
            $"{RepositorySelect} WHERE r.installation_id = @installation_id ORDER BY r.repository, i.image_name;",
            c => c.With("installation_id", installationId),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RepositoryRecord>> FindRepositoriesTrackingAsync(long installationId, string imageName, CancellationToken cancellationToken = default) =>
        // The installation filter is on the repository row itself: the image index is shared by all tenants.
        ReadRepositoriesAsync(
            $"""
            {RepositorySelect}
            WHERE r.installation_id = @installation_id
              AND r.repository IN (SELECT t.repository FROM repository_images AS t WHERE t.image_name = @image_name)
            ORDER BY r.repository, i.image_name;
            """,
            c => c.With("installation_id", installationId).With("image_name", imageName),
            cancellationToken);

    /// <summary>Folds the rows of <see cref="RepositorySelect"/>, ordered by repository, into records.</summary>
    private async Task<IReadOnlyList<RepositoryRecord>> ReadRepositoriesAsync(string sql, Action<NpgsqlCommand> parameters, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            sql,
            parameters,
            r => (Record: new RepositoryRecord(r.GetString(0), r.GetInt64(1), r.GetNullableString(2), r.GetNullableString(3), r.GetNullableString(4), [], r.GetTime(5)),
                  Image: r.GetNullableString(6)),
            cancellationToken).ConfigureAwait(false);
        var repositories = new List<RepositoryRecord>();
        foreach (var group in rows.GroupBy(row => row.Record.Repository, StringComparer.Ordinal))
        {
            // GroupBy keeps the query's order of groups and of rows within them.
            var images = group.Select(row => row.Image).OfType<string>().ToList();
            repositories.Add(group.First().Record with { TrackedImages = images });
        }

        return repositories;
    }
}
