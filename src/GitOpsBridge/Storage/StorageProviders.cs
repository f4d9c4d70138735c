namespace GitOpsBridge.Storage;

/// <summary>
/// The backends <c>Storage:Provider</c> selects: <c>sqlite</c> (the default; one process, the file at
/// <c>Storage:Path</c>) or <c>postgres</c> (replicas sharing the database at <c>Storage:ConnectionString</c>).
/// </summary>
public static class StorageProviders
{
    /// <summary>The embedded store, <see cref="SqliteBridgeStore"/>.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The shared store, <see cref="PostgresBridgeStore"/>.</summary>
    public const string Postgres = "postgres";

    /// <summary>
    /// Why these settings cannot start a store, naming the key to set; <see langword="null"/> when they can.
    /// A missing provider means SQLite.
    /// </summary>
    public static string? Problem(string? provider, string? connectionString) => Normalise(provider) switch
    {
        Sqlite => null,
        Postgres when string.IsNullOrWhiteSpace(connectionString) =>
            "Storage:Provider is postgres but Storage:ConnectionString is not set; set Storage:ConnectionString "
            + "(in appsettings.json or as the environment variable Storage__ConnectionString), "
            + "for example Host=db.internal;Database=gitops_bridge;Username=gitops_bridge;Password=...",
        Postgres => null,
        _ => $"Storage:Provider '{provider}' is not a storage backend; set Storage:Provider to {Sqlite} or {Postgres}",
    };

    /// <summary>Opens the store the settings select (not yet initialized).</summary>
    /// <exception cref="StorageConfigurationException">The settings name no usable backend (see <see cref="Problem"/>).</exception>
    public static IBridgeStore Create(string? provider, string sqlitePath, string? connectionString, TimeProvider timeProvider)
    {
        if (Problem(provider, connectionString) is { } problem)
        {
            throw new StorageConfigurationException(problem);
        }

        return Normalise(provider) == Postgres
            ? new PostgresBridgeStore(connectionString!, timeProvider)
            : new SqliteBridgeStore(sqlitePath, timeProvider);
    }

    private static string Normalise(string? provider) =>
        string.IsNullOrWhiteSpace(provider) ? Sqlite : provider.Trim().ToLowerInvariant();
}

/// <summary>The storage settings name no usable backend; the message says which key to set.</summary>
public sealed class StorageConfigurationException(string message) : Exception(message);
