using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Lifecycle;

/// <summary>
/// Closing a bridge pull request without merging means "not this version", when a person does it:
/// end to end against the emulator, on both storage backends.
/// </summary>
public abstract class DeclinedVersionTests
{
    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    [SkippableFact]
    public async Task ClosedByAPerson_SameVersionIsDeclined_NewerVersionOpensANewPullRequest()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync());
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var first = s.SinglePullRequest("open");

        var closed = await s.SetStateAsync(first.Number, "closed", "Codertocat", "close-1");

        Assert.Equal(("done", "version-declined"), LifecycleScenario.StatusOf(closed));
        Assert.Contains("@Codertocat", closed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var comment = Assert.Single(s.GitHub.GetComments(LifecycleScenario.Owner, LifecycleScenario.Name, first.Number));
        Assert.Contains("hello-world-npm:1.5.0", comment.Body, StringComparison.Ordinal);
        Assert.Contains("reopen this pull request", comment.Body, StringComparison.Ordinal);
        Assert.Equal(s.GitHub.BotLogin, comment.Author);

        // The same version again (by tag, without a digest, so it is not a duplicate event): declined.
        var again = await s.DispatchImageAsync("hello-world-npm", "1.5.0", "hello-150-again");
        Assert.Equal(("skipped", "version-declined"), LifecycleScenario.StatusOf(again));
        Assert.Contains("reopening the closed pull request", again.GetProperty("targets")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);

        // Another image of the same target: its pull request does not carry the declined version.
        await s.PushImageAsync("web", "2.1.0", "web-210");
        var second = s.SinglePullRequest("open");
        Assert.NotEqual(first.Number, second.Number);
        var files = await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, second.Head);
        Assert.Contains("tag: 1.4.2", files["envs/dev/hello.yaml"], StringComparison.Ordinal);
        Assert.Contains("tag: 2.1.0", files["envs/dev/web.yaml"], StringComparison.Ordinal);

        // A newer version of the declined image flows again.
        var newer = await s.PushImageAsync("hello-world-npm", "1.6.0", "hello-160");
        Assert.Equal("done", newer.GetProperty("status").GetString());
        files = await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, s.SinglePullRequest("open").Head);
        Assert.Contains("tag: 1.6.0", files["envs/dev/hello.yaml"], StringComparison.Ordinal);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task Reopened_DeclinedVersionIsWantedAgain_ThePullRequestIsUpdated()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync());
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");
        await s.SetStateAsync(pr.Number, "closed", "Codertocat", "close-1");

        var reopened = await s.SetStateAsync(pr.Number, "reopened", "Codertocat", "reopen-1");

        Assert.Equal(("done", "reopened"), LifecycleScenario.StatusOf(reopened));
        Assert.Empty(await s.Store.GetTargetControlsAsync(s.Dev));
        await s.PushImageAsync("web", "2.1.0", "web-210");
        var after = s.SinglePullRequest("open");
        Assert.Equal(pr.Number, after.Number);
        var files = await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, after.Head);
        Assert.Contains("tag: 1.5.0", files["envs/dev/hello.yaml"], StringComparison.Ordinal);
        Assert.Contains("tag: 2.1.0", files["envs/dev/web.yaml"], StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ClosedByTheApp_NothingIsDeclined()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync());
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");

        var closed = await s.SetStateAsync(pr.Number, "closed", s.GitHub.BotLogin, "close-by-app");

        Assert.Equal(("done", "closed"), LifecycleScenario.StatusOf(closed));
        Assert.Empty(await s.Store.GetTargetControlsAsync(s.Dev));
        Assert.Empty(s.GitHub.GetComments(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Number));
    }
}

/// <summary>Declined versions on SQLite.</summary>
public sealed class SqliteDeclinedVersionTests : DeclinedVersionTests
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.SqliteAsync();
}

/// <summary>Declined versions on PostgreSQL.</summary>
public sealed class PostgresDeclinedVersionTests(PostgresDatabaseFixture database) : DeclinedVersionTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.PostgresAsync(database);
}
