using GitOpsBridge.Storage;

namespace GitOpsBridge.Tests.Storage;

public sealed class StorageProvidersTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("sqlite", null)]
    [InlineData("SQLite", null)]
    [InlineData("postgres", "Host=db;Database=bridge")]
    [InlineData(" Postgres ", "Host=db;Database=bridge")]
    public void Problem_UsableSettings_IsNull(string? provider, string? connectionString)
    {
        Assert.Null(StorageProviders.Problem(provider, connectionString));
    }

    [Theory]
    [InlineData("postgres", null, "Storage:ConnectionString is not set")]
    [InlineData("postgres", "  ", "Storage:ConnectionString is not set")]
    [InlineData("postgresql", "Host=db", "Storage:Provider 'postgresql' is not a storage backend")]
    public void Problem_UnusableSettings_NamesTheKey(string provider, string? connectionString, string expected)
    {
        Assert.Contains(expected, StorageProviders.Problem(provider, connectionString), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_EachProvider_OpensItsStore()
    {
        var folder = Directory.CreateTempSubdirectory("gitops-bridge-providers-");
        try
        {
            await using var sqlite = StorageProviders.Create(null, Path.Combine(folder.FullName, "bridge.db"), null, TimeProvider.System);
            await using var postgres = StorageProviders.Create("postgres", "unused.db", "Host=127.0.0.1;Database=unused", TimeProvider.System);

            Assert.IsType<SqliteBridgeStore>(sqlite);
            Assert.IsType<PostgresBridgeStore>(postgres);
            Assert.Throws<StorageConfigurationException>(() => StorageProviders.Create("postgres", "unused.db", null, TimeProvider.System));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
