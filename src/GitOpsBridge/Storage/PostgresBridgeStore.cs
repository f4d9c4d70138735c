using System.Data.Common;
using Npgsql;

namespace GitOpsBridge.Storage;

/// <summary>
/// The shared <see cref="IBridgeStore"/>: PostgreSQL through Npgsql (<c>Storage:Provider=postgres</c>,
/// <c>Storage:ConnectionString</c>), for several replicas of the service on one database. Each
/// operation borrows a pooled connection; operations that read and then write run in one
/// transaction, and the job queue is leased with <c>FOR UPDATE SKIP LOCKED</c> plus a transaction
/// advisory lock per lock key, so replicas never lease the same job or two jobs of one lock key.
/// Call <see cref="InitializeAsync"/> once before anything else; replicas may do so at the same time.
/// </summary>
public sealed partial class PostgresBridgeStore : IBridgeStore
{
    // Advisory lock keys are (namespace, key) pairs of int4; these namespaces keep the bridge's locks
    // apart from any other application's on the same database (the values spell "GOB" and a purpose).
    private const int MigrationLockSpace = 0x474F4201;
    private const int LockKeySpace = 0x474F4202;
    internal const int JobKeySpace = 0x474F4203;

    /// <summary>
    /// Connections one store opens at most, unless the connection string sets <c>Maximum Pool Size</c>:
    /// Npgsql's own default (100) is PostgreSQL's whole default <c>max_connections</c>, which two
    /// replicas under a burst would exhaust. Callers beyond it wait for a free connection.
    /// </summary>
    internal const int DefaultMaxPoolSize = 20;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    /// <param name="connectionString">An Npgsql connection string, for example <c>Host=db;Database=gitops_bridge;Username=bridge;Password=…</c>.</param>
    /// <param name="timeProvider">The clock for every time the store makes (leases, due jobs, claims).</param>
    public PostgresBridgeStore(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!SetsMaxPoolSize(connectionString))
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The whole migration runs in one transaction that first takes a database-wide advisory lock:
    /// replicas starting together take turns, and each later one finds the schema current. DDL is
    /// transactional in PostgreSQL, so a migration that fails leaves the previous version intact.
    /// </remarks>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var turn = connection.Command("SELECT pg_advisory_xact_lock(@space, 0);", transaction).With("space", MigrationLockSpace))
        {
            await turn.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var create = connection.Command("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int version;
        await using (var read = connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version;", transaction))
        {
            version = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var migrations = PostgresSchema.Migrations;
        if (version > migrations.Count)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database '{connection.Database}' has schema version {version}; this build knows versions up to {migrations.Count}.");
        }

        for (var next = version; next < migrations.Count; next++)
        {
            await using var migrate = connection.Command(migrations[next], transaction);
            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (version < migrations.Count)
        {
            await using var delete = connection.Command("DELETE FROM schema_version;", transaction);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var write = connection.Command("INSERT INTO schema_version (version) VALUES (@version);", transaction)
                .With("version", migrations.Count);
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the pooled connections.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private long NowMilliseconds() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Runs one statement on a connection of its own and returns the rows it changed.</summary>
    private async Task<int> ExecuteAsync(string sql, Action<NpgsqlCommand> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql);
        parameters(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one query on a connection of its own and maps every row.</summary>
    private async Task<List<T>> QueryAsync<T>(string sql, Action<NpgsqlCommand> parameters, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql);
        parameters(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>Runs one query on a connection of its own and returns its single value.</summary>
    private async Task<object?> ScalarAsync(string sql, Action<NpgsqlCommand> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql);
        parameters(command);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    private static bool SetsMaxPoolSize(string connectionString) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", string.Empty, StringComparison.Ordinal))
            .Any(key => key.Equals("MaximumPoolSize", StringComparison.OrdinalIgnoreCase) || key.Equals("MaxPoolSize", StringComparison.OrdinalIgnoreCase));

    private static void NoParameters(NpgsqlCommand command)
    {
    }
}
