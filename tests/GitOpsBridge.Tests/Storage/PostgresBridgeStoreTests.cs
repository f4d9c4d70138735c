using GitOpsBridge.Storage;
using Npgsql;

namespace GitOpsBridge.Tests.Storage;

/// <summary>
/// The store contract on PostgreSQL (the throwaway cluster of scripts/test.sh), each test in its own
/// schema of the class's database; plus what is PostgreSQL's own: concurrent migration and leasing
/// across stores that share nothing but the database.
/// </summary>
public sealed class PostgresBridgeStoreTests(PostgresDatabaseFixture database) : BridgeStoreContract, IClassFixture<PostgresDatabaseFixture>
{
    private string? _connectionString;

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("The schema is made before the first store is opened.");

    public override async Task InitializeAsync()
    {
        _connectionString = await database.CreateSchemaAsync();
        await base.InitializeAsync();
    }

    protected override IBridgeStore OpenStore(TimeProvider timeProvider) => new PostgresBridgeStore(ConnectionString, timeProvider);

    protected override async Task DeleteDatabaseAsync()
    {
        if (_connectionString is not null)
        {
            var schema = new NpgsqlConnectionStringBuilder(_connectionString).SearchPath;
            await PostgresDatabaseFixture.ScalarAsync(_connectionString, $"DROP SCHEMA {schema} CASCADE;");
        }
    }

    [SkippableFact]
    public async Task Initialize_ManyStoresAtOnceOnAnEmptyDatabase_MigrateOnceAndAllWork()
    {
        var fresh = await database.CreateSchemaAsync();
        var stores = Enumerable.Range(0, 8).Select(_ => new PostgresBridgeStore(fresh, Time)).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync())));

            Assert.Equal(1L, await PostgresDatabaseFixture.ScalarAsync(fresh, "SELECT COUNT(*) FROM schema_version;"));
            Assert.Equal(PostgresSchema.Migrations.Count, await PostgresDatabaseFixture.ScalarAsync(fresh, "SELECT version FROM schema_version;"));
            await Task.WhenAll(stores.Select((s, i) => s.InsertDeliveryAsync(
                new DeliveryRecord($"d{i}", "github", "push", Start, DeliveryStatus.Pending, null, null, "aa", null, null), "{}")));
            Assert.Equal(8, await stores[0].CountDeliveriesAsync());
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task Initialize_SchemaNewerThanThisBuild_Refuses()
    {
        await PostgresDatabaseFixture.ScalarAsync(ConnectionString, "UPDATE schema_version SET version = 999;");
        await using var store = new PostgresBridgeStore(ConnectionString, TimeProvider.System);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync());

        Assert.Contains("schema version 999", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task InsertDelivery_Stored_StatusIsLowerCaseAndTimeIsUnixMilliseconds()
    {
        await Store.InsertDeliveryAsync(
            new DeliveryRecord("d1", "github", "push", Start.AddMilliseconds(7), DeliveryStatus.Rejected, null, null, "aa", null, null), "{}");

        Assert.Equal("rejected", await PostgresDatabaseFixture.ScalarAsync(ConnectionString, "SELECT status FROM deliveries;"));
        Assert.Equal(Start.ToUnixTimeMilliseconds() + 7, await PostgresDatabaseFixture.ScalarAsync(ConnectionString, "SELECT received_at FROM deliveries;"));
    }

    [SkippableFact]
    public async Task InsertDeliveryAndEnqueue_JobInsertFails_StoresNeitherAndTheNextCallSucceeds()
    {
        await PostgresDatabaseFixture.ScalarAsync(ConnectionString, """
            CREATE FUNCTION no_jobs() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no jobs today'; END $$;
            CREATE TRIGGER no_jobs BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION no_jobs();
            """);

        var failure = await Assert.ThrowsAsync<PostgresException>(() =>
            Store.InsertDeliveryAndEnqueueAsync(Delivery("d1"), "body", JobKind.Delivery, "delivery:d1"));
        await PostgresDatabaseFixture.ScalarAsync(ConnectionString, "DROP TRIGGER no_jobs ON jobs;");
        var next = await Store.InsertDeliveryAndEnqueueAsync(Delivery("d2"), "body", JobKind.Delivery, "delivery:d2");

        Assert.Contains("no jobs today", failure.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetDeliveryAsync("d1"));
        Assert.Equal(InsertDeliveryResult.Inserted, next);
        Assert.Equal(1L, await PostgresDatabaseFixture.ScalarAsync(ConnectionString, "SELECT COUNT(*) FROM jobs;"));
    }

    [SkippableFact]
    public async Task InsertDeliveryAndEnqueue_CallerCancelsWhileTheRowIsLocked_TheWriteStillCompletes()
    {
        // Another session holds the advisory lock the enqueue takes for this job key, so the write
        // is held mid-transaction while its caller gives up.
        await using var blocker = new NpgsqlConnection(ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@space, hashtext('delivery:d1'));", blocker, transaction))
        {
            hold.Parameters.AddWithValue("space", PostgresBridgeStore.JobKeySpace);
            await hold.ExecuteNonQueryAsync();
        }

        using var cancel = new CancellationTokenSource();
        var call = Store.InsertDeliveryAndEnqueueAsync(Delivery("d1"), "body", JobKind.Delivery, "delivery:d1", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await transaction.RollbackAsync();

        await Service.ResilienceTests.WaitUntilAsync(async () => (await Store.GetQueueStatsAsync()).Pending == 1, TimeSpan.FromSeconds(10));
        Assert.NotNull(await Store.GetDeliveryAsync("d1"));
    }

    private static DeliveryRecord Delivery(string id) =>
        new(id, "github", "registry_package.published", Start, DeliveryStatus.Pending, null, null, "aaaa", 42, null);
}
