using GitOpsBridge.Tests.Lifecycle;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Merging;

/// <summary>
/// <c>pullRequest.autoMerge</c> turns on GitHub's native auto-merge through GraphQL once the bridge
/// opens or updates its pull request: end to end against the emulator, on both storage backends.
/// </summary>
public abstract class AutoMergeTests
{
    private const string Config = LifecycleScenario.Config + "\n    pullRequest: { autoMerge: squash, reviewers: [octocat] }\n";

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    [SkippableFact]
    public async Task AutoMergeConfigured_RepositoryAllowsIt_AutoMergeIsEnabledWithTheMethod()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: Config);

        var delivery = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");

        Assert.Equal(("done", null), LifecycleScenario.StatusOf(delivery));
        Assert.Contains("auto-merge (squash) enabled", delivery.GetProperty("targets")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var pr = s.SinglePullRequest("open");
        var request = s.GitHub.GetAutoMergeRequest(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Number);
        Assert.NotNull(request);
        Assert.Equal("SQUASH", request.MergeMethod);
        Assert.Equal(s.GitHub.BotLogin, request.EnabledBy);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task AutoMergeConfigured_RepositoryDisallowsIt_PullRequestStandsAndOutcomeSaysWhy()
    {
        // One approval required: without it the bridge would merge the PR itself at once (BridgeMergeTests).
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: Config.Replace("reviewers: [octocat]", "reviewers: [octocat], minApprovals: 1", StringComparison.Ordinal));
        s.GitHub.SetAllowAutoMerge(LifecycleScenario.Owner, LifecycleScenario.Name, false);

        var delivery = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");

        Assert.Equal(("done", null), LifecycleScenario.StatusOf(delivery));
        Assert.Contains("the repository does not allow auto-merge", delivery.GetProperty("targets")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var pr = s.SinglePullRequest("open");
        Assert.Null(s.GitHub.GetAutoMergeRequest(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Number));
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task NoAutoMergeConfigured_NothingIsEnabled()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync());

        var delivery = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");

        Assert.DoesNotContain("auto-merge", delivery.GetProperty("targets")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Null(s.GitHub.GetAutoMergeRequest(LifecycleScenario.Owner, LifecycleScenario.Name, s.SinglePullRequest("open").Number));
    }
}

/// <summary>Auto-merge on SQLite.</summary>
public sealed class SqliteAutoMergeTests : AutoMergeTests
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.SqliteAsync();
}

/// <summary>Auto-merge on PostgreSQL.</summary>
public sealed class PostgresAutoMergeTests(PostgresDatabaseFixture database) : AutoMergeTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.PostgresAsync(database);
}
