using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Service;
using Xunit.Abstractions;

namespace GitOpsBridge.Tests.Lifecycle;

/// <summary>
/// Promotion dev → staging (soak 30m) → prod (deployment gate), end to end: the real service, the
/// emulator (real merge commits, deployments, compare), signed webhooks and a fake clock shared by
/// both, on both storage backends.
/// </summary>
public abstract class PromotionTests(ITestOutputHelper output)
{
    private const string Owner = LifecycleScenario.Owner;
    private const string Name = LifecycleScenario.Name;
    private const string Source = "hello-world-npm";
    private const string Writer = "octo-writer";

    private const string ChainConfig = """
        version: 1
        images:
          hello:
            repository: ghcr.io/codertocat/hello-world-npm
        environments:
          dev:
            files:
              - { path: envs/dev/hello.yaml, helm: { image: hello, path: image } }
          staging:
            promoteFrom: dev
            soak: 30m
            files:
              - { path: envs/staging/hello.yaml, helm: { image: hello, path: image } }
          prod:
            promoteFrom: staging
            requireDeployment: true
            files:
              - { path: envs/prod/hello.yaml, helm: { image: hello, path: image } }
        """;

    private static readonly Dictionary<string, string> ChainFiles = new()
    {
        ["envs/staging/hello.yaml"] = "image:\n  repository: ghcr.io/codertocat/hello-world-npm\n  tag: 1.4.2\n",
        ["envs/prod/hello.yaml"] = "image:\n  repository: ghcr.io/codertocat/hello-world-npm\n  tag: 1.4.2\n",
    };

    /// <summary>A Tuesday morning, outside any window.</summary>
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    [SkippableFact]
    public async Task Chain_DevToStagingAfterSoak_StagingToProdAfterDeployment()
    {
        await using var pumped = new PumpedClock(Start);
        var clock = pumped.Clock;
        var storage = await StorageSettingsAsync();
        storage["Worker:PollInterval"] = "00:00:00.100";
        await using var s = await LifecycleScenario.StartAsync(storage, clock, ChainConfig, ChainFiles, [Source]);
        await WaitForRepositoryAsync(s, $"{Owner}/{Source}");
        var commit = (await s.GitHub.GetBranchShaAsync(Owner, Source, "main"))!;

        // dev: a CI build of the source repository's commit opens the dev pull request.
        var built = await DispatchAsync(s, "1.5.0", commit, "build-150");
        Assert.Equal("done", built.GetProperty("status").GetString());
        var dev = s.SinglePullRequest("open");

        // The dev merge: staging waits for its soak; the source repository gets a Deployment.
        s.GitHub.Calls.Reset();
        var (devMerge, devMergedAt) = await MergeAsync(s, clock, dev.Number, "merge-dev");
        var waiting = await WaitForOutcomeAsync(s, "merge-dev", "staging", o => o.ReasonCode == "promotion-gate");
        var soakEnds = devMergedAt.AddMinutes(30);
        Assert.Equal(DeliveryStatus.Pending, waiting.Status);
        Assert.Contains($"soak until {soakEnds.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC", waiting.Reason, StringComparison.Ordinal);
        Assert.Equal(soakEnds, (await WaitForJobAsync(s, "staging")).NotBefore);
        var deployment = Assert.Single(s.GitHub.GetDeployments(Owner, Source));
        Assert.Equal((commit, "dev", s.GitHub.BotLogin), (deployment.Sha, deployment.Environment, deployment.Creator));
        var status = Assert.Single(deployment.Statuses);
        Assert.Equal("success", status.State);
        Assert.Equal((await s.Store.FindPullRequestAsync(Repository, dev.Number))!.Url, status.LogUrl);
        Assert.Contains($"deployment {deployment.Id} of {commit[..7]} to dev recorded on {Owner}/{Source}",
            (await s.Store.GetTargetOutcomesAsync("merge-dev")).Single(o => o.Environment == "dev").Reason, StringComparison.Ordinal);

        // The deployment_status this causes on the source repository opens nothing.
        var own = await PostDeploymentStatusAsync(s, $"{Owner}/{Source}", "dev", commit, "success", s.GitHub.BotLogin, "own-deployment");
        Assert.Equal(("ignored", "own-deployment"), LifecycleScenario.StatusOf(own));

        // One minute before the soak ends: no staging pull request.
        pumped.AdvanceTo(soakEnds.AddMinutes(-1));
        await Task.Delay(TimeSpan.FromSeconds(1)); // a bounded look for something that must not happen: ten polls of the worker
        Assert.DoesNotContain(s.GitHub.GetPullRequests(Owner, Name), p => p.Head == "gitops-bridge/staging");

        pumped.AdvanceTo(soakEnds);
        var staging = await WaitForPullRequestAsync(s, "gitops-bridge/staging");
        var devToStaging = s.GitHub.Calls.ByRoute;
        output.WriteLine($"dev merge webhook → staging PR open: {s.GitHub.Calls.Total} REST calls: {string.Join(", ", devToStaging.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} ×{c.Value}"))}");
        Assert.Contains($"Promoted from **dev** in #{dev.Number}.", staging.Body, StringComparison.Ordinal);
        Assert.Contains("tag: 1.5.0", (await s.GitHub.ReadFilesAsync(Owner, Name, staging.Head))["envs/staging/hello.yaml"], StringComparison.Ordinal);
        Assert.Equal("done", (await s.Bridge.WaitForDeliveryAsync("merge-dev")).GetProperty("status").GetString());
        Assert.Empty(await s.Store.GetTargetControlsAsync(Target(s, "staging")));

        // The staging merge: prod waits for a successful deployment of staging at the merge commit or later.
        s.GitHub.Calls.Reset();
        var (stagingMerge, _) = await MergeAsync(s, clock, staging.Number, "merge-staging");
        var prodWaiting = await WaitForOutcomeAsync(s, "merge-staging", "prod", o => o.ReasonCode == "promotion-gate");
        Assert.Equal(DeliveryStatus.Pending, prodWaiting.Status);
        Assert.Contains($"a successful deployment of staging at {stagingMerge[..7]} or a later commit", prodWaiting.Reason, StringComparison.Ordinal);
        Assert.Equal(["dev", "staging"], s.GitHub.GetDeployments(Owner, Source).Select(d => d.Environment));

        // A failed deployment, and a success at a commit before the merge, open nothing.
        var failed = await PostDeploymentStatusAsync(s, Repository, "staging", stagingMerge, "failure", "argocd", "staging-failed");
        Assert.Equal(("ignored", "deployment-not-successful"), LifecycleScenario.StatusOf(failed));
        var older = await PostDeploymentStatusAsync(s, Repository, "staging", devMerge, "success", "argocd", "staging-older");
        Assert.Equal(("skipped", "deployment-not-matching"), LifecycleScenario.StatusOf(older));
        pumped.AdvanceTo(clock.GetUtcNow().AddHours(2));
        await Task.Delay(TimeSpan.FromSeconds(1)); // as above: nothing may open prod's pull request
        Assert.DoesNotContain(s.GitHub.GetPullRequests(Owner, Name), p => p.Head == "gitops-bridge/prod");

        // A success at a later commit of staging's base opens the gate.
        var later = await s.GitHub.CommitAsync(Owner, Name, "main", new Dictionary<string, string?> { ["README.md"] = "later\n" });
        var deployed = await PostDeploymentStatusAsync(s, Repository, "staging", later, "success", "argocd", "staging-deployed");
        Assert.Equal(("done", "deployment-gate-open"), LifecycleScenario.StatusOf(deployed));
        var prod = await WaitForPullRequestAsync(s, "gitops-bridge/prod");
        output.WriteLine($"staging merge webhook → prod PR open (with 3 deployment_status events): {s.GitHub.Calls.Total} REST calls: {string.Join(", ", s.GitHub.Calls.ByRoute.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} ×{c.Value}"))}");
        Assert.Contains($"Promoted from **staging** in #{staging.Number}.", prod.Body, StringComparison.Ordinal);
        Assert.Contains("tag: 1.5.0", (await s.GitHub.ReadFilesAsync(Owner, Name, prod.Head))["envs/prod/hello.yaml"], StringComparison.Ordinal);
        Assert.Equal("done", (await s.Bridge.WaitForDeliveryAsync("merge-staging")).GetProperty("status").GetString());
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task NoGates_MergeInDev_OpensThePromotionAtOnce_AndAnotherInstallationsSourceGetsNoDeployment()
    {
        var config = LifecycleScenario.Config + "\n  staging:\n    promoteFrom: dev\n    files:\n      - { path: envs/staging/hello.yaml, helm: { image: hello, path: image } }\n";
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: config, files: ChainFiles);

        // The source repository exists, but in another installation: tenant isolation.
        await s.GitHub.CreateRepositoryAsync("someone-else", Source, new Dictionary<string, string> { ["README.md"] = "x\n" });
        s.GitHub.CreateInstallation("someone-else", Source);
        var commit = (await s.GitHub.GetBranchShaAsync("someone-else", Source, "main"))!;
        await DispatchAsync(s, "1.5.0", commit, "build-150", "someone-else/" + Source);
        var dev = s.SinglePullRequest("open");

        await MergeAsync(s, TimeProvider.System, dev.Number, "merge-dev");
        var staging = await WaitForPullRequestAsync(s, "gitops-bridge/staging");

        Assert.Contains($"Promoted from **dev** in #{dev.Number}.", staging.Body, StringComparison.Ordinal);
        Assert.Equal("done", (await s.Bridge.WaitForDeliveryAsync("merge-dev")).GetProperty("status").GetString());
        Assert.Empty(s.GitHub.GetDeployments("someone-else", Source));
        Assert.Contains("no deployment recorded on someone-else/hello-world-npm", (await s.Store.GetTargetOutcomesAsync("merge-dev")).Single(o => o.Environment == "dev").Reason, StringComparison.Ordinal);
        s.GitHub.AssertNoSpecViolations();
    }

    /// <summary>
    /// The merge job runs again, as after a crash once it had recorded the Deployment (the delivery
    /// is still pending and its job queued again): the source repository keeps one Deployment.
    /// </summary>
    [SkippableFact]
    public async Task MergeJobRunsAgain_DeploymentOnTheSourceRepositoryIsRecordedOnce()
    {
        var config = LifecycleScenario.Config + "\n  staging:\n    promoteFrom: dev\n    files:\n      - { path: envs/staging/hello.yaml, helm: { image: hello, path: image } }\n";
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: config, files: ChainFiles, sourceRepositories: [Source]);
        await WaitForRepositoryAsync(s, $"{Owner}/{Source}");
        var commit = (await s.GitHub.GetBranchShaAsync(Owner, Source, "main"))!;
        await DispatchAsync(s, "1.5.0", commit, "build-150");
        var dev = s.SinglePullRequest("open");
        await MergeAsync(s, TimeProvider.System, dev.Number, "merge-dev");
        Assert.Equal("done", (await s.Bridge.WaitForDeliveryAsync("merge-dev")).GetProperty("status").GetString());
        Assert.Single(s.GitHub.GetDeployments(Owner, Source));

        await s.Store.SetDeliveryStatusAsync("merge-dev", DeliveryStatus.Pending, null, null);
        await s.Store.EnqueueAsync(JobKind.Delivery, "merge-dev", "delivery:merge-dev", DateTimeOffset.UtcNow, null);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await s.Store.GetDeliveryAsync("merge-dev"))!.Status == DeliveryStatus.Pending && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var rerun = (await s.Store.GetDeliveryAsync("merge-dev"))!;
        Assert.True(rerun.Status == DeliveryStatus.Done, $"{rerun.Status} {rerun.ReasonCode} {rerun.Reason}");
        Assert.Single(s.GitHub.GetDeployments(Owner, Source));
        Assert.Contains(await s.Store.GetTargetOutcomesAsync("merge-dev"), o => o.Environment == "dev" && o.Reason!.Contains("already recorded on", StringComparison.Ordinal));
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task PromoteCommand_VersionWaitingForItsSoak_BypassesTheGate()
    {
        var config = LifecycleScenario.Config + "\n  staging:\n    promoteFrom: dev\n    soak: 30m\n    files:\n      - { path: envs/staging/hello.yaml, helm: { image: hello, path: image } }\n";
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: config, files: ChainFiles);
        s.GitHub.SetCollaboratorRole(Owner, Name, Writer, "write");
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var dev = s.SinglePullRequest("open");
        await MergeAsync(s, TimeProvider.System, dev.Number, "merge-dev");
        await WaitForOutcomeAsync(s, "merge-dev", "staging", o => o.ReasonCode == "promotion-gate");

        var promoted = await s.CommentAsync(dev.Number, Writer, "/gitops-bridge promote staging", "promote-staging");

        Assert.True(promoted.GetProperty("status").GetString() == "done", promoted.ToString());
        var staging = await WaitForPullRequestAsync(s, "gitops-bridge/staging");
        Assert.Contains($"Promoted from **dev** in #{dev.Number} by `/gitops-bridge promote`.", staging.Body, StringComparison.Ordinal);
        Assert.Contains("tag: 1.5.0", (await s.GitHub.ReadFilesAsync(Owner, Name, staging.Head))["envs/staging/hello.yaml"], StringComparison.Ordinal);
        Assert.DoesNotContain(await s.Store.GetTargetControlsAsync(Target(s, "staging")), c => c.Kind == TargetControlKinds.Promotion);
    }

    [SkippableFact]
    public async Task DeploymentGate_DeploymentSeenBeforeTheMergeWebhook_OpensThePromotionAtTheMerge()
    {
        var config = ChainConfig.Replace("    soak: 30m\n", "", StringComparison.Ordinal);
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: config, files: ChainFiles);
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        await MergeAsync(s, TimeProvider.System, s.SinglePullRequest("open").Number, "merge-dev");
        var staging = await WaitForPullRequestAsync(s, "gitops-bridge/staging");

        // Argo CD deployed the staging merge before the bridge processed the merge webhook.
        var merge = await s.GitHub.MergePullRequestAsync(Owner, Name, staging.Number);
        var early = await PostDeploymentStatusAsync(s, Repository, "staging", merge, "success", "argocd", "staging-deployed-early");
        var pull = s.GitHub.GetPullRequests(Owner, Name).Single(p => p.Number == staging.Number);
        await PostMergedAsync(s, TimeProvider.System, pull, merge, "merge-staging");

        Assert.Equal(("skipped", "no-promotion-waiting"), LifecycleScenario.StatusOf(early));
        var prod = await WaitForPullRequestAsync(s, "gitops-bridge/prod");
        Assert.Contains($"Promoted from **staging** in #{staging.Number}.", prod.Body, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task DeploymentStatus_RepositoryWithoutADeploymentGate_IsIgnoredWithAReason()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync());

        var status = await PostDeploymentStatusAsync(s, Repository, "dev", new string('a', 40), "success", "argocd", "no-gate");

        Assert.Equal(("ignored", "no-deployment-gate"), LifecycleScenario.StatusOf(status));
        Assert.Contains("waits for a deployment of dev", status.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private const string Repository = LifecycleScenario.Repository;

    private static TargetKey Target(LifecycleScenario s, string environment) => new(s.InstallationId, Repository, "main", environment);

    /// <summary>A CI's <c>repository_dispatch</c> for a build of <paramref name="commit"/> of the source repository; waits until it settles.</summary>
    private static async Task<JsonElement> DispatchAsync(LifecycleScenario s, string tag, string commit, string deliveryId, string source = Owner + "/" + Source)
    {
        var json = JsonNode.Parse(LifecycleScenario.Fixture("repository_dispatch.json"))!.AsObject();
        json["installation"] = new JsonObject { ["id"] = s.InstallationId };
        json["client_payload"] = new JsonObject { ["image"] = "ghcr.io/codertocat/hello-world-npm", ["tag"] = tag, ["commit"] = commit, ["run_url"] = $"https://github.com/{source}/actions/runs/1" };
        json["repository"]!["full_name"] = source;
        await s.Bridge.PostAsync("repository_dispatch", json.ToJsonString(), deliveryId);
        return await s.Bridge.WaitForDeliveryAsync(deliveryId);
    }

    /// <summary>Merges a pull request in the emulator (a real merge commit) and sends the <c>closed</c>, merged webhook GitHub sends.</summary>
    private static async Task<(string Sha, DateTimeOffset MergedAt)> MergeAsync(LifecycleScenario s, TimeProvider clock, int number, string deliveryId)
    {
        var sha = await s.GitHub.MergePullRequestAsync(Owner, Name, number);
        var pull = s.GitHub.GetPullRequests(Owner, Name).Single(p => p.Number == number);
        return (sha, await PostMergedAsync(s, clock, pull, sha, deliveryId));
    }

    /// <summary>Sends the <c>pull_request</c> <c>closed</c> webhook of a merged pull request; returns its <c>merged_at</c>.</summary>
    private static async Task<DateTimeOffset> PostMergedAsync(LifecycleScenario s, TimeProvider clock, GitHubEmulator.EmulatedPullRequest pull, string sha, string deliveryId)
    {
        var number = pull.Number;
        var now = clock.GetUtcNow();
        var mergedAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        var json = JsonNode.Parse(LifecycleScenario.Fixture("pull_request.closed.not-merged.json"))!.AsObject();
        json["installation"] = new JsonObject { ["id"] = s.InstallationId };
        json["number"] = number;
        var pr = json["pull_request"]!;
        pr["number"] = number;
        pr["state"] = "closed";
        pr["merged"] = true;
        pr["merge_commit_sha"] = sha;
        pr["merged_at"] = mergedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        pr["merged_by"] = new JsonObject { ["login"] = "Codertocat", ["type"] = "User" };
        pr["head"]!["ref"] = pull.Head;
        pr["base"]!["ref"] = "main";
        json["repository"]!["full_name"] = Repository;
        json["sender"]!["login"] = "Codertocat";
        await s.Bridge.PostAsync("pull_request", json.ToJsonString(), deliveryId);
        return mergedAt;
    }

    /// <summary>The <c>deployment_status</c> webhook a deploying tool's status causes (fields as in @octokit/webhooks-examples); waits until it settles.</summary>
    private static async Task<JsonElement> PostDeploymentStatusAsync(LifecycleScenario s, string repository, string environment, string sha, string state, string creator, string deliveryId)
    {
        var api = $"https://api.github.com/repos/{repository}";
        JsonObject User() => new() { ["login"] = creator, ["id"] = 1, ["type"] = creator.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User" };
        var json = new JsonObject
        {
            ["action"] = "created",
            ["deployment_status"] = new JsonObject
            {
                ["url"] = $"{api}/deployments/1/statuses/2",
                ["id"] = 2,
                ["state"] = state,
                ["creator"] = User(),
                ["description"] = "",
                ["environment"] = environment,
                ["target_url"] = "",
                ["created_at"] = "2026-12-01T10:00:00Z",
                ["updated_at"] = "2026-12-01T10:00:00Z",
                ["deployment_url"] = $"{api}/deployments/1",
                ["repository_url"] = api,
            },
            ["deployment"] = new JsonObject
            {
                ["url"] = $"{api}/deployments/1",
                ["id"] = 1,
                ["sha"] = sha,
                ["ref"] = sha,
                ["task"] = "deploy",
                ["payload"] = new JsonObject(),
                ["original_environment"] = environment,
                ["environment"] = environment,
                ["description"] = null,
                ["creator"] = User(),
                ["created_at"] = "2026-12-01T10:00:00Z",
                ["updated_at"] = "2026-12-01T10:00:00Z",
                ["statuses_url"] = $"{api}/deployments/1/statuses",
                ["repository_url"] = api,
            },
            ["repository"] = new JsonObject { ["id"] = 1, ["name"] = repository.Split('/')[1], ["full_name"] = repository, ["owner"] = new JsonObject { ["login"] = repository.Split('/')[0] } },
            ["sender"] = User(),
            ["installation"] = new JsonObject { ["id"] = s.InstallationId },
        };
        await s.Bridge.PostAsync("deployment_status", json.ToJsonString(), deliveryId);
        return await s.Bridge.WaitForDeliveryAsync(deliveryId);
    }

    private static async Task<GitHubEmulator.EmulatedPullRequest> WaitForPullRequestAsync(LifecycleScenario s, string head)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var pull = s.GitHub.GetPullRequests(Owner, Name).FirstOrDefault(p => p.Head == head && p.State == "open");
            if (pull is not null)
            {
                return pull;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no open pull request from {head} within 30 s");
            await Task.Delay(50);
        }
    }

    private static async Task<TargetOutcome> WaitForOutcomeAsync(LifecycleScenario s, string deliveryId, string environment, Func<TargetOutcome, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var outcome = (await s.Store.GetTargetOutcomesAsync(deliveryId)).FirstOrDefault(o => o.Environment == environment);
            if (outcome is not null && done(outcome))
            {
                return outcome;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no matching {environment} outcome for {deliveryId} within 30 s: {outcome}");
            await Task.Delay(50);
        }
    }

    /// <summary>The queued target job of an environment (the outcome is recorded just before it is queued).</summary>
    private static async Task<Job> WaitForJobAsync(LifecycleScenario s, string environment)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = (await s.Store.ListJobsAsync(50)).FirstOrDefault(j => j.Kind == JobKind.Target && j.Key.Contains($"\"{environment}\"", StringComparison.Ordinal));
            if (job is not null)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no target job for {environment} within 30 s");
            await Task.Delay(50);
        }
    }

    private static async Task WaitForRepositoryAsync(LifecycleScenario s, string repository)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await s.Store.GetRepositoryAsync(repository) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{repository} was not indexed within 30 s");
            await Task.Delay(50);
        }
    }
}

/// <summary>Promotion on SQLite.</summary>
public sealed class SqlitePromotionTests(ITestOutputHelper output) : PromotionTests(output)
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.SqliteAsync();
}

/// <summary>Promotion on PostgreSQL.</summary>
public sealed class PostgresPromotionTests(PostgresDatabaseFixture database, ITestOutputHelper output) : PromotionTests(output), IClassFixture<PostgresDatabaseFixture>
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.PostgresAsync(database);
}
