using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsBridge.Tests.Service;

/// <summary>
/// The GitHub App loop end to end: real signed payloads from ../shared/fixtures in, the real
/// service with LibGit2Sharp, the GitHub emulator (spec-validated, real git over smart HTTP) out.
/// Runs once per storage backend: <see cref="SqliteServiceLoopTests"/> and <see cref="PostgresServiceLoopTests"/>.
/// </summary>
public abstract class ServiceLoopTests
{
    private const string Values = "image:\n  repository: ghcr.io/codertocat/hello-world-npm\n  tag: 1.4.2 # managed by gitops-bridge\nreplicas: 2\n";
    private static readonly string DigestA = "sha256:" + new string('a', 64);
    private static readonly string DigestB = "sha256:" + new string('b', 64);

    private const string Config = """
        version: 1
        images:
          hello:
            repository: ghcr.io/codertocat/hello-world-npm
            policy: { semver: ">=1.0.0" }
          web:
            repository: ghcr.io/codertocat/web
          app:
            repository: ghcr.io/octo-org/app
            ci: { repository: octo-org/octo-repo, workflow: test.yml, branches: [master], tag: "sha-{sha:7}" }
        environments:
          dev:
            files:
              - { path: envs/dev/values.yaml, helm: { image: hello, path: image } }
              - { path: envs/dev/web.yaml, helm: { image: web, path: image } }
              - { path: envs/dev/app.yaml, helm: { image: app, path: image } }
            pullRequest: { labels: [env/dev] }
        """;

    private static Dictionary<string, string> RepositoryFiles() => new()
    {
        [".github/gitops-bridge.yml"] = Config,
        ["envs/dev/values.yaml"] = Values,
        ["envs/dev/web.yaml"] = "image:\n  repository: ghcr.io/codertocat/web\n  tag: 2.0.0\n",
        ["envs/dev/app.yaml"] = "image:\n  repository: ghcr.io/octo-org/app\n  tag: sha-0000000\n",
    };

    /// <summary>The storage settings for one service of a test: a fresh database on this class's backend.</summary>
    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    /// <summary>The store those settings must give the service.</summary>
    protected abstract Type ExpectedStore { get; }

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(Fixtures.Root, "payloads", "github", name));

    /// <summary>
    /// The stored registry_package example, for an installation, with the tag and digest a test sets.
    /// With a tag but no digest, the digest becomes a valid one derived from the tag: the example's
    /// own 40-hex "digest" is (rightly) rejected.
    /// </summary>
    private static string PackageEvent(long installationId, string? tag, string? digest, string package = "hello-world-npm")
    {
        if (tag is not null && digest is null)
        {
            digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(package + ":" + tag)));
        }

        var json = JsonNode.Parse(Fixture("registry_package.published.container.json"))!.AsObject();
        json["installation"] = new JsonObject { ["id"] = installationId };
        var registryPackage = json["registry_package"]!;
        registryPackage["name"] = package;
        var tagNode = registryPackage["package_version"]!["container_metadata"]!["tag"]!;
        if (tag is not null)
        {
            tagNode["name"] = tag;
        }

        if (digest is not null)
        {
            tagNode["digest"] = digest;
        }

        return json.ToJsonString();
    }

    private sealed class Scenario : IAsyncDisposable
    {
        public required GitHubEmulator.GitHubEmulator GitHub { get; init; }

        public required BridgeServer Bridge { get; init; }

        public required long InstallationId { get; init; }

        public static async Task<Scenario> StartAsync(Dictionary<string, string?> storage, string account = "codertocat", IDictionary<string, string?>? settings = null)
        {
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                storage[key] = value;
            }

            var port = BridgeServer.FreePort();
            var github = await BridgeServer.StartEmulatorAsync(port);
            await github.CreateRepositoryAsync(account, "gitops", RepositoryFiles());
            var installation = github.CreateInstallation(account, "gitops");
            var bridge = await BridgeServer.StartAsync(github, port, settings: storage);
            await WaitForIndexAsync(bridge, $"{account}/gitops");
            return new Scenario { GitHub = github, Bridge = bridge, InstallationId = installation.Id };
        }

        public async ValueTask DisposeAsync()
        {
            await Bridge.DisposeAsync();
            Bridge.DeleteData();
            await GitHub.DisposeAsync();
        }
    }

    private static async Task WaitForIndexAsync(BridgeServer bridge, string repository)
    {
        var store = bridge.Services.GetRequiredService<GitOpsBridge.Storage.IBridgeStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await store.GetRepositoryAsync(repository))?.ConfigYaml is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    [SkippableFact]
    public async Task Start_StorageSettings_TheServiceRunsOnThisBackend()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());

        Assert.IsType(ExpectedStore, s.Bridge.Services.GetRequiredService<GitOpsBridge.Storage.IBridgeStore>());
        Assert.Single(await s.Bridge.Services.GetRequiredService<GitOpsBridge.Storage.IBridgeStore>().ListRepositoriesAsync(s.InstallationId));
    }

    [SkippableFact]
    public async Task FirstPullRequest_FromRegistryPackage_ChangesExactlyTheTagLine()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());

        // The stored example itself has an empty tag and a 40-hex "digest": rejected, with the reason.
        var rejected = await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, null, null), "fixture-as-is");
        Assert.Equal(HttpStatusCode.Accepted, rejected.StatusCode);
        var rejection = await s.Bridge.WaitForDeliveryAsync("fixture-as-is");
        Assert.Equal("rejected", rejection.GetProperty("status").GetString());
        Assert.Contains("empty tag", rejection.GetProperty("reason").GetString(), StringComparison.Ordinal);

        var response = await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "1.5.0", DigestA), "first");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivery = await s.Bridge.WaitForDeliveryAsync("first");

        Assert.Equal("done", delivery.GetProperty("status").GetString());
        var target = delivery.GetProperty("targets").EnumerateArray().Single();
        Assert.Equal(("codertocat/gitops", "dev", "opened"), (target.GetProperty("repository").GetString(), target.GetProperty("environment").GetString(), target.GetProperty("pullRequest").GetProperty("action").GetString()));
        var pr = Assert.Single(s.GitHub.GetPullRequests("codertocat", "gitops"));
        Assert.Equal("deploy(dev): hello-world-npm 1.4.2 → 1.5.0", pr.Title);
        Assert.Contains(DigestA, pr.Body, StringComparison.Ordinal);
        Assert.Contains("codertocat/hello-world-npm", pr.Body, StringComparison.Ordinal);

        var files = await s.GitHub.ReadFilesAsync("codertocat", "gitops", pr.Head);
        Assert.Equal(Values.Replace("tag: 1.4.2", "tag: 1.5.0", StringComparison.Ordinal), files["envs/dev/values.yaml"]);
        Assert.Equal(RepositoryFiles().Count, files.Count);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task Repeats_RedeliveryNewerOlderAndSecondImage_OnePullRequest()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());
        var first = PackageEvent(s.InstallationId, "1.5.0", null);
        await s.Bridge.PostAsync("registry_package", first, "d1");
        await s.Bridge.WaitForDeliveryAsync("d1");

        var again = await s.Bridge.PostAsync("registry_package", first, "d1");
        var newer = await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "1.6.0", null), "d2");
        var newerDelivery = await s.Bridge.WaitForDeliveryAsync("d2");
        var older = await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "1.5.5", null), "d3");
        var olderDelivery = await s.Bridge.WaitForDeliveryAsync("d3");
        await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "2.1.0", null, package: "web"), "d4");
        var webDelivery = await s.Bridge.WaitForDeliveryAsync("d4");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(newerDelivery.GetProperty("targets").GetArrayLength() == 1, newerDelivery.ToString());
        Assert.Equal("updated", newerDelivery.GetProperty("targets")[0].GetProperty("pullRequest").GetProperty("action").GetString());
        Assert.Equal("skipped", olderDelivery.GetProperty("status").GetString());
        Assert.Equal("downgrade", olderDelivery.GetProperty("reasonCode").GetString());
        Assert.Equal("done", webDelivery.GetProperty("status").GetString());
        var pr = Assert.Single(s.GitHub.GetPullRequests("codertocat", "gitops"), p => p.State == "open");
        var files = await s.GitHub.ReadFilesAsync("codertocat", "gitops", pr.Head);
        Assert.Contains("tag: 1.6.0", files["envs/dev/values.yaml"], StringComparison.Ordinal);
        Assert.Contains("tag: 2.1.0", files["envs/dev/web.yaml"], StringComparison.Ordinal);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task WorkflowRun_SuccessOpensPullRequestWithTemplatedTag_FailureIsRecorded()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync(), "octo-org");
        var run = JsonNode.Parse(Fixture("workflow_run.completed.json"))!.AsObject();
        run["installation"] = new JsonObject { ["id"] = s.InstallationId };
        var failed = JsonNode.Parse(run.ToJsonString())!.AsObject();
        failed["workflow_run"]!["conclusion"] = "failure";

        await s.Bridge.PostAsync("workflow_run", failed.ToJsonString(), "run-failed");
        await s.Bridge.PostAsync("workflow_run", run.ToJsonString(), "run-ok");
        var failedDelivery = await s.Bridge.WaitForDeliveryAsync("run-failed");
        var okDelivery = await s.Bridge.WaitForDeliveryAsync("run-ok");

        Assert.Equal("skipped", failedDelivery.GetProperty("status").GetString());
        Assert.Contains("failure", failedDelivery.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("done", okDelivery.GetProperty("status").GetString());
        var pr = Assert.Single(s.GitHub.GetPullRequests("octo-org", "gitops"));
        var files = await s.GitHub.ReadFilesAsync("octo-org", "gitops", pr.Head);
        Assert.Contains("tag: sha-3484a3f", files["envs/dev/app.yaml"], StringComparison.Ordinal);
        Assert.Contains("octo-org/octo-repo@3484a3f", pr.Body, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task BadInput_EachGetsItsStatusAndAStoredRejectionAndNoJob()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());
        var body = PackageEvent(s.InstallationId, "1.5.0", null);

        var badSignature = await s.Bridge.PostAsync("registry_package", body, "bad-sig", secret: "wrong-secret");
        var unsigned = await s.Bridge.PostAsync("registry_package", body, "unsigned", secret: null);
        var stored = await s.Bridge.PostAsync("registry_package", body, "replayed");
        var replay = await s.Bridge.PostAsync("registry_package", body.Replace("1.5.0", "1.9.9", StringComparison.Ordinal), "replayed");
        var malformed = await s.Bridge.PostAsync("registry_package", "{\"action\": ", "malformed");
        var unknown = await s.Bridge.PostAsync("some_future_event", "{\"action\":\"created\"}", "unknown");
        var ping = await s.Bridge.PostAsync("ping", "{\"zen\":\"Keep it logically awesome.\"}", "ping");
        using var huge = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(new byte[(25 * 1024 * 1024) + 10]) };
        huge.Headers.Add("X-GitHub-Event", "registry_package");
        huge.Headers.Add("X-GitHub-Delivery", "huge");
        var tooLarge = await s.Bridge.Client.SendAsync(huge);

        Assert.Equal(HttpStatusCode.Unauthorized, badSignature.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, stored.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);

        // Rejections never occupy the real ids; each is stored under its own generated id.
        Assert.Equal(HttpStatusCode.NotFound, (await s.Bridge.Client.GetAsync("/api/deliveries/bad-sig")).StatusCode);
        Assert.Equal("ignored", (await s.Bridge.GetDeliveryAsync("unknown")).GetProperty("status").GetString());
        using var list = JsonDocument.Parse(await s.Bridge.Client.GetStringAsync("/api/deliveries?limit=50"));
        var codes = list.RootElement.EnumerateArray().Where(d => d.GetProperty("status").GetString() == "rejected").Select(d => d.GetProperty("reasonCode").GetString()).ToList();
        Assert.Equal(2, codes.Count(c => c == "bad-signature"));
        Assert.Contains("replay", codes);
        Assert.Contains("malformed-json", codes);
        Assert.Contains("too-large", codes);
        var queue = await s.Bridge.Services.GetRequiredService<GitOpsBridge.Storage.IBridgeStore>().GetQueueStatsAsync();
        Assert.True(queue.Pending + queue.Leased <= 1, "only the one valid delivery may have queued work");
    }

    [SkippableFact]
    public async Task DeliveriesApi_WithoutAdminToken_Is401()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());
        using var anonymous = new HttpClient { BaseAddress = s.Bridge.BaseAddress };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/deliveries?limit=1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
    }

    [SkippableFact]
    public async Task Isolation_EventFromOneInstallation_NeverTouchesAnother()
    {
        var port = BridgeServer.FreePort();
        await using var github = await BridgeServer.StartEmulatorAsync(port);
        await github.CreateRepositoryAsync("codertocat", "gitops", RepositoryFiles());
        await github.CreateRepositoryAsync("othercorp", "gitops", RepositoryFiles());
        var mine = github.CreateInstallation("codertocat", "gitops");
        github.CreateInstallation("othercorp", "gitops");
        var bridge = await BridgeServer.StartAsync(github, port, settings: await StorageSettingsAsync());
        try
        {
            await WaitForIndexAsync(bridge, "codertocat/gitops");
            await WaitForIndexAsync(bridge, "othercorp/gitops");

            await bridge.PostAsync("registry_package", PackageEvent(mine.Id, "1.5.0", null), "mine");
            var delivery = await bridge.WaitForDeliveryAsync("mine");

            Assert.True(delivery.GetProperty("status").GetString() == "done", delivery.ToString());
            Assert.Single(github.GetPullRequests("codertocat", "gitops"));
            Assert.Empty(github.GetPullRequests("othercorp", "gitops"));
            Assert.All(delivery.GetProperty("targets").EnumerateArray(), t => Assert.Equal("codertocat/gitops", t.GetProperty("repository").GetString()));
        }
        finally
        {
            await bridge.DisposeAsync();
            bridge.DeleteData();
        }
    }

    [SkippableFact]
    public async Task Secrets_NeverAppearInLogs()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());
        await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "1.5.0", null), "s1");
        await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "1.5.1", null), "s2", secret: "wrong");
        await s.Bridge.WaitForDeliveryAsync("s1");
        var token = s.GitHub.CreateInstallationToken(s.InstallationId).Token;

        var logs = s.Bridge.Logs.Text;

        Assert.NotEmpty(logs);
        Assert.DoesNotContain(BridgeServer.WebhookSecret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(BridgeServer.AdminToken, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(BridgeServer.PrivateKeyPem.Split('\n')[1], logs, StringComparison.Ordinal);
        Assert.DoesNotContain("ghs_", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task MissedDelivery_ListedAsFailed_IsRedeliveredAndProcessed()
    {
        var port = BridgeServer.FreePort();
        await using var github = await BridgeServer.StartEmulatorAsync(port);
        await github.CreateRepositoryAsync("codertocat", "gitops", RepositoryFiles());
        var installation = github.CreateInstallation("codertocat", "gitops");
        var missed = github.AddFailedDelivery("registry_package", PackageEvent(installation.Id, "1.7.0", null));

        var bridge = await BridgeServer.StartAsync(github, port, settings: await StorageSettingsAsync());
        try
        {
            var redelivery = await github.WaitForRedeliveryAsync(missed.Id).WaitAsync(TimeSpan.FromSeconds(30));
            var delivery = await bridge.WaitForDeliveryAsync(missed.Guid);

            Assert.True(redelivery.Redelivery);
            Assert.True(delivery.GetProperty("status").GetString() == "done", delivery.ToString());
            var pr = Assert.Single(github.GetPullRequests("codertocat", "gitops"));
            Assert.Contains("1.7.0", pr.Title, StringComparison.Ordinal);
        }
        finally
        {
            await bridge.DisposeAsync();
            bridge.DeleteData();
        }
    }

    [SkippableFact]
    public async Task DoubleTrigger_PackageAndRegistryPackage_CollapseIntoOneChange()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());
        var registry = JsonNode.Parse(PackageEvent(s.InstallationId, "1.5.0", null))!;
        var package = JsonNode.Parse(Fixture("package.published.container.json"))!.AsObject();
        package["installation"] = new JsonObject { ["id"] = s.InstallationId };
        package["package"]!["package_version"]!["container_metadata"]!["tag"] = registry["registry_package"]!["package_version"]!["container_metadata"]!["tag"]!.DeepClone();

        await s.Bridge.PostAsync("registry_package", registry.ToJsonString(), "as-registry-package");
        await s.Bridge.PostAsync("package", package.ToJsonString(), "as-package");
        var first = await s.Bridge.WaitForDeliveryAsync("as-registry-package");
        var second = await s.Bridge.WaitForDeliveryAsync("as-package");

        var statuses = new[] { first, second }.Select(d => (d.GetProperty("status").GetString(), d.GetProperty("reasonCode").GetString())).ToList();
        Assert.Contains(("done", null), statuses);
        Assert.Contains(("skipped", "duplicate"), statuses);
        Assert.Single(s.GitHub.GetPullRequests("codertocat", "gitops"));
    }

    [SkippableFact]
    public async Task MergedPullRequest_IsRecordedAndTheBranchDeleted()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());
        await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "1.5.0", null), "opened");
        await s.Bridge.WaitForDeliveryAsync("opened");
        var pr = Assert.Single(s.GitHub.GetPullRequests("codertocat", "gitops"));
        var closed = JsonNode.Parse(Fixture("pull_request.closed.not-merged.json"))!.AsObject();
        closed["installation"] = new JsonObject { ["id"] = s.InstallationId };
        closed["number"] = pr.Number;
        closed["pull_request"]!["number"] = pr.Number;
        closed["pull_request"]!["merged"] = true;
        closed["repository"]!["full_name"] = "codertocat/gitops";

        await s.Bridge.PostAsync("pull_request", closed.ToJsonString(), "merged");
        var delivery = await s.Bridge.WaitForDeliveryAsync("merged");

        Assert.Equal(("done", "merged"), (delivery.GetProperty("status").GetString(), delivery.GetProperty("reasonCode").GetString()));
        Assert.Equal("merged", delivery.GetProperty("targets")[0].GetProperty("pullRequest").GetProperty("action").GetString());
        Assert.Null(await s.GitHub.GetBranchShaAsync("codertocat", "gitops", pr.Head));
    }

    [SkippableFact]
    public async Task BaseAlreadyHoldsTheDesiredState_PullRequestIsClosedWithAComment()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());
        await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "1.5.0", null), "opened");
        await s.Bridge.WaitForDeliveryAsync("opened");
        var pr = Assert.Single(s.GitHub.GetPullRequests("codertocat", "gitops"));

        // Someone deploys 1.5.0 by hand; the next event for this target finds nothing left to do.
        await s.GitHub.CommitAsync("codertocat", "gitops", "main", new Dictionary<string, string?> { ["envs/dev/values.yaml"] = Values.Replace("1.4.2", "1.5.0", StringComparison.Ordinal) });
        await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "2.0.0", null, package: "web"), "web-same");
        var delivery = await s.Bridge.WaitForDeliveryAsync("web-same");

        Assert.Equal("skipped", delivery.GetProperty("status").GetString());
        Assert.Equal("closed", delivery.GetProperty("targets")[0].GetProperty("pullRequest").GetProperty("action").GetString());
        var after = Assert.Single(s.GitHub.GetPullRequests("codertocat", "gitops"));
        Assert.Equal("closed", after.State);
        Assert.Contains(s.GitHub.GetComments("codertocat", "gitops", pr.Number), c => c.Body.Contains("already holds", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task PushChangingTheConfig_RefreshesTheIndex()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());
        await s.GitHub.CommitAsync("codertocat", "gitops", "main", new Dictionary<string, string?>
        {
            [".github/gitops-bridge.yml"] = Config.Replace("repository: ghcr.io/codertocat/hello-world-npm", "repository: ghcr.io/codertocat/renamed", StringComparison.Ordinal),
        });
        var push = JsonNode.Parse(Fixture("push.json"))!.AsObject();
        push["installation"] = new JsonObject { ["id"] = s.InstallationId };
        push["ref"] = "refs/heads/main";
        push["repository"]!["full_name"] = "codertocat/gitops";
        push["repository"]!["default_branch"] = "main";
        push["commits"] = new JsonArray(new JsonObject { ["added"] = new JsonArray(), ["removed"] = new JsonArray(), ["modified"] = new JsonArray(".github/gitops-bridge.yml") });

        await s.Bridge.PostAsync("push", push.ToJsonString(), "config-push");
        Assert.Equal("done", (await s.Bridge.WaitForDeliveryAsync("config-push")).GetProperty("status").GetString());
        var store = s.Bridge.Services.GetRequiredService<GitOpsBridge.Storage.IBridgeStore>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await store.GetRepositoryAsync("codertocat/gitops"))!.TrackedImages.Contains("ghcr.io/codertocat/renamed") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "1.5.0", null), "after-refresh");
        var delivery = await s.Bridge.WaitForDeliveryAsync("after-refresh");

        Assert.Equal(("skipped", "not-tracked"), (delivery.GetProperty("status").GetString(), delivery.GetProperty("reasonCode").GetString()));
        Assert.Empty(s.GitHub.GetPullRequests("codertocat", "gitops"));
    }

    [SkippableFact]
    public async Task WebhookSecret_RotatedInConfiguration_TakesEffectWithoutRestart()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());
        var body = PackageEvent(s.InstallationId, "1.5.0", null);
        s.Bridge.Services.GetRequiredService<IConfiguration>()["GitHub:WebhookSecret"] = "rotated-secret-7c1e";

        var old = await s.Bridge.PostAsync("registry_package", body, "old-secret");
        var rotated = await s.Bridge.PostAsync("registry_package", body, "new-secret", secret: "rotated-secret-7c1e");

        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, rotated.StatusCode);
    }

    [SkippableFact]
    public async Task LongJob_OutlivingItsLeaseDuration_IsRenewedAndNeverRunTwice()
    {
        // A 1 s lease and a 3 s GitHub call: without renewal another worker loop re-leases the
        // job mid-call and creates the pull request a second time.
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync(), settings: new Dictionary<string, string?> { ["Worker:LeaseDuration"] = "00:00:01" });
        s.GitHub.Faults.Enqueue(GitHubEmulator.GitHubRoutes.CreatePullRequest, GitHubEmulator.Fault.Delay(TimeSpan.FromSeconds(3)));

        await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "1.5.0", null), "long");
        var delivery = await s.Bridge.WaitForDeliveryAsync("long");

        Assert.Equal("done", delivery.GetProperty("status").GetString());
        Assert.Equal(1, s.GitHub.Calls[GitHubEmulator.GitHubRoutes.CreatePullRequest]);
        Assert.Single(s.GitHub.GetPullRequests("codertocat", "gitops"));
    }
}

/// <summary>The service loop on SQLite, the default backend.</summary>
public sealed class SqliteServiceLoopTests : ServiceLoopTests
{
    protected override Type ExpectedStore => typeof(GitOpsBridge.Storage.SqliteBridgeStore);

    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.SqliteAsync();
}

/// <summary>The service loop on PostgreSQL, each service on a fresh schema of the class's database.</summary>
public sealed class PostgresServiceLoopTests(PostgresDatabaseFixture database) : ServiceLoopTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override Type ExpectedStore => typeof(GitOpsBridge.Storage.PostgresBridgeStore);

    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.PostgresAsync(database);
}
