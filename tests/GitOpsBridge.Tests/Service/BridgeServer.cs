using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using GitOpsBridge.GitHubEmulator;
using GitOpsBridge.Hosting;
using GitOpsBridge.Webhooks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GitOpsBridge.Tests.Service;

/// <summary>
/// The real service, in process on a loopback port, wired to a GitHub emulator, with every log line
/// captured so tests can search it for secrets.
/// </summary>
internal sealed class BridgeServer : IAsyncDisposable
{
    public const string WebhookSecret = "test-webhook-secret-5f1b2c";
    public const string AdminToken = "test-admin-token-9a7d";

    private static readonly Lazy<string> SharedKey = new(() =>
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem();
    });

    private readonly WebApplication _app;
    private readonly string _dataDir;

    private BridgeServer(WebApplication app, Uri address, string dataDir, CapturedLogs logs)
    {
        _app = app;
        BaseAddress = address;
        _dataDir = dataDir;
        Logs = logs;
        Client = new HttpClient { BaseAddress = address };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _app.Services;

    public static string PrivateKeyPem => SharedKey.Value;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts an emulator whose webhooks (redeliveries) reach a bridge on <paramref name="bridgePort"/>.</summary>
    public static Task<GitHubEmulator.GitHubEmulator> StartEmulatorAsync(int bridgePort) =>
        GitHubEmulator.GitHubEmulator.StartAsync(new GitHubEmulatorOptions
        {
            PrivateKeyPem = SharedKey.Value,
            WebhookSecret = WebhookSecret,
            WebhookUrl = new Uri($"http://127.0.0.1:{bridgePort}/api/github/webhooks"),
        });

    /// <summary>
    /// Starts the service on <paramref name="port"/>; <paramref name="time"/>, when given, is the clock of
    /// the whole service (a fake one for tests of waits); <paramref name="services"/> registers
    /// replacements after the service's own (a later registration wins); <paramref name="configure"/> adds
    /// to the service's wiring after the bridge's own (an in-memory exporter, say). A setting given as null is unset.
    /// </summary>
    public static async Task<BridgeServer> StartAsync(
        GitHubEmulator.GitHubEmulator github, int port, string? dataDir = null, IDictionary<string, string?>? settings = null, TimeProvider? time = null,
        Action<IServiceCollection>? services = null, Action<WebApplicationBuilder>? configure = null)
    {
        dataDir ??= Directory.CreateTempSubdirectory("gitops-bridge-service-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Testing" });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var values = new Dictionary<string, string?>
        {
            ["GitHub:AppId"] = github.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GitHub:PrivateKey"] = SharedKey.Value,
            ["GitHub:WebhookSecret"] = WebhookSecret,
            ["GitHub:ApiUrl"] = github.BaseAddress.ToString().TrimEnd('/'),
            ["Admin:Token"] = AdminToken,
            ["Storage:Path"] = Path.Combine(dataDir, "bridge.db"),
            ["Worker:PollInterval"] = "00:00:00.020",
            ["Worker:InitialBackoff"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Debug",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.AddGitOpsBridge();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        services?.Invoke(builder.Services);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseGitOpsBridge();
        await app.Services.GetRequiredService<GitOpsBridge.Storage.IBridgeStore>().InitializeAsync();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BridgeServer(app, new Uri(address), dataDir, logs);
    }

    /// <summary>Posts a payload signed exactly as GitHub signs it.</summary>
    public async Task<HttpResponseMessage> PostAsync(string eventName, string body, string? deliveryId = null, string? secret = WebhookSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId ?? Guid.NewGuid().ToString());
        request.Headers.Add("User-Agent", "GitHub-Hookshot/test");
        if (secret is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", WebhookSignature.Compute(secret, Encoding.UTF8.GetBytes(body)));
        }

        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> GetDeliveryAsync(string id)
    {
        using var response = await Client.GetAsync($"/api/deliveries/{Uri.EscapeDataString(id)}");
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    /// <summary>Polls the deliveries API until the delivery leaves "pending" (or the deadline passes).</summary>
    public async Task<JsonElement> WaitForDeliveryAsync(string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var delivery = await GetDeliveryAsync(id);
            if (delivery.GetProperty("status").GetString() != "pending" || DateTime.UtcNow > deadline)
            {
                return delivery;
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public void DeleteData()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Every log message and exception text, for the secret scan.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public string Text => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner._lines.Enqueue($"scope {category}: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
