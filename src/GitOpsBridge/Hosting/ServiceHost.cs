using GitOpsBridge.Dashboard;
using GitOpsBridge.Deliveries;
using GitOpsBridge.Git;
using GitOpsBridge.GitHub;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using GitOpsBridge.Registries;
using GitOpsBridge.Secrets;
using GitOpsBridge.Setup;
using GitOpsBridge.Sources;
using GitOpsBridge.Storage;
using GitOpsBridge.Telemetry;
using GitOpsBridge.Webhooks;
using GitOpsBridge.Work;

namespace GitOpsBridge.Hosting;

/// <summary>Storage settings (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The SQLite database file; relative paths are under the working directory. Its folder also holds the git clones.</summary>
    public string Path { get; set; } = "data/gitops-bridge.db";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>: see <see cref="StorageProviders"/>.</summary>
    public string Provider { get; set; } = StorageProviders.Sqlite;

    /// <summary>The Npgsql connection string when <see cref="Provider"/> is <c>postgres</c>; required then.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary><c>gitops-bridge serve</c>: the webhook service.</summary>
internal static class ServiceHost
{
    public static async Task<int> RunAsync(string[] args, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (StartupCheck.StorageProblem(builder.Configuration) is { } storageProblem)
        {
            await stderr.WriteLineAsync(storageProblem);
            return 1;
        }

        try
        {
            builder.AddGitOpsBridge();
        }
        catch (Exception ex) when (ex is GitHubConfigurationException or SourceConfigurationException)
        {
            await stderr.WriteLineAsync(ex.Message);
            return 1;
        }

        await using var app = builder.Build();
        app.UseGitOpsBridge();
        try
        {
            // Configuration, Key Vault and the setup store decide: normal, first-run setup, or refuse.
            await app.Services.GetRequiredService<SetupMode>().InitializeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is StartupCheckException or GitHubConfigurationException or SecretSourceException)
        {
            await stderr.WriteLineAsync(ex.Message);
            return 1;
        }

        await app.Services.GetRequiredService<IBridgeStore>().InitializeAsync(cancellationToken);
        await app.RunAsync(cancellationToken);
        return 0;
    }

    public static WebApplicationBuilder AddGitOpsBridge(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = GitHubWebhookEndpoint.MaxBodyBytes + (1024 * 1024));
        var services = builder.Services;

        // ASP.NET Core's request log writes the full URL, and sources may carry their secret as ?token=.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.HttpLogging", LogLevel.None);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(SourceCatalog.From(configuration));
        services.AddSingleton<SourceAuthenticator>();
        services.AddSingleton(sp => new GoogleOidcValidator(new HttpClient(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<GoogleOidcValidator>>()));

        var storage = configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        var dbPath = System.IO.Path.GetFullPath(storage.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(dbPath)!);
        AddSecrets(services, configuration, storage, System.IO.Path.GetDirectoryName(dbPath)!);
        services.AddSingleton<IBridgeStore>(sp => StorageProviders.Create(storage.Provider, dbPath, storage.ConnectionString, sp.GetRequiredService<TimeProvider>()));

        var github = BindGitHubOptions(configuration);
        services.AddSingleton(github);
        services.AddSingleton<IAppKeySource, SecretAppKeySource>();
        services.AddSingleton<AppJwtFactory>();
        services.AddSingleton<IInstallationTokens, InstallationTokens>();
        services.AddSingleton<RateLimitBudget>();
        services.AddSingleton<IGitHubApi, GitHubApi>();
        services.AddSingleton<GitHubGraphQlClients>();

        var git = new GitOptions
        {
            WorkDirectory = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(dbPath)!, "git"),
            GitUrl = GitHubEndpoints.From(github).Git.ToString().TrimEnd('/'),
        };
        services.AddSingleton(git);
        services.AddSingleton<IGitWorkspace, GitWorkspace>();
        services.AddSingleton<ApiCommitWriter>();

        services.AddSingleton(configuration.GetSection("Worker").Get<WorkerOptions>() ?? new WorkerOptions());
        services.AddSingleton(configuration.GetSection("Recovery").Get<RecoveryOptions>() ?? new RecoveryOptions());
        services.AddSingleton<IndexReadiness>();
        services.AddRegistryClient(configuration);
        services.AddScoped<DeliveryProcessor>();
        services.AddScoped<MergeCoordinator>();
        services.AddScoped<TargetReconciler>();
        services.AddScoped<RepositoryIndexer>();
        services.AddHostedService<SetupInitialization>();
        services.AddHostedService<BridgeWorker>();
        services.AddHostedService<StartupIndexing>();
        builder.AddBridgeTelemetry();
        builder.AddDashboard(System.IO.Path.GetDirectoryName(dbPath)!);
        return builder;
    }

    /// <summary>
    /// Binds section <c>GitHub</c> except <c>AppId</c>: the App id is a secret like the key (it may be
    /// empty in configuration and come from Key Vault or first-run setup), so an empty or malformed
    /// value must reach the start-up check instead of failing the binder. <see cref="GitHubOptions.AppId"/>
    /// keeps the configured id when there is one.
    /// </summary>
    private static GitHubOptions BindGitHubOptions(IConfiguration configuration)
    {
        var section = configuration.GetSection("GitHub");
        var withoutAppId = new ConfigurationBuilder()
            .AddInMemoryCollection(section.AsEnumerable(makePathsRelative: true).Where(p => !string.Equals(p.Key, "AppId", StringComparison.OrdinalIgnoreCase)))
            .Build();
        var github = withoutAppId.Get<GitHubOptions>() ?? new GitHubOptions();
        github.AppId = long.TryParse(section["AppId"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : 0;
        return github;
    }

    /// <summary>
    /// Secrets are looked up in configuration, then Key Vault (with <c>GitHub:PrivateKeyVaultUri</c>),
    /// then the setup store: Key Vault when configured, else PostgreSQL with that backend, else a
    /// 0600 file beside the database. A test may replace the <see cref="SecretClient"/> (registered
    /// later wins) to reach a local fake vault.
    /// </summary>
    private static void AddSecrets(IServiceCollection services, IConfiguration configuration, StorageOptions storage, string dataDirectory)
    {
        services.AddSingleton(configuration.GetSection("Setup").Get<SetupOptions>() ?? new SetupOptions());
        services.AddSingleton<SetupMode>();
        var keyVault = configuration.GetSection("GitHub").Get<KeyVaultOptions>() ?? new KeyVaultOptions();
        services.AddSingleton(keyVault);
        var vaultUri = string.IsNullOrWhiteSpace(keyVault.PrivateKeyVaultUri) ? null : keyVault.PrivateKeyVaultUri;
        if (vaultUri is not null)
        {
            if (!Uri.TryCreate(vaultUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new GitHubConfigurationException($"GitHub:PrivateKeyVaultUri must be the vault's https URL, such as https://my-vault.vault.azure.net/; got '{vaultUri}'.");
            }

            // DefaultAzureCredential: managed identity and workload identity in Azure, a developer's az login elsewhere.
            services.AddSingleton(_ => new SecretClient(uri, new DefaultAzureCredential()));
            services.AddSingleton(sp => new KeyVaultSecretProvider(sp.GetRequiredService<SecretClient>(), keyVault, sp.GetRequiredService<TimeProvider>()));
        }

        var postgres = string.Equals(storage.Provider, "postgres", StringComparison.OrdinalIgnoreCase);
        if (postgres && string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            throw new GitHubConfigurationException("Storage:Provider is postgres but Storage:ConnectionString is not set.");
        }

        services.AddSingleton<ISetupSecretStore>(sp =>
            vaultUri is not null ? sp.GetRequiredService<KeyVaultSecretProvider>()
            : postgres ? new PostgresSetupSecretStore(storage.ConnectionString!, sp.GetRequiredService<TimeProvider>())
            : new FileSetupSecretStore(System.IO.Path.Combine(dataDirectory, FileSetupSecretStore.FileName)));
        services.AddSingleton<ISecretProvider>(sp =>
        {
            var sources = new List<ISecretProvider> { new ConfigurationSecretProvider(sp.GetRequiredService<IConfiguration>()) };
            if (vaultUri is not null)
            {
                sources.Add(sp.GetRequiredService<KeyVaultSecretProvider>());
            }

            var store = sp.GetRequiredService<ISetupSecretStore>();
            if (!sources.Contains(store))
            {
                sources.Add(store);
            }

            return new CompositeSecretProvider(sources);
        });
    }

    public static WebApplication UseGitOpsBridge(this WebApplication app)
    {
        app.MapSetup();
        app.MapGitHubWebhooks();
        app.MapSourceEndpoints();
        app.MapDeliveriesApi();
        app.MapBridgeTelemetry();
        app.MapDashboard();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        app.MapGet("/readyz", async (IBridgeStore store, CancellationToken cancellationToken) =>
        {
            // Storage only: GitHub being unreachable must not take the service out of rotation.
            try
            {
                await store.CountDeliveriesAsync(cancellationToken);
                return Results.Ok(new { status = "ready" });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Results.Json(new { status = "storage unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return app;
    }
}
