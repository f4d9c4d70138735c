using System.Text;
using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Sources;

/// <summary>
/// The real service with configured sources, and two tenants: <c>acme</c>, whose installation the
/// sources may trigger, and <c>othercorp</c>, whose repository tracks the same images and must never
/// be touched by them.
/// </summary>
internal sealed class SourceScenario : IAsyncDisposable
{
    public const string Secret = "source-secret-7c1d9e4f";

    public required GitHubEmulator.GitHubEmulator GitHub { get; init; }

    public required BridgeServer Bridge { get; init; }

    /// <summary>The installation on <c>acme</c>.</summary>
    public required long AcmeInstallationId { get; init; }

    public IBridgeStore Store => Bridge.Services.GetRequiredService<IBridgeStore>();

    /// <summary>
    /// Starts with <c>Sources:{name}:Kind = kind</c> for each pair, all owned by <c>acme</c> with <see cref="Secret"/>;
    /// on <paramref name="port"/> when a peer (a registry) must know the address first.
    /// </summary>
    public static async Task<SourceScenario> StartAsync(IReadOnlyDictionary<string, string> files, IEnumerable<(string Name, string Kind)> sources, IDictionary<string, string?>? settings = null, int? port = null)
    {
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        foreach (var (name, kind) in sources)
        {
            values[$"Sources:{name}:Kind"] = kind;
            values.TryAdd($"Sources:{name}:Secret", Secret);
            values[$"Sources:{name}:Owners:0"] = "acme";
        }

        var bridgePort = port ?? BridgeServer.FreePort();
        var github = await BridgeServer.StartEmulatorAsync(bridgePort);
        await github.CreateRepositoryAsync("acme", "gitops", new Dictionary<string, string>(files));
        await github.CreateRepositoryAsync("othercorp", "gitops", new Dictionary<string, string>(files));
        var acme = github.CreateInstallation("acme", "gitops");
        github.CreateInstallation("othercorp", "gitops");
        var bridge = await BridgeServer.StartAsync(github, bridgePort, settings: values);
        var scenario = new SourceScenario { GitHub = github, Bridge = bridge, AcmeInstallationId = acme.Id };
        await scenario.WaitForIndexAsync("acme/gitops");
        await scenario.WaitForIndexAsync("othercorp/gitops");
        return scenario;
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string body, Action<HttpRequestMessage>? configure = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        configure?.Invoke(request);
        using var anonymous = new HttpClient { BaseAddress = Bridge.BaseAddress };
        return await anonymous.SendAsync(request);
    }

    public async Task<string> IdOfAsync(HttpResponseMessage response)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, or fails after <paramref name="seconds"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> condition, string what, int seconds = 60)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await condition() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    private async Task WaitForIndexAsync(string repository)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await Store.GetRepositoryAsync(repository))?.ConfigYaml is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        Bridge.DeleteData();
        await GitHub.DisposeAsync();
    }
}
