using Npgsql;

namespace GitOpsBridge.Secrets;

/// <summary>
/// The setup store of a PostgreSQL install: table <c>setup_secrets(name, value, updated_at)</c>, so
/// every replica sees what first-run setup stored on one of them. Values are cached for
/// <see cref="RefreshInterval"/>; a replica still in setup mode notices the others' completion
/// within that time.
/// </summary>
public sealed class PostgresSetupSecretStore : ISetupSecretStore, IAsyncDisposable
{
    /// <summary>How long a value (or its absence) is used before the table is asked again.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS setup_secrets (
            name text PRIMARY KEY,
            value text NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now())
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly SecretCache _cache;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private bool _schemaReady;

    /// <summary>Creates the store; nothing is opened until the first read or write.</summary>
    public PostgresSetupSecretStore(string connectionString, TimeProvider time)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _cache = new SecretCache(time, RefreshInterval);
    }

    /// <inheritdoc />
    public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        _cache.GetAsync(key, FetchAsync, cancellationToken);

    /// <inheritdoc />
    public async Task SaveAsync(IReadOnlyDictionary<string, string> secrets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (key, value) in secrets)
            {
                await using var command = new NpgsqlCommand(
                    "INSERT INTO setup_secrets (name, value, updated_at) VALUES (@name, @value, now()) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    connection,
                    transaction);
                command.Parameters.AddWithValue("name", key);
                command.Parameters.AddWithValue("value", value);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw new SecretSourceException($"The setup secrets cannot be stored in PostgreSQL: {exception.Message}", exception);
        }

        foreach (var (key, value) in secrets)
        {
            _cache.Set(key, value);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _schemaGate.Dispose();
    }

    private async Task<string?> FetchAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await using var command = _dataSource.CreateCommand("SELECT value FROM setup_secrets WHERE name = @name");
            command.Parameters.AddWithValue("name", key);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
        catch (NpgsqlException exception)
        {
            throw new SecretSourceException($"The setup secrets cannot be read from PostgreSQL: {exception.Message}", exception);
        }
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _schemaReady))
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var command = _dataSource.CreateCommand(CreateTable);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateObject)
            {
                // Two replicas ran CREATE TABLE IF NOT EXISTS at the same moment; the other one made it.
                // Which error the loser gets depends on where the race is lost: the table's name (42P07),
                // its row type "already exists" (42710), or the catalog's unique index (23505).
            }

            Volatile.Write(ref _schemaReady, true);
        }
        finally
        {
            _schemaGate.Release();
        }
    }
}
