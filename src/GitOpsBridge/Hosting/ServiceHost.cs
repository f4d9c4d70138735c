using GitOpsBridge.Deliveries;
using GitOpsBridge.Git;
using GitOpsBridge.GitHub;
using GitOpsBridge.Secrets;
using GitOpsBridge.Storage;
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
        var missing = StartupCheck.MissingKeys(builder.Configuration);
        if (missing.Count > 0)
        {
            await stderr.WriteLineAsync(new StartupCheckException(missing).Message);
            return 1;
        }

        if (StartupCheck.StorageProblem(builder.Configuration) is { } storageProblem)
        {
            await stderr.WriteLineAsync(storageProblem);
            return 1;
        }

        builder.AddGitOpsBridge();
        await using var app = builder.Build();
        app.UseGitOpsBridge();
        await app.Services.GetRequiredService<IBridgeStore>().InitializeAsync(cancellationToken);
        await app.RunAsync(cancellationToken);
        return 0;
    }

    public static WebApplicationBuilder AddGitOpsBridge(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = GitHubWebhookEndpoint.MaxBodyBytes + (1024 * 1024));
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ISecretProvider, ConfigurationSecretProvider>();

        var storage = configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        var dbPath = System.IO.Path.GetFullPath(storage.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(dbPath)!);
        services.AddSingleton<IBridgeStore>(sp => StorageProviders.Create(storage.Provider, dbPath, storage.ConnectionString, sp.GetRequiredService<TimeProvider>()));

        var github = configuration.GetSection("GitHub").Get<GitHubOptions>() ?? new GitHubOptions();
        services.AddSingleton(github);
        services.AddSingleton(sp => new AppJwtFactory(github.AppId, GitHubKeys.LoadPrivateKey(github), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IInstallationTokens, InstallationTokens>();
        services.AddSingleton<RateLimitBudget>();
        services.AddSingleton<IGitHubApi, GitHubApi>();

        var git = new GitOptions
        {
            WorkDirectory = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(dbPath)!, "git"),
            GitUrl = GitHubEndpoints.From(github).Git.ToString().TrimEnd('/'),
        };
        services.AddSingleton(git);
        services.AddSingleton<IGitWorkspace, GitWorkspace>();

        services.AddSingleton(configuration.GetSection("Worker").Get<WorkerOptions>() ?? new WorkerOptions());
        services.AddSingleton(configuration.GetSection("Recovery").Get<RecoveryOptions>() ?? new RecoveryOptions());
        services.AddSingleton<IndexReadiness>();
        services.AddScoped<DeliveryProcessor>();
        services.AddScoped<TargetReconciler>();
        services.AddScoped<RepositoryIndexer>();
        services.AddHostedService<BridgeWorker>();
        services.AddHostedService<StartupIndexing>();
        return builder;
    }

    public static WebApplication UseGitOpsBridge(this WebApplication app)
    {
        app.MapGitHubWebhooks();
        app.MapDeliveriesApi();
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
