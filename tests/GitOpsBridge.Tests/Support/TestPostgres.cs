using Npgsql;

namespace GitOpsBridge.Tests.Support;

/// <summary>
/// The throwaway PostgreSQL cluster scripts/test.sh starts: <c>GITOPS_BRIDGE_TEST_POSTGRES</c> holds an
/// admin connection string (<c>Host=127.0.0.1;Port=N;Username=postgres;Database=postgres</c>). Without
/// it the PostgreSQL tests are skipped with the reason, except under CI (<c>CI</c> set), where a
/// missing cluster is a failure: a suite that silently skips a backend proves nothing about it.
/// </summary>
internal static class TestPostgres
{
    public const string Variable = "GITOPS_BRIDGE_TEST_POSTGRES";

    public static string? AdminConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Skips the running test when no cluster is configured, or fails it under CI.</summary>
    public static string RequireAdminConnectionString()
    {
        if (AdminConnectionString is { } admin)
        {
            return admin;
        }

        const string reason = $"PostgreSQL is not configured: set {Variable} to an admin connection string (scripts/test.sh starts a throwaway cluster and sets it)";
        Assert.True(Environment.GetEnvironmentVariable("CI") is null or "", $"{reason}; CI is set, so this is a failure, not a skip");
        Skip.If(true, reason);
        return null!;
    }
}

/// <summary>
/// A database of its own (<c>t_&lt;guid&gt;</c>) on the test cluster, for one test class, dropped at the
/// end; each test takes a fresh schema in it (<see cref="CreateSchemaAsync"/>), which is much cheaper
/// than a database per test. Use it as an xUnit class fixture. Nothing touches the cluster until a
/// test asks for a schema, so without a cluster the fixture is harmless and the tests skip.
/// </summary>
public sealed class PostgresDatabaseFixture : IAsyncLifetime
{
    private readonly string _name = "t_" + Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _created = new(1, 1);
    private bool _exists;
    private int _schemas;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Creates an empty schema and returns a connection string whose search path is it.</summary>
    public async Task<string> CreateSchemaAsync()
    {
        var admin = TestPostgres.RequireAdminConnectionString();
        await _created.WaitAsync();
        try
        {
            if (!_exists)
            {
                await ExecuteAsync(admin, $"CREATE DATABASE {_name};");
                _exists = true;
            }
        }
        finally
        {
            _created.Release();
        }

        var schema = $"s_{Interlocked.Increment(ref _schemas)}";
        var database = new NpgsqlConnectionStringBuilder(admin) { Database = _name, Pooling = false }.ConnectionString;
        await ExecuteAsync(database, $"CREATE SCHEMA {schema};");
        return new NpgsqlConnectionStringBuilder(admin) { Database = _name, SearchPath = schema }.ConnectionString;
    }

    /// <summary>Runs one statement through a connection of its own, outside any store.</summary>
    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async Task DisposeAsync()
    {
        if (_exists && TestPostgres.AdminConnectionString is { } admin)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE);");
        }

        _created.Dispose();
    }

    private static Task ExecuteAsync(string connectionString, string sql) => ScalarAsync(connectionString, sql);
}
