using System.Data;
using Microsoft.Data.Sqlite;

namespace GitOpsBridge.Storage;

/// <summary>
/// The embedded <see cref="IBridgeStore"/>: one SQLite file in WAL mode (<c>Storage:Path</c>).
/// Each operation opens a pooled connection. Operations that read and then write run in one
/// <c>BEGIN IMMEDIATE</c> transaction, which takes the file's write lock first, so several store
/// instances on one file, in one process or several, never lease the same job or two jobs of one
/// lock key. Call <see cref="InitializeAsync"/> once before anything else.
/// </summary>
/// <param name="path">The database file; it is created when missing.</param>
/// <param name="timeProvider">The clock for every time the store makes (leases, due jobs, claims).</param>
public sealed partial class SqliteBridgeStore(string path, TimeProvider timeProvider) : IBridgeStore
{
    private const int BusyTimeoutMilliseconds = 5000;

    private readonly string _path = ValidPath(path);

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        ForeignKeys = true,
    }.ToString();

    private readonly TimeProvider _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));

    // Writers of this store instance take turns here, first come first served, instead of meeting
    // in SQLite's busy handler, which sleeps 1, 2, 5, 10 ... 100 ms between tries and lets a
    // writer lose the lock again and again while others keep taking it. Other processes (and
    // other instances on the file) still wait on busy_timeout.
    private readonly SemaphoreSlim _writeTurns = new(1, 1);

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // WAL is a property of the file and cannot change inside a transaction.
        await using (var wal = connection.Command("PRAGMA journal_mode=WAL;"))
        {
            await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = BeginImmediate(connection);
        await using (var create = connection.Command("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long version;
        await using (var read = connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version;", transaction))
        {
            version = (long)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var migrations = SqliteSchema.Migrations;
        if (version > migrations.Count)
        {
            throw new InvalidOperationException(
                $"The database '{_path}' has schema version {version}; this build knows versions up to {migrations.Count}.");
        }

        if (version == migrations.Count)
        {
            return;
        }

        for (var next = (int)version; next < migrations.Count; next++)
        {
            await using var migrate = connection.Command(migrations[next], transaction);
            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var write = connection.Command("DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES ($version);", transaction)
            .With("$version", migrations.Count))
        {
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns this store's idle pooled connections, so the file can be moved or deleted.</summary>
    public ValueTask DisposeAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private long NowMilliseconds() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        var opened = false;
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // Per connection, so set on every open (a pooled connection keeps them; they are cheap).
            // busy_timeout makes SQLite itself wait for another writer instead of failing at once.
            await using (var pragmas = connection.Command(
                $"PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={BusyTimeoutMilliseconds}; PRAGMA foreign_keys=ON;"))
            {
                await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            opened = true;
            return connection;
        }
        finally
        {
            if (!opened)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits for this instance's turn to write; dispose the turn after the connection.</summary>
    private async ValueTask<WriteTurn> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writeTurns.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteTurn(_writeTurns);
    }

    /// <summary>
    /// <c>BEGIN IMMEDIATE</c>: takes the write lock before the first read. A deferred transaction
    /// that reads and then writes in WAL mode can fail with SQLITE_BUSY without waiting, or act on
    /// a snapshot another writer has already changed.
    /// </summary>
    /// <remarks>Synchronous: Microsoft.Data.Sqlite has no asynchronous I/O, its async methods run synchronously too.</remarks>
    private static SqliteTransaction BeginImmediate(SqliteConnection connection) =>
        connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);

    private static string ValidPath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return path;
    }

    private readonly struct WriteTurn(SemaphoreSlim turns) : IDisposable
    {
        public void Dispose() => turns.Release();
    }
}
