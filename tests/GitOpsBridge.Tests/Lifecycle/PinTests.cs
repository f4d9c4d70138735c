using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Lifecycle;

/// <summary>
/// Deliberate rollback in an environment with several images, end to end on both storage backends:
/// <c>/gitops-bridge pin &lt;image&gt; &lt;version&gt;</c>, and <c>environments.dev.pin</c> in the config
/// (applied when the config changes, held until the pin is removed from it).
/// </summary>
public abstract class PinTests
{
    private const string Writer = "octo-writer";
    private const string Hello = "envs/dev/hello.yaml";
    private const string Web = "envs/dev/web.yaml";

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    [SkippableFact]
    public async Task PinCommand_WithImage_PinsThatImageOfATwoImageEnvironment()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync());
        s.GitHub.SetCollaboratorRole(LifecycleScenario.Owner, LifecycleScenario.Name, Writer, "write");
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");

        var pinned = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge pin web 1.9.0", "pin-web");
        var unknown = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge pin api 1.0.0", "pin-unknown");

        Assert.True(LifecycleScenario.StatusOf(pinned) == ("done", "pinned"), pinned.ToString());
        Assert.Contains("tag: 1.9.0", await s.WaitForFileAsync(pr.Head, Web, "tag: 1.9.0"), StringComparison.Ordinal);
        Assert.Contains(s.Replies(pr.Number), r => r.Contains("is pinned to `ghcr.io/codertocat/web:1.9.0`", StringComparison.Ordinal));
        Assert.Equal(("skipped", "invalid-command"), LifecycleScenario.StatusOf(unknown));
        Assert.Contains("does not deploy `api`; its images are hello, web", s.Replies(pr.Number)[^1], StringComparison.Ordinal);

        var web = await s.PushImageAsync("web", "2.1.0", "web-210");
        var hello = await s.PushImageAsync("hello-world-npm", "1.6.0", "hello-160");

        Assert.Equal(("skipped", "pinned"), LifecycleScenario.StatusOf(web));
        Assert.Equal("done", hello.GetProperty("status").GetString());
        var files = await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Head);
        Assert.Contains("tag: 1.6.0", await s.WaitForFileAsync(pr.Head, Hello, "tag: 1.6.0"), StringComparison.Ordinal);
        Assert.Contains("tag: 1.9.0", files[Web], StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ConfigPin_LowerVersion_IsAppliedAsADowngrade_AndHoldsTheImageUntilRemoved()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync());
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");

        await ChangeConfigAsync(s, LifecycleScenario.Config + "\n    pin: { hello: 1.3.0 }\n", "config-pin");

        Assert.Contains("tag: 1.3.0", await s.WaitForFileAsync(pr.Head, Hello, "tag: 1.3.0"), StringComparison.Ordinal);

        // The branch is pushed before the pull request's body is updated.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(s.SinglePullRequest("open").Body ?? "").Contains("environments.dev.pin", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var body = s.SinglePullRequest("open").Body ?? "";
        Assert.Contains("pinned to `1.3.0` by `environments.dev.pin`", body, StringComparison.Ordinal);
        Assert.Contains("intentional downgrade", body, StringComparison.Ordinal);
        Assert.Equal(pr.Number, s.SinglePullRequest("open").Number);

        var held = await s.PushImageAsync("hello-world-npm", "1.6.0", "hello-160");
        var web = await s.PushImageAsync("web", "2.1.0", "web-210");

        Assert.Equal(("skipped", "pinned"), LifecycleScenario.StatusOf(held));
        Assert.Contains("environments.dev.pin", held.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("done", web.GetProperty("status").GetString());
        var files = await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Head);
        Assert.Contains("tag: 1.3.0", files[Hello], StringComparison.Ordinal);
        Assert.Contains("tag: 2.1.0", files[Web], StringComparison.Ordinal);

        await ChangeConfigAsync(s, LifecycleScenario.Config, "config-unpin");
        deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await s.Store.GetRepositoryAsync(LifecycleScenario.Repository))!.ConfigYaml!.Contains("pin:", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var newer = await s.PushImageAsync("hello-world-npm", "1.7.0", "hello-170");

        Assert.Equal("done", newer.GetProperty("status").GetString());
        Assert.Contains("tag: 1.7.0", await s.WaitForFileAsync(pr.Head, Hello, "tag: 1.7.0"), StringComparison.Ordinal);
        s.GitHub.AssertNoSpecViolations();
    }

    /// <summary>Commits a new config to main and sends the push webhook GitHub sends for it; waits until it settles.</summary>
    private static async Task ChangeConfigAsync(LifecycleScenario s, string config, string deliveryId)
    {
        await s.GitHub.CommitAsync(LifecycleScenario.Owner, LifecycleScenario.Name, "main", new Dictionary<string, string?> { [".github/gitops-bridge.yml"] = config });
        await s.PushConfigChangeAsync(deliveryId);
    }
}

/// <summary>Pins on SQLite.</summary>
public sealed class SqlitePinTests : PinTests
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.SqliteAsync();
}

/// <summary>Pins on PostgreSQL.</summary>
public sealed class PostgresPinTests(PostgresDatabaseFixture database) : PinTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.PostgresAsync(database);
}
