using GitOpsBridge.Secrets;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace GitOpsBridge.Tests.Secrets;

public sealed class PostgresSetupSecretStoreTests
{
    [PostgresFact]
    public async Task SaveAsync_OnOneReplica_AnotherReplicaReadsItAfterItsRefreshInterval()
    {
        await using var database = await TestDatabase.CreateAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = new PostgresSetupSecretStore(database.ConnectionString, time);
        await using var second = new PostgresSetupSecretStore(database.ConnectionString, time);
        Assert.Null(await second.GetAsync(SecretKeys.AppId));

        await first.SaveAsync(new Dictionary<string, string> { [SecretKeys.AppId] = "31", [SecretKeys.PrivateKey] = "pem" });
        var beforeRefresh = await second.GetAsync(SecretKeys.AppId);
        time.Advance(PostgresSetupSecretStore.RefreshInterval);

        Assert.Null(beforeRefresh);
        Assert.Equal("31", await second.GetAsync(SecretKeys.AppId));
        Assert.Equal("pem", await second.GetAsync(SecretKeys.PrivateKey));
        Assert.Equal("31", await first.GetAsync(SecretKeys.AppId));
    }

    [PostgresFact]
    public async Task SaveAsync_Again_ReplacesTheValueAndStampsIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var store = new PostgresSetupSecretStore(database.ConnectionString, TimeProvider.System);
        await store.SaveAsync(new Dictionary<string, string> { [SecretKeys.WebhookSecret] = "one" });

        await store.SaveAsync(new Dictionary<string, string> { [SecretKeys.WebhookSecret] = "two" });

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT value, updated_at FROM setup_secrets", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("two", reader.GetString(0));
        Assert.InRange(reader.GetFieldValue<DateTimeOffset>(1), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.False(await reader.ReadAsync());
    }

    [PostgresFact]
    public async Task Schema_CreatedByManyReplicasAtOnce_NoneFails()
    {
        await using var database = await TestDatabase.CreateAsync();
        var stores = Enumerable.Range(0, 6).Select(_ => new PostgresSetupSecretStore(database.ConnectionString, TimeProvider.System)).ToList();
        try
        {
            var values = await Task.WhenAll(stores.Select(s => s.GetAsync(SecretKeys.AppId).AsTask()));

            Assert.All(values, Assert.Null);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task GetAsync_DatabaseUnreachable_ThrowsSecretSourceException()
    {
        await using var store = new PostgresSetupSecretStore("Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2", TimeProvider.System);

        await Assert.ThrowsAsync<SecretSourceException>(() => store.GetAsync(SecretKeys.AppId).AsTask());
    }

    /// <summary>A database of its own, <c>t_&lt;guid&gt;</c>, dropped afterwards.</summary>
    private sealed class TestDatabase(string admin, string name) : IAsyncDisposable
    {
        public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString;

        public static async Task<TestDatabase> CreateAsync()
        {
            var admin = PostgresFactAttribute.AdminConnectionString;
            var name = "t_" + Guid.NewGuid().ToString("N");
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
            return new TestDatabase(admin, name);
        }

        public async ValueTask DisposeAsync()
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
