using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Telemetry;

/// <summary>
/// The real service (in process, loopback) with the GitHub emulator and one GitOps repository whose
/// dev environment tracks <c>ghcr.io/codertocat/hello-world-npm</c>: a registry_package webhook for
/// a newer tag opens a real pull request.
/// </summary>
internal sealed class PublishScenario : IAsyncDisposable
{
    public const string Account = "codertocat";
    public const string Repository = "codertocat/gitops";

    private const string Config = """
        version: 1
        images:
          hello:
            repository: ghcr.io/codertocat/hello-world-npm
        environments:
          dev:
            files:
              - { path: envs/dev/values.yaml, helm: { image: hello, path: image } }
        """;

    private PublishScenario(GitHubEmulator.GitHubEmulator github, BridgeServer bridge, long installationId)
    {
        GitHub = github;
        Bridge = bridge;
        InstallationId = installationId;
    }

    public GitHubEmulator.GitHubEmulator GitHub { get; }

    public BridgeServer Bridge { get; }

    public long InstallationId { get; }

    public static async Task<PublishScenario> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var port = BridgeServer.FreePort();
        var github = await BridgeServer.StartEmulatorAsync(port);
        await github.CreateRepositoryAsync(Account, "gitops", new Dictionary<string, string>
        {
            [".github/gitops-bridge.yml"] = Config,
            ["envs/dev/values.yaml"] = "image:\n  repository: ghcr.io/codertocat/hello-world-npm\n  tag: 1.4.2\n",
        });
        var installation = github.CreateInstallation(Account, "gitops");
        var bridge = await BridgeServer.StartAsync(github, port, settings: settings, configure: configure);
        var store = bridge.Services.GetRequiredService<GitOpsBridge.Storage.IBridgeStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await store.GetRepositoryAsync(Repository))?.ConfigYaml is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return new PublishScenario(github, bridge, installation.Id);
    }

    /// <summary>Posts the stored registry_package example for <paramref name="tag"/> and waits until the delivery settles.</summary>
    public async Task<JsonElement> PublishAsync(string tag, string deliveryId)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "payloads", "github", "registry_package.published.container.json")))!.AsObject();
        json["installation"] = new JsonObject { ["id"] = InstallationId };
        var package = json["registry_package"]!;
        package["name"] = "hello-world-npm";
        var metadata = package["package_version"]!["container_metadata"]!["tag"]!;
        metadata["name"] = tag;
        metadata["digest"] = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tag)));
        using var response = await Bridge.PostAsync("registry_package", json.ToJsonString(), deliveryId);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return await Bridge.WaitForDeliveryAsync(deliveryId);
    }

    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        Bridge.DeleteData();
        await GitHub.DisposeAsync();
    }
}
