using GitOpsBridge.Storage;
using Microsoft.Data.Sqlite;

namespace GitOpsBridge.Tests.Storage;

/// <summary>The store contract on SQLite, each test in its own temporary database file; plus what is SQLite's own.</summary>
public sealed class SqliteBridgeStoreTests : BridgeStoreContract
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("gitops-bridge-store-");

    private string DatabasePath => Path.Combine(_directory.FullName, "bridge.db");

    protected override IBridgeStore OpenStore(TimeProvider timeProvider) => new SqliteBridgeStore(DatabasePath, timeProvider);

    protected override Task DeleteDatabaseAsync()
    {
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Initialize_NewFile_TurnsOnWriteAheadLogging()
    {
        Assert.Equal("wal", await QueryAsync("PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Initialize_NewFile_RecordsTheSchemaVersionOnce()
    {
        await Store.InitializeAsync();

        Assert.Equal(1L, await QueryAsync("SELECT COUNT(*) FROM schema_version;"));
        Assert.Equal((long)SqliteSchema.Migrations.Count, await QueryAsync("SELECT version FROM schema_version;"));
    }

    [Fact]
    public async Task Initialize_SchemaNewerThanThisBuild_Refuses()
    {
        await QueryAsync("UPDATE schema_version SET version = 999;");
        await using var store = new SqliteBridgeStore(DatabasePath, TimeProvider.System);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync());

        Assert.Contains("schema version 999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InsertDelivery_Stored_StatusIsLowerCaseAndTimeIsUnixMilliseconds()
    {
        await Store.InsertDeliveryAsync(
            new DeliveryRecord("d1", "github", "push", Start.AddMilliseconds(7), DeliveryStatus.Rejected, null, null, "aa", null, null), "{}");

        Assert.Equal("rejected", await QueryAsync("SELECT status FROM deliveries;"));
        Assert.Equal(Start.ToUnixTimeMilliseconds() + 7, await QueryAsync("SELECT received_at FROM deliveries;"));
    }

    [Fact]
    public async Task Enqueue_Stored_KindIsLowerCase()
    {
        await Store.EnqueueAsync(JobKind.Installation, "42", "installation/42", Start, null);

        Assert.Equal("installation", await QueryAsync("SELECT kind FROM jobs;"));
    }

    [Fact]
    public async Task InsertDeliveryAndEnqueue_JobInsertFails_StoresNeitherAndTheNextCallSucceeds()
    {
        await QueryAsync("CREATE TRIGGER no_jobs BEFORE INSERT ON jobs BEGIN SELECT RAISE(ABORT, 'no jobs today'); END;");

        var failure = await Assert.ThrowsAsync<SqliteException>(() =>
            Store.InsertDeliveryAndEnqueueAsync(Delivery("d1"), "body", JobKind.Delivery, "delivery:d1"));
        await QueryAsync("DROP TRIGGER no_jobs;");
        var next = await Store.InsertDeliveryAndEnqueueAsync(Delivery("d2"), "body", JobKind.Delivery, "delivery:d2");

        Assert.Contains("no jobs today", failure.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetDeliveryAsync("d1"));
        Assert.Equal(InsertDeliveryResult.Inserted, next);
        Assert.Equal(1L, await QueryAsync("SELECT COUNT(*) FROM jobs;"));
    }

    private static DeliveryRecord Delivery(string id) =>
        new(id, "github", "registry_package.published", Start, DeliveryStatus.Pending, null, null, "aaaa", 42, null);

    /// <summary>Runs one statement on the test's file through a connection of its own, outside any store.</summary>
    private async Task<object?> QueryAsync(string sql)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
