using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.Core.Images;
using GitOpsBridge.GitHub;
using GitOpsBridge.GitHubEmulator;
using GitOpsBridge.Sources;
using GitOpsBridge.Storage;
using GitOpsBridge.Work;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GitOpsBridge.Tests.Service;

/// <summary>
/// Issue 3, acceptance points 4 to 6: the real service under a burst of deliveries, a crash mid-job
/// and GitHub's failures. Each test runs the service against the GitHub emulator and checks the end
/// state GitHub shows (one pull request, on the latest base) and the outcome the deliveries API shows.
/// Runs once per storage backend: <see cref="SqliteResilienceTests"/> and <see cref="PostgresResilienceTests"/>.
/// </summary>
public abstract class ResilienceTests
{
    internal const string Owner = "codertocat";
    internal const string Repo = "gitops";
    internal const string Repository = Owner + "/" + Repo;

    internal const string Values = "image:\n  repository: ghcr.io/codertocat/hello-world-npm\n  tag: 1.0.0 # managed by gitops-bridge\nreplicas: 2\n";

    internal const string Config = """
        version: 1
        images:
          hello:
            repository: ghcr.io/codertocat/hello-world-npm
            policy: { semver: ">=1.0.0" }
        environments:
          dev:
            files:
              - { path: envs/dev/values.yaml, helm: { image: hello, path: image } }
            pullRequest: { labels: [env/dev] }
        """;

    /// <summary>The storage settings for one service of a test: a fresh database on this class's backend.</summary>
    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    internal static Dictionary<string, string> RepositoryFiles() => new()
    {
        [".github/gitops-bridge.yml"] = Config,
        ["envs/dev/values.yaml"] = Values,
        ["README.md"] = "# gitops\n",
    };

    [SkippableFact]
    public async Task Burst_200ShuffledConcurrentDeliveriesOfOneImage_OnePullRequestAtTheNewestTag()
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());
        var seed = Environment.TickCount;
        var tags = Enumerable.Range(1, 200).Select(i => $"1.0.{i}").ToArray();
        new Random(seed).Shuffle(tags);

        var responses = await Task.WhenAll(tags.Select(tag => s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, tag), "burst-" + tag)));
        var deliveries = await s.WaitForAllAsync(tags.Select(t => "burst-" + t).ToList(), TimeSpan.FromSeconds(90));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var pr = Assert.Single(s.GitHub.GetPullRequests(Owner, Repo));
        Assert.Equal("open", pr.State);
        var files = await s.GitHub.ReadFilesAsync(Owner, Repo, pr.Head);
        Assert.Equal(Values.Replace("tag: 1.0.0", "tag: 1.0.200", StringComparison.Ordinal), files["envs/dev/values.yaml"]);
        Assert.Equal("deploy(dev): hello-world-npm 1.0.0 → 1.0.200", pr.Title);
        var outcomes = deliveries.Values.Select(d => (Status: d.GetProperty("status").GetString(), Code: d.GetProperty("reasonCode").GetString())).ToList();
        Assert.True(outcomes.All(o => o.Status == "done" || (o.Status == "skipped" && o.Code is "downgrade" or "already-current")),
            $"seed {seed}: " + string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Key.Status}/{g.Key.Code}: {g.Count()}")));
        Assert.Equal("done", deliveries["burst-1.0.200"].GetProperty("status").GetString());
        Assert.Equal(pr.Number, deliveries["burst-1.0.200"].GetProperty("targets")[0].GetProperty("pullRequest").GetProperty("number").GetInt32());
        s.GitHub.AssertNoSpecViolations();
    }

    /// <summary>
    /// The service, a real child process, is killed with SIGKILL while its reconcile is leased and
    /// held on a slow GitHub call, then started again with the same command on the same database.
    /// Once the dead worker's lease (3 s) expires the job runs again and finishes what was started:
    /// one pull request, no duplicate, and the delivery done with it. Held on pulls/create the kill
    /// lands before GitHub has the PR; held on issues/add-labels it lands after GitHub opened the PR
    /// but before the bridge recorded it, the window in which a naive retry opens a second one.
    /// </summary>
    [SkippableTheory]
    [InlineData(GitHubRoutes.CreatePullRequest)]
    [InlineData(GitHubRoutes.AddLabels)]
    public async Task Crash_KilledWhileAReconcileIsLeasedThenRestarted_OnePullRequestAndTheDeliveryDone(string heldRoute)
    {
        var port = BridgeServer.FreePort();
        await using var github = await BridgeServer.StartEmulatorAsync(port);
        await github.CreateRepositoryAsync(Owner, Repo, RepositoryFiles());
        var installation = github.CreateInstallation(Owner, Repo);
        var dataDir = Directory.CreateTempSubdirectory("gitops-bridge-crash-");
        var settings = StorageBackends.AsEnvironment(await StorageSettingsAsync());
        settings["Worker__LeaseDuration"] = "00:00:03";
        github.Faults.Enqueue(heldRoute, Fault.Delay(TimeSpan.FromMinutes(1)));
        BridgeProcess? bridge = null;
        try
        {
            bridge = await BridgeProcess.StartAsync(github, port, dataDir.FullName, settings);
            await bridge.PostAsync("registry_package", PackageEvent(installation.Id, "1.0.1"), "crash");
            await WaitUntilAsync(() => github.Calls[heldRoute] > 0, TimeSpan.FromSeconds(30));
            var pullRequestsAtKill = github.GetPullRequests(Owner, Repo).Count;
            bridge.Kill();
            await bridge.DisposeAsync();
            bridge = await BridgeProcess.StartAsync(github, port, dataDir.FullName, settings);
            var delivery = await bridge.WaitForDeliveryAsync("crash", TimeSpan.FromSeconds(30));

            Assert.Equal(heldRoute == GitHubRoutes.AddLabels ? 1 : 0, pullRequestsAtKill);
            Assert.True(delivery.GetProperty("status").GetString() == "done", $"{delivery}\n{bridge.Output}");
            var pr = Assert.Single(github.GetPullRequests(Owner, Repo));
            Assert.Equal(("open", pr.Number), (pr.State, delivery.GetProperty("targets")[0].GetProperty("pullRequest").GetProperty("number").GetInt32()));
            Assert.Contains("env/dev", pr.Labels);
            Assert.Contains("tag: 1.0.1", (await github.ReadFilesAsync(Owner, Repo, pr.Head))["envs/dev/values.yaml"], StringComparison.Ordinal);
            github.AssertNoSpecViolations();
        }
        finally
        {
            if (bridge is not null)
            {
                await bridge.DisposeAsync();
            }

            dataDir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Each fault GitHub can throw at a reconcile is survived: the delivery ends done with one pull
    /// request whose branch is one commit on the base's current tip. Rate limits also show their
    /// wait was honoured: the PR cannot exist before Retry-After (1 s) has passed since the event.
    /// The exact retry time is checked under a fake clock in <c>RateLimit_*</c>.
    /// </summary>
    [SkippableTheory]
    [InlineData("500")]
    [InlineData("502")]
    [InlineData("403-secondary-rate-limit")]
    [InlineData("429")]
    [InlineData("expired-token")]
    [InlineData("slow-response")]
    [InlineData("422-already-exists")]
    [InlineData("base-moved")]
    public async Task Fault_DuringReconcile_DeliveryDoneWithOnePullRequestOnTheLatestBase(string fault)
    {
        await using var s = await Scenario.StartAsync(await StorageSettingsAsync());
        var movedValues = Values.Replace("replicas: 2", "replicas: 3", StringComparison.Ordinal);
        var minimumDelay = TimeSpan.Zero;
        switch (fault)
        {
            case "500":
                s.GitHub.Faults.Enqueue(GitHubRoutes.CreatePullRequest, Fault.InternalServerError());
                break;
            case "502":
                s.GitHub.Faults.Enqueue(GitHubRoutes.ListPullRequests, Fault.BadGateway());
                break;
            case "403-secondary-rate-limit":
                s.GitHub.Faults.Enqueue(GitHubRoutes.CreatePullRequest, Fault.SecondaryRateLimit(TimeSpan.FromSeconds(1)));
                minimumDelay = TimeSpan.FromSeconds(1);
                break;
            case "429":
                s.GitHub.Faults.Enqueue(GitHubRoutes.ListPullRequests, Fault.TooManyRequests(TimeSpan.FromSeconds(1)));
                minimumDelay = TimeSpan.FromSeconds(1);
                break;
            case "expired-token":
                // The token start-up indexing cached is refused from now on, by the API and by git.
                s.GitHub.ExpireAllTokens();
                break;
            case "slow-response":
                s.GitHub.Faults.Enqueue(GitHubRoutes.CreatePullRequest, Fault.Delay(TimeSpan.FromSeconds(1.5)));
                break;
            case "422-already-exists":
                s.GitHub.Faults.Enqueue(GitHubRoutes.CreatePullRequest, Fault.PullRequestAlreadyExists());
                break;
            case "base-moved":
                // The push of the bridge's branch is held while a person changes the very file the
                // bridge edits on main. (Faults.MoveBranchAfterNextFetch does this after the fetch, but
                // the emulator skips the move when the client closes the connection as soon as it has
                // the pack, which libgit2 often does; the held push is deterministic.)
                s.GitHub.Faults.Enqueue(GitHubRoutes.GitReceivePack, Fault.Delay(TimeSpan.FromSeconds(2)));
                break;
        }

        var posted = DateTimeOffset.UtcNow;
        await s.Bridge.PostAsync("registry_package", PackageEvent(s.InstallationId, "1.0.1"), "fault-" + fault);
        if (fault == "base-moved")
        {
            await WaitUntilAsync(() => s.GitHub.GitCalls[GitHubRoutes.GitReceivePack] > 0, TimeSpan.FromSeconds(10));
            await s.GitHub.CommitAsync(Owner, Repo, "main", new Dictionary<string, string?> { ["envs/dev/values.yaml"] = movedValues }, "Scale dev to 3");
        }

        var delivery = await s.Bridge.WaitForDeliveryAsync("fault-" + fault, TimeSpan.FromSeconds(20));

        Assert.True(delivery.GetProperty("status").GetString() == "done", delivery.ToString());
        Assert.Equal(0, s.GitHub.Faults.Pending);
        var pr = Assert.Single(s.GitHub.GetPullRequests(Owner, Repo));
        Assert.Equal(("open", pr.Number), (pr.State, delivery.GetProperty("targets")[0].GetProperty("pullRequest").GetProperty("number").GetInt32()));
        var head = (await s.GitHub.GetCommitsAsync(Owner, Repo, pr.Head))[0];
        Assert.Equal(await s.GitHub.GetBranchShaAsync(Owner, Repo, "main"), Assert.Single(head.Parents));
        var baseValues = fault == "base-moved" ? movedValues : Values;
        Assert.Equal(baseValues.Replace("tag: 1.0.0", "tag: 1.0.1", StringComparison.Ordinal), (await s.GitHub.ReadFilesAsync(Owner, Repo, pr.Head))["envs/dev/values.yaml"]);
        Assert.True(pr.CreatedAt - posted >= minimumDelay, $"the pull request was created {(pr.CreatedAt - posted).TotalMilliseconds} ms after the event, within Retry-After");
        s.GitHub.AssertNoSpecViolations();
    }

    /// <summary>
    /// The wait GitHub asks for is the wait the job gets, to the millisecond: the whole service and
    /// the emulator run on one fake clock, so nothing really sleeps. After the limited call the
    /// target job must not be leasable a millisecond before now + Retry-After (or, for the primary
    /// limit, before <c>x-ratelimit-reset</c>) and must be at that time; the clock is then moved
    /// there and the delivery ends done.
    /// (The real-time variants in <c>Fault_*</c> only show the wait was at least Retry-After.)
    /// </summary>
    [SkippableTheory]
    [InlineData("403-secondary-rate-limit")]
    [InlineData("429")]
    [InlineData("403-primary-rate-limit")]
    public async Task RateLimit_OnAFakeClock_JobRetriesExactlyWhenGitHubSaid(string limit)
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var clock = new FakeTimeProvider(start);
        var port = BridgeServer.FreePort();
        await using var github = await GitHubEmulator.GitHubEmulator.StartAsync(new GitHubEmulatorOptions
        {
            PrivateKeyPem = BridgeServer.PrivateKeyPem,
            WebhookSecret = BridgeServer.WebhookSecret,
            TimeProvider = clock,
        });
        await github.CreateRepositoryAsync(Owner, Repo, RepositoryFiles());
        var installation = github.CreateInstallation(Owner, Repo);
        var poll = TimeSpan.FromSeconds(1);
        var dataDir = Directory.CreateTempSubdirectory("gitops-bridge-clock-").FullName;
        var storage = await StorageSettingsAsync();
        var bridge = await BridgeServer.StartAsync(github, port, dataDir, new Dictionary<string, string?>(storage) { ["Worker:PollInterval"] = "00:00:01" }, clock);
        try
        {
            var store = bridge.Services.GetRequiredService<IBridgeStore>();
            await WaitUntilAsync(async () => (await store.GetRepositoryAsync(Repository))?.ConfigYaml is not null, TimeSpan.FromSeconds(30));
            var (route, fault) = limit switch
            {
                "403-secondary-rate-limit" => (GitHubRoutes.CreatePullRequest, Fault.SecondaryRateLimit(TimeSpan.FromSeconds(37))),
                "429" => (GitHubRoutes.ListPullRequests, Fault.TooManyRequests(TimeSpan.FromSeconds(41))),
                _ => (GitHubRoutes.CreatePullRequest, Fault.PrimaryRateLimit()),
            };
            github.Faults.Enqueue(route, fault);

            // The emulator answers an injected fault before it authenticates, so the 403's
            // x-ratelimit-reset is that of the anonymous window: opened here, it resets at start + 1 h,
            // which the limited call, 5 minutes later, cannot mistake for "an hour from now".
            using (var anonymous = new HttpClient())
            {
                (await anonymous.GetAsync(new Uri(github.BaseAddress, $"repos/{Repository}"))).Dispose();
            }

            clock.Advance(TimeSpan.FromMinutes(5));
            await bridge.PostAsync("registry_package", PackageEvent(installation.Id, "1.0.1"), "limited");
            clock.Advance(poll);
            await WaitUntilAsync(async () => (await store.GetQueueStatsAsync()).Retrying == 1, TimeSpan.FromSeconds(30));

            // Put off, not failed: the attempt is not counted, so no number of delays gives the job up.
            Assert.All(await store.ListJobsAsync(10), job => Assert.Equal(0, job.Attempt));
            var limitedAt = clock.GetUtcNow();
            var retryAt = limit switch
            {
                "403-secondary-rate-limit" => limitedAt + TimeSpan.FromSeconds(37),
                "429" => limitedAt + TimeSpan.FromSeconds(41),
                _ => start + TimeSpan.FromHours(1),
            };

            // A second store on the same database, on its own clock, probes when the job may be leased.
            var probeClock = new FakeTimeProvider(retryAt - TimeSpan.FromMilliseconds(1));
            var probe = StorageBackends.OpenStore(storage, dataDir, probeClock);
            var early = await probe.TryLeaseAsync("probe", TimeSpan.FromMilliseconds(1));
            probeClock.SetUtcNow(retryAt);
            var due = await probe.TryLeaseAsync("probe", TimeSpan.FromMilliseconds(1)); // lapses a millisecond later
            await probe.DisposeAsync();
            clock.SetUtcNow(retryAt + poll);
            var delivery = await bridge.WaitForDeliveryAsync("limited", TimeSpan.FromSeconds(30));

            Assert.Null(early);
            Assert.NotNull(due);
            Assert.Equal(JobKind.Target, due.Job.Kind);
            Assert.Contains("Retry after", due.Job.LastError, StringComparison.Ordinal);
            Assert.Equal(2, github.Calls[route]);
            Assert.True(delivery.GetProperty("status").GetString() == "done", delivery.ToString());
            Assert.Equal("open", Assert.Single(github.GetPullRequests(Owner, Repo)).State);
            github.AssertNoSpecViolations();
        }
        finally
        {
            await bridge.DisposeAsync();
            bridge.DeleteData();
        }
    }

    /// <summary>
    /// The race the burst can hit: two deliveries read the same current version, and the lower one
    /// writes last. Made certain here by holding the lower one between its read and its write.
    /// </summary>
    [SkippableFact]
    public async Task Burst_LowerVersionDecidedOnAStaleRead_NeverReplacesTheHigher()
    {
        var folder = Directory.CreateTempSubdirectory("gitops-bridge-race-");
        var inner = StorageBackends.OpenStore(await StorageSettingsAsync(), folder.FullName, TimeProvider.System);
        try
        {
            await inner.InitializeAsync();
            var gate = StaleReadStore.Wrap(inner);
            Assert.True(ImageReference.TryParseRepository("ghcr.io/codertocat/hello-world-npm", out var imageName, out _));
            await inner.SetRepositoryAsync(new RepositoryRecord(Repository, 7, "main", Config, null, [imageName], DateTimeOffset.UtcNow));
            foreach (var (id, tag) in new[] { ("older", "1.0.1"), ("newer", "1.0.2") })
            {
                var body = PackageEvent(7, tag);
                var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)));
                await inner.InsertDeliveryAsync(new DeliveryRecord(id, "github", "registry_package.published", DateTimeOffset.UtcNow, DeliveryStatus.Pending, null, null, sha, 7, null), body);
            }

            var readiness = new IndexReadiness();
            readiness.MarkReady();
            DeliveryProcessor Processor() => new(gate.Store, Mock.Of<IGitHubApi>(), readiness, new SourceCatalog([]), Mock.Of<GitOpsBridge.Registries.IRegistryClient>(), Mock.Of<GitOpsBridge.Secrets.ISecretProvider>(), TimeProvider.System, NullLogger<DeliveryProcessor>.Instance,
                new MergeCoordinator(gate.Store, Mock.Of<IGitHubApi>(), Mock.Of<GitOpsBridge.Git.IGitWorkspace>(), Mock.Of<IInstallationTokens>(), TimeProvider.System, NullLogger<MergeCoordinator>.Instance));

            var older = Processor().ProcessAsync("older", CancellationToken.None);
            await gate.FirstReadDone.WaitAsync(TimeSpan.FromSeconds(10));
            await Processor().ProcessAsync("newer", CancellationToken.None);
            gate.ReleaseFirstRead();
            await older.WaitAsync(TimeSpan.FromSeconds(10));

            var desired = Assert.Single(await inner.GetDesiredImagesAsync(new TargetKey(7, Repository, "main", "dev")));
            Assert.Equal(("1.0.2", "newer"), (desired.Tag, desired.DeliveryId));
            var outcome = Assert.Single(await inner.GetTargetOutcomesAsync("older"));
            Assert.Equal((DeliveryStatus.Skipped, "downgrade"), (outcome.Status, outcome.ReasonCode));
        }
        finally
        {
            await inner.DisposeAsync();
            folder.Delete(recursive: true);
        }
    }

    internal static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the condition did not hold within {timeout.TotalSeconds} s");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// The stored registry_package example for an installation, with a tag and a valid digest derived
    /// from it (the example's own 40-hex "digest" is rightly rejected).
    /// </summary>
    internal static string PackageEvent(long installationId, string tag, string package = "hello-world-npm")
    {
        var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(package + ":" + tag)));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "payloads", "github", "registry_package.published.container.json")))!.AsObject();
        json["installation"] = new JsonObject { ["id"] = installationId };
        var registryPackage = json["registry_package"]!;
        registryPackage["name"] = package;
        var tagNode = registryPackage["package_version"]!["container_metadata"]!["tag"]!;
        tagNode["name"] = tag;
        tagNode["digest"] = digest;
        return json.ToJsonString();
    }

    /// <summary>An emulated GitHub with the GitOps repository installed, and the service in process.</summary>
    private sealed class Scenario : IAsyncDisposable
    {
        public required GitHubEmulator.GitHubEmulator GitHub { get; init; }

        public required BridgeServer Bridge { get; init; }

        public required long InstallationId { get; init; }

        public static async Task<Scenario> StartAsync(Dictionary<string, string?> storage)
        {
            var port = BridgeServer.FreePort();
            var github = await BridgeServer.StartEmulatorAsync(port);
            await github.CreateRepositoryAsync(Owner, Repo, RepositoryFiles());
            var installation = github.CreateInstallation(Owner, Repo);
            var bridge = await BridgeServer.StartAsync(github, port, settings: storage);
            var store = bridge.Services.GetRequiredService<IBridgeStore>();
            await WaitUntilAsync(async () => (await store.GetRepositoryAsync(Repository))?.ConfigYaml is not null, TimeSpan.FromSeconds(30));

            return new Scenario { GitHub = github, Bridge = bridge, InstallationId = installation.Id };
        }

        /// <summary>
        /// Waits until none of <paramref name="ids"/> is pending (polling the store: one query, where
        /// the API reads every delivery's targets), then reads them once through the deliveries API.
        /// </summary>
        public async Task<Dictionary<string, JsonElement>> WaitForAllAsync(IReadOnlyCollection<string> ids, TimeSpan timeout)
        {
            var store = Bridge.Services.GetRequiredService<IBridgeStore>();
            var wanted = ids.ToHashSet(StringComparer.Ordinal);
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                var stored = (await store.ListDeliveriesAsync(500)).Where(d => wanted.Contains(d.Id)).ToList();
                var pending = wanted.Count - stored.Count(d => d.Status != DeliveryStatus.Pending);
                if (pending == 0)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"{pending} of {wanted.Count} deliveries still pending after {timeout.TotalSeconds} s; first: "
                    + (await Bridge.GetDeliveryAsync(wanted.First(id => stored.All(d => d.Id != id || d.Status == DeliveryStatus.Pending)))));
                await Task.Delay(100);
            }

            using var list = JsonDocument.Parse(await Bridge.Client.GetStringAsync("/api/deliveries?limit=500"));
            return list.RootElement.EnumerateArray()
                .Where(d => wanted.Contains(d.GetProperty("id").GetString()!))
                .ToDictionary(d => d.GetProperty("id").GetString()!, d => d.Clone());
        }

        public async ValueTask DisposeAsync()
        {
            await Bridge.DisposeAsync();
            Bridge.DeleteData();
            await GitHub.DisposeAsync();
        }
    }

    /// <summary>
    /// A store that forwards every call to a real one, except that the first read of a target's
    /// desired state returns only after <see cref="ReleaseFirstRead"/>: a stale read, on demand.
    /// </summary>
    internal class StaleReadStore : DispatchProxy
    {
        private readonly TaskCompletionSource _firstReadDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private IBridgeStore _inner = null!;
        private int _reads;

        public Task FirstReadDone => _firstReadDone.Task;

        /// <summary>This proxy, as the store it stands in for.</summary>
        public IBridgeStore Store => (IBridgeStore)(object)this;

        public static StaleReadStore Wrap(IBridgeStore inner)
        {
            var proxy = (StaleReadStore)(object)Create<IBridgeStore, StaleReadStore>();
            proxy._inner = inner;
            return proxy;
        }

        public void ReleaseFirstRead() => _release.TrySetResult();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IBridgeStore.GetDesiredImagesAsync) && Interlocked.Increment(ref _reads) == 1)
            {
                return ReadThenWaitAsync((TargetKey)args![0]!, (CancellationToken)args[1]!);
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        }

        private async Task<IReadOnlyList<DesiredImage>> ReadThenWaitAsync(TargetKey target, CancellationToken cancellationToken)
        {
            var images = await _inner.GetDesiredImagesAsync(target, cancellationToken);
            _firstReadDone.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
            return images;
        }
    }
}

/// <summary>The resilience tests on SQLite, the default backend.</summary>
public sealed class SqliteResilienceTests : ResilienceTests
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.SqliteAsync();
}

/// <summary>The resilience tests on PostgreSQL, each service on a fresh schema of the class's database.</summary>
public sealed class PostgresResilienceTests(PostgresDatabaseFixture database) : ResilienceTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.PostgresAsync(database);
}
