using System.Globalization;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator;
using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Service;
using Microsoft.Extensions.Time.Testing;

namespace GitOpsBridge.Tests.Lifecycle;

/// <summary>
/// Issue 5, batching and coalescing, end to end (real service, emulator, signed webhooks) on both
/// storage backends: a monorepo's ten images from one workflow run in one pull request, a batch
/// window on a fake clock, deliveries held by <c>/gitops-bridge hold</c>, and rate-limit delays.
/// </summary>
public abstract class BatchingTests
{
    internal const int Services = 10;
    internal const string RunTag = "sha-3484a3f";
    private const string Writer = "octo-writer";

    /// <summary>Ten images of one monorepo, all built by the workflow <c>test.yml</c> of octo-org/octo-repo.</summary>
    internal static readonly string MonorepoConfig =
        "version: 1\nimages:\n"
        + string.Concat(Enumerable.Range(0, Services).Select(i =>
            $"  svc-{i}:\n    repository: ghcr.io/codertocat/svc-{i}\n    ci: {{ repository: octo-org/octo-repo, workflow: test.yml, tag: \"sha-{{sha:7}}\" }}\n"))
        + "environments:\n  dev:\n    files:\n"
        + string.Concat(Enumerable.Range(0, Services).Select(i => $"      - {{ path: envs/dev/svc-{i}.yaml, helm: {{ image: svc-{i}, path: image }} }}\n"));

    internal static readonly IReadOnlyDictionary<string, string> MonorepoFiles = Enumerable.Range(0, Services).ToDictionary(
        i => $"envs/dev/svc-{i}.yaml", i => $"image:\n  repository: ghcr.io/codertocat/svc-{i}\n  tag: sha-0000000\n");

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    /// <summary>Acceptance 1: one workflow run, ten images, one PR with ten rows; two later pushes update the same PR and keep all ten.</summary>
    [SkippableFact]
    public async Task WorkflowRun_TenImages_OnePullRequestWithTenRows_LaterPushesUpdateItAndKeepAllTen()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: MonorepoConfig, files: MonorepoFiles);

        var run = await RunWorkflowAsync(s, "run");

        Assert.True(LifecycleScenario.StatusOf(run) == ("done", null), run.ToString());
        var pr = s.SinglePullRequest("open");
        Assert.Equal(1, s.GitHub.GitCalls[GitHubRoutes.GitReceivePack]);
        Assert.Equal(1, s.GitHub.Calls[GitHubRoutes.CreatePullRequest]);
        await AssertTenChangesAsync(s, pr, new Dictionary<int, string>());

        var first = await s.PushImageAsync("svc-3", "sha-1111111", "push-3");
        var second = await s.PushImageAsync("svc-7", "sha-2222222", "push-7");

        Assert.Equal("done", first.GetProperty("status").GetString());
        Assert.Equal("done", second.GetProperty("status").GetString());
        var updated = s.SinglePullRequest("open");
        Assert.Equal(pr.Number, updated.Number);
        Assert.Equal(pr.Number, second.GetProperty("targets")[0].GetProperty("pullRequest").GetProperty("number").GetInt32());
        Assert.Equal(1, s.GitHub.Calls[GitHubRoutes.CreatePullRequest]);
        await AssertTenChangesAsync(s, updated, new Dictionary<int, string> { [3] = "sha-1111111", [7] = "sha-2222222" });
        s.GitHub.AssertNoSpecViolations();
    }

    /// <summary>
    /// A batch window of one minute: five pushes within it push nothing, then one commit and one pull
    /// request at the first event's time plus the window; later events do not postpone it.
    /// </summary>
    [SkippableFact]
    public async Task BatchWindow_FivePushesInTheWindow_OnePushWhenTheWindowEnds()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
        var settings = await StorageSettingsAsync();
        settings["Worker:PollInterval"] = "00:00:00.100";
        await using var s = await LifecycleScenario.StartAsync(settings, clock, LifecycleScenario.Config + "\n    batchWindow: 1m\n");
        var pushes = new[] { ("hello-world-npm", "1.5.0"), ("web", "2.1.0"), ("hello-world-npm", "1.6.0"), ("web", "2.2.0"), ("hello-world-npm", "1.7.0") };
        DateTimeOffset? due = null;
        var outcomes = new List<TargetOutcome>();
        for (var i = 0; i < pushes.Length; i++)
        {
            var (package, tag) = pushes[i];
            await s.Bridge.PostAsync("registry_package", s.PackageEvent(package, tag), $"burst-{i}");
            outcomes.Add(await StepUntilOutcomeAsync(s, clock, $"burst-{i}", o => o.ReasonCode == "batched"));

            // The pending outcome is written before the target is queued; the delivery's job ends after.
            await StepUntilAsync(clock, async () => (await s.Store.ListJobsAsync(10)).All(j => j.Kind == JobKind.Target), TimeSpan.Zero);
            var job = Assert.Single(await s.Store.ListJobsAsync(10), j => j.Kind == JobKind.Target);
            due ??= job.NotBefore;
            Assert.Equal(due, job.NotBefore);
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        var dueText = due!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        Assert.All(outcomes, o => Assert.Equal(DeliveryStatus.Pending, o.Status));
        Assert.All(outcomes, o => Assert.Contains("publishes them together at " + dueText, o.Reason, StringComparison.Ordinal));
        Assert.True(clock.GetUtcNow() < due, $"the burst took until {clock.GetUtcNow():O}, past the window's end {due:O}");

        // Up to a second before the window ends: nothing pushed, no pull request.
        await StepUntilAsync(clock, () => Task.FromResult(clock.GetUtcNow() >= due.Value - TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(1));
        await Task.Delay(300);
        Assert.Equal(0, s.GitHub.GitCalls[GitHubRoutes.GitReceivePack]);
        Assert.Empty(s.GitHub.GetPullRequests(LifecycleScenario.Owner, LifecycleScenario.Name));

        // The reconcile records the published versions first, then settles the superseded ones.
        await StepUntilAsync(clock, async () => (await s.Store.ListDeliveriesAsync(20)).Count(d => d.Id.StartsWith("burst-", StringComparison.Ordinal) && d.Status != DeliveryStatus.Pending) == pushes.Length);

        Assert.Equal(1, s.GitHub.GitCalls[GitHubRoutes.GitReceivePack]);
        var pr = s.SinglePullRequest("open");
        var files = await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Head);
        Assert.Contains("tag: 1.7.0", files["envs/dev/hello.yaml"], StringComparison.Ordinal);
        Assert.Contains("tag: 2.2.0", files["envs/dev/web.yaml"], StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Done, (await s.Store.GetDeliveryAsync("burst-4"))!.Status);
        Assert.Equal(DeliveryStatus.Done, (await s.Store.GetDeliveryAsync("burst-3"))!.Status);
        foreach (var superseded in new[] { "burst-0", "burst-1", "burst-2" })
        {
            Assert.Equal(DeliveryStatus.Skipped, (await s.Store.GetDeliveryAsync(superseded))!.Status);
        }

        s.GitHub.AssertNoSpecViolations();
    }

    /// <summary>A delivery that arrives while the target is held stays pending (held), and the reconcile after release settles it as done.</summary>
    [SkippableFact]
    public async Task Hold_DeliveryWhileHeld_StaysPendingAndIsDoneAfterRelease()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync());
        s.GitHub.SetCollaboratorRole(LifecycleScenario.Owner, LifecycleScenario.Name, Writer, "write");
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");
        await s.CommentAsync(pr.Number, Writer, "/gitops-bridge hold", "hold");

        await s.Bridge.PostAsync("registry_package", s.PackageEvent("web", "2.1.0"), "web-210");
        var held = await WaitForOutcomeAsync(s, "web-210", o => o.ReasonCode == "held");
        var whileHeld = await s.Store.GetDeliveryAsync("web-210");

        Assert.Equal(DeliveryStatus.Pending, held.Status);
        Assert.Contains("published after /gitops-bridge release", held.Reason, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Pending, whileHeld!.Status);
        Assert.Contains("tag: 2.0.0", (await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Head))["envs/dev/web.yaml"], StringComparison.Ordinal);

        await s.CommentAsync(pr.Number, Writer, "/gitops-bridge release", "release");
        var released = await s.Bridge.WaitForDeliveryAsync("web-210");

        Assert.True(released.GetProperty("status").GetString() == "done", released.ToString());
        var target = released.GetProperty("targets")[0];
        Assert.Equal(pr.Number, target.GetProperty("pullRequest").GetProperty("number").GetInt32());
        Assert.Contains("tag: 2.1.0", await s.WaitForFileAsync(pr.Head, "envs/dev/web.yaml", "tag: 2.1.0"), StringComparison.Ordinal);
    }

    /// <summary>
    /// GitHub's budget is short (a secondary limit with Retry-After, or the primary limit spent):
    /// the delivery stays pending and says it is delayed and until when, then ends done.
    /// </summary>
    [SkippableTheory]
    [InlineData("secondary")]
    [InlineData("primary")]
    public async Task RateLimit_BudgetShort_DeliveryPendingSaysDelayed_ThenDone(string limit)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var settings = await StorageSettingsAsync();
        settings["Worker:PollInterval"] = "00:00:00.100";
        await using var s = await LifecycleScenario.StartAsync(settings, clock);
        s.GitHub.Faults.Enqueue(GitHubRoutes.CreatePullRequest, limit == "secondary" ? Fault.SecondaryRateLimit(TimeSpan.FromSeconds(37)) : Fault.PrimaryRateLimit());

        await s.Bridge.PostAsync("registry_package", s.PackageEvent("hello-world-npm", "1.5.0"), "limited");
        var outcome = await StepUntilOutcomeAsync(s, clock, "limited", o => o.ReasonCode == "rate-limited");

        // The outcomes are written while the job is still leased, then the job is rescheduled.
        await StepUntilAsync(clock, async () => (await s.Store.ListJobsAsync(10)).Any(j => j.Kind == JobKind.Target && j.LastError is not null), TimeSpan.Zero);
        var delivery = (await s.Store.GetDeliveryAsync("limited"))!;
        var job = Assert.Single(await s.Store.ListJobsAsync(10), j => j.Kind == JobKind.Target);
        var retryAt = job.NotBefore.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Contains("retried at " + retryAt, outcome.Reason, StringComparison.Ordinal);
        Assert.Equal((DeliveryStatus.Pending, "rate-limited"), (delivery.Status, delivery.ReasonCode));
        Assert.Contains("not failed", delivery.Reason, StringComparison.Ordinal);
        Assert.Empty(s.GitHub.GetPullRequests(LifecycleScenario.Owner, LifecycleScenario.Name));

        clock.SetUtcNow(job.NotBefore);
        await StepUntilAsync(clock, async () => (await s.Store.GetDeliveryAsync("limited"))?.Status != DeliveryStatus.Pending);
        var done = await s.Bridge.WaitForDeliveryAsync("limited");

        Assert.True(done.GetProperty("status").GetString() == "done", done.ToString());
        Assert.Equal("open", s.SinglePullRequest("open").State);
    }

    /// <summary>Sends the fixture's successful <c>workflow_run</c> of octo-org/octo-repo (<c>test.yml</c>), and waits until it settles.</summary>
    internal static async Task<System.Text.Json.JsonElement> RunWorkflowAsync(LifecycleScenario s, string deliveryId)
    {
        var json = JsonNode.Parse(LifecycleScenario.Fixture("workflow_run.completed.json"))!.AsObject();
        json["installation"] = new JsonObject { ["id"] = s.InstallationId };
        await s.Bridge.PostAsync("workflow_run", json.ToJsonString(), deliveryId);
        return await s.Bridge.WaitForDeliveryAsync(deliveryId);
    }

    /// <summary>The PR's body has ten rows (old → new) and its branch changes the ten files, each to its expected tag.</summary>
    private static async Task AssertTenChangesAsync(LifecycleScenario s, EmulatedPullRequest pr, IReadOnlyDictionary<int, string> overrides)
    {
        var rows = (pr.Body ?? "").Split('\n').Where(l => l.StartsWith("| `ghcr.io/codertocat/svc-", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count == Services, pr.Body);
        var head = await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Head);
        var main = await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, "main");
        Assert.Equal(Services, head.Count(f => main.GetValueOrDefault(f.Key) != f.Value));
        for (var i = 0; i < Services; i++)
        {
            var tag = overrides.GetValueOrDefault(i, RunTag);
            Assert.Contains($"tag: {tag}\n", head[$"envs/dev/svc-{i}.yaml"], StringComparison.Ordinal);
            Assert.Single(rows, r => r.StartsWith($"| `ghcr.io/codertocat/svc-{i}` ", StringComparison.Ordinal) && r.EndsWith($"| `sha-0000000` | `{tag}` |", StringComparison.Ordinal));
        }
    }

    /// <summary>The delivery's first target outcome, once it satisfies <paramref name="done"/> (30 s real-time bound).</summary>
    internal static async Task<TargetOutcome> WaitForOutcomeAsync(LifecycleScenario s, string deliveryId, Func<TargetOutcome, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var outcome = (await s.Store.GetTargetOutcomesAsync(deliveryId)).FirstOrDefault();
            if (outcome is not null && done(outcome))
            {
                return outcome;
            }

            Assert.True(DateTime.UtcNow < deadline, $"delivery {deliveryId}: {outcome}");
            await Task.Delay(50);
        }
    }

    /// <summary>Moves the fake clock on, a poll at a time, until the delivery's outcome satisfies <paramref name="done"/>.</summary>
    private static async Task<TargetOutcome> StepUntilOutcomeAsync(LifecycleScenario s, FakeTimeProvider clock, string deliveryId, Func<TargetOutcome, bool> done)
    {
        TargetOutcome? found = null;
        await StepUntilAsync(clock, async () =>
        {
            found = (await s.Store.GetTargetOutcomesAsync(deliveryId)).FirstOrDefault();
            return found is not null && done(found);
        });
        return found!;
    }

    /// <summary>Advances the fake clock by <paramref name="step"/> (100 ms unless told) until the condition holds; bounded by 30 s of real time.</summary>
    private static async Task StepUntilAsync(FakeTimeProvider clock, Func<Task<bool>> condition, TimeSpan? step = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the condition did not hold by {clock.GetUtcNow():O}");
            clock.Advance(step ?? TimeSpan.FromMilliseconds(100));
            await Task.Delay(10);
        }
    }
}

/// <summary>Batching on SQLite.</summary>
public sealed class SqliteBatchingTests : BatchingTests
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.SqliteAsync();
}

/// <summary>Batching on PostgreSQL.</summary>
public sealed class PostgresBatchingTests(PostgresDatabaseFixture database) : BatchingTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.PostgresAsync(database);
}
