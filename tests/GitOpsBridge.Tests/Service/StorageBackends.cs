using GitOpsBridge.Storage;

namespace GitOpsBridge.Tests.Service;

/// <summary>
/// The settings that put the service under test on one storage backend: nothing for SQLite (the
/// default; the file goes in the service's data folder), or <c>Storage:Provider=postgres</c> and a
/// connection string to a fresh schema of the test class's database.
/// </summary>
internal static class StorageBackends
{
    public static Task<Dictionary<string, string?>> SqliteAsync() => Task.FromResult(new Dictionary<string, string?>());

    public static async Task<Dictionary<string, string?>> PostgresAsync(PostgresDatabaseFixture database) => new()
    {
        ["Storage:Provider"] = StorageProviders.Postgres,
        ["Storage:ConnectionString"] = await database.CreateSchemaAsync(),
    };

    /// <summary>The same settings as environment variables for a child process (<c>Storage__Provider</c>).</summary>
    public static Dictionary<string, string> AsEnvironment(IReadOnlyDictionary<string, string?> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");

    /// <summary>Another store on the database the service in <paramref name="dataDir"/> uses, as a second process would open it.</summary>
    public static IBridgeStore OpenStore(IReadOnlyDictionary<string, string?> settings, string dataDir, TimeProvider timeProvider) =>
        StorageProviders.Create(
            settings.GetValueOrDefault("Storage:Provider"),
            Path.Combine(dataDir, "bridge.db"),
            settings.GetValueOrDefault("Storage:ConnectionString"),
            timeProvider);
}
