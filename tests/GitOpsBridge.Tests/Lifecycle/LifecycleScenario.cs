using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Lifecycle;

/// <summary>
/// One GitOps repository with two images in <c>dev</c>, the real service on it and the emulator,
/// and the webhooks a person's actions on a bridge pull request make GitHub send.
/// </summary>
internal sealed class LifecycleScenario : IAsyncDisposable
{
    public const string Owner = "codertocat";
    public const string Name = "gitops";
    public const string Repository = Owner + "/" + Name;

    public const string Config = """
        version: 1
        images:
          hello:
            repository: ghcr.io/codertocat/hello-world-npm
          web:
            repository: ghcr.io/codertocat/web
        environments:
          dev:
            files:
              - { path: envs/dev/hello.yaml, helm: { image: hello, path: image } }
              - { path: envs/dev/web.yaml, helm: { image: web, path: image } }
        """;

    public required GitHubEmulator.GitHubEmulator GitHub { get; init; }

    public required BridgeServer Bridge { get; init; }

    public required long InstallationId { get; init; }

    public IBridgeStore Store => Bridge.Services.GetRequiredService<IBridgeStore>();

    public TargetKey Dev => new(InstallationId, Repository, "main", "dev");

    // sourceRepositories: repositories of Owner (names) whose CI builds the images, created with one commit and installed with the GitOps repository.
    public static async Task<LifecycleScenario> StartAsync(Dictionary<string, string?> storage, TimeProvider? time = null, string config = Config, IReadOnlyDictionary<string, string>? files = null,
        IReadOnlyList<string>? sourceRepositories = null)
    {
        storage["GitHub:AppSlug"] = "gitops-bridge";
        var port = BridgeServer.FreePort();

        // On a fake clock the emulator shares it: the App JWT and token lifetimes are checked against it.
        var github = time is null
            ? await BridgeServer.StartEmulatorAsync(port)
            : await GitHubEmulator.GitHubEmulator.StartAsync(new GitHubEmulator.GitHubEmulatorOptions
            {
                PrivateKeyPem = BridgeServer.PrivateKeyPem,
                WebhookSecret = BridgeServer.WebhookSecret,
                TimeProvider = time,
            });
        var repositoryFiles = new Dictionary<string, string>
        {
            [".github/gitops-bridge.yml"] = config,
            ["envs/dev/hello.yaml"] = "image:\n  repository: ghcr.io/codertocat/hello-world-npm\n  tag: 1.4.2\n",
            ["envs/dev/web.yaml"] = "image:\n  repository: ghcr.io/codertocat/web\n  tag: 2.0.0\n",
        };
        foreach (var (path, text) in files ?? new Dictionary<string, string>())
        {
            repositoryFiles[path] = text;
        }

        await github.CreateRepositoryAsync(Owner, Name, repositoryFiles);
        foreach (var source in sourceRepositories ?? [])
        {
            await github.CreateRepositoryAsync(Owner, source, new Dictionary<string, string> { ["README.md"] = $"# {source}\n" });
        }

        var installation = github.CreateInstallation(Owner, [Name, .. sourceRepositories ?? []]);
        var bridge = await BridgeServer.StartAsync(github, port, settings: storage, time: time);
        var scenario = new LifecycleScenario { GitHub = github, Bridge = bridge, InstallationId = installation.Id };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await scenario.Store.GetRepositoryAsync(Repository))?.ConfigYaml is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return scenario;
    }

    /// <summary>Announces an image version as GHCR does, and waits until the delivery settles.</summary>
    public async Task<JsonElement> PushImageAsync(string package, string tag, string deliveryId)
    {
        await Bridge.PostAsync("registry_package", PackageEvent(package, tag), deliveryId);
        return await Bridge.WaitForDeliveryAsync(deliveryId);
    }

    /// <summary>
    /// The <c>push</c> webhook GitHub sends for a commit to main that changes the config (the commit
    /// itself is the caller's); waits until the bridge has read the new config.
    /// </summary>
    public async Task PushConfigChangeAsync(string deliveryId)
    {
        var push = JsonNode.Parse(Fixture("push.json"))!.AsObject();
        push["installation"] = new JsonObject { ["id"] = InstallationId };
        push["ref"] = "refs/heads/main";
        push["repository"]!["full_name"] = Repository;
        push["repository"]!["default_branch"] = "main";
        push["commits"] = new JsonArray(new JsonObject { ["added"] = new JsonArray(), ["removed"] = new JsonArray(), ["modified"] = new JsonArray(".github/gitops-bridge.yml") });
        await Bridge.PostAsync("push", push.ToJsonString(), deliveryId);
        Assert.Equal("done", (await Bridge.WaitForDeliveryAsync(deliveryId)).GetProperty("status").GetString());
    }

    /// <summary>The <c>registry_package</c> payload GHCR sends for a new version of a package.</summary>
    public string PackageEvent(string package, string tag)
    {
        var json = JsonNode.Parse(Fixture("registry_package.published.container.json"))!.AsObject();
        json["installation"] = new JsonObject { ["id"] = InstallationId };
        json["registry_package"]!["name"] = package;
        var tagNode = json["registry_package"]!["package_version"]!["container_metadata"]!["tag"]!;
        tagNode["name"] = tag;
        tagNode["digest"] = DigestOf(package, tag);
        return json.ToJsonString();
    }

    /// <summary>Announces an image version with <c>repository_dispatch</c> (a tag, no digest), and waits until it settles.</summary>
    public async Task<JsonElement> DispatchImageAsync(string package, string tag, string deliveryId)
    {
        var json = JsonNode.Parse(Fixture("repository_dispatch.json"))!.AsObject();
        json["installation"] = new JsonObject { ["id"] = InstallationId };
        json["client_payload"] = new JsonObject { ["image"] = $"ghcr.io/codertocat/{package}", ["tag"] = tag };
        await Bridge.PostAsync("repository_dispatch", json.ToJsonString(), deliveryId);
        return await Bridge.WaitForDeliveryAsync(deliveryId);
    }

    /// <summary>Closes (without merging) or reopens a pull request as <paramref name="sender"/>, and waits until the webhook settles.</summary>
    public async Task<JsonElement> SetStateAsync(int number, string action, string sender, string deliveryId)
    {
        GitHub.SetPullRequestState(Owner, Name, number, action == "closed" ? "closed" : "open");
        var json = JsonNode.Parse(Fixture("pull_request.closed.not-merged.json"))!.AsObject();
        json["action"] = action;
        json["installation"] = new JsonObject { ["id"] = InstallationId };
        json["number"] = number;
        json["pull_request"]!["number"] = number;
        json["pull_request"]!["merged"] = false;
        json["pull_request"]!["state"] = action == "closed" ? "closed" : "open";
        json["repository"]!["full_name"] = Repository;
        json["sender"]!["login"] = sender;
        json["sender"]!["type"] = sender.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User";
        await Bridge.PostAsync("pull_request", json.ToJsonString(), deliveryId);
        return await Bridge.WaitForDeliveryAsync(deliveryId);
    }

    /// <summary>Opens a pull request from <paramref name="headSha"/> into main as a person, and waits until the webhook settles.</summary>
    public async Task<JsonElement> OpenPullRequestAsync(int number, string headSha, string deliveryId)
    {
        var json = JsonNode.Parse(Fixture("pull_request.closed.not-merged.json"))!.AsObject();
        json["action"] = "opened";
        json["installation"] = new JsonObject { ["id"] = InstallationId };
        json["number"] = number;
        json["pull_request"]!["number"] = number;
        json["pull_request"]!["state"] = "open";
        json["pull_request"]!["merged"] = false;
        json["pull_request"]!["head"]!["sha"] = headSha;
        json["pull_request"]!["base"]!["sha"] = (await GitHub.GetBranchShaAsync(Owner, Name, "main"))!;
        json["repository"]!["full_name"] = Repository;
        await Bridge.PostAsync("pull_request", json.ToJsonString(), deliveryId);
        return await Bridge.WaitForDeliveryAsync(deliveryId);
    }

    /// <summary>Comments on a pull request as <paramref name="login"/> (a person), and waits until the webhook settles.</summary>
    public async Task<JsonElement> CommentAsync(int number, string login, string body, string deliveryId)
    {
        var json = JsonNode.Parse(Fixture("issue_comment.created.json"))!.AsObject();
        json["installation"] = new JsonObject { ["id"] = InstallationId };
        json["issue"]!["number"] = number;
        json["issue"]!["pull_request"] = new JsonObject
        {
            ["url"] = $"{GitHub.BaseAddress}repos/{Repository}/pulls/{number}",
            ["html_url"] = $"{GitHub.BaseAddress}{Repository}/pull/{number}",
        };
        json["comment"]!["body"] = body;
        json["comment"]!["user"]!["login"] = login;
        json["comment"]!["user"]!["type"] = "User";
        json["sender"]!["login"] = login;
        json["repository"]!["full_name"] = Repository;
        await Bridge.PostAsync("issue_comment", json.ToJsonString(), deliveryId);
        return await Bridge.WaitForDeliveryAsync(deliveryId);
    }

    /// <summary>The bridge's replies on a pull request, oldest first.</summary>
    public IReadOnlyList<string> Replies(int number) =>
        [.. GitHub.GetComments(Owner, Name, number).Where(c => c.Author == GitHub.BotLogin).Select(c => c.Body)];

    /// <summary>A file on a branch, once <paramref name="expected"/> is in it (or as it is when the deadline passes).</summary>
    public async Task<string> WaitForFileAsync(string branch, string path, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var files = await GitHub.ReadFilesAsync(Owner, Name, branch);
            var text = files.GetValueOrDefault(path) ?? "";
            if (text.Contains(expected, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                return text;
            }

            await Task.Delay(100);
        }
    }

    public GitHubEmulator.EmulatedPullRequest SinglePullRequest(string state) =>
        Assert.Single(GitHub.GetPullRequests(Owner, Name), p => p.State == state);

    public static string DigestOf(string package, string tag) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(package + ":" + tag)));

    public static (string? Status, string? Code) StatusOf(JsonElement delivery) =>
        (delivery.GetProperty("status").GetString(), delivery.GetProperty("reasonCode").GetString());

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(Fixtures.Root, "payloads", "github", name));

    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        Bridge.DeleteData();
        await GitHub.DisposeAsync();
    }
}
