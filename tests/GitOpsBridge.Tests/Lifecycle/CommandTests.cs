using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Lifecycle;

/// <summary>
/// <c>/gitops-bridge …</c> commands in comments on a bridge pull request, end to end: the real
/// service, the emulator's permission endpoint and comments, on both storage backends.
/// </summary>
public abstract class CommandTests
{
    private const string Writer = "octo-writer";
    private const string Hello = "envs/dev/hello.yaml";
    private const string Web = "envs/dev/web.yaml";

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    private async Task<(LifecycleScenario S, GitHubEmulator.EmulatedPullRequest Pr)> StartWithPullRequestAsync(
        string config = LifecycleScenario.Config, IReadOnlyDictionary<string, string>? files = null)
    {
        var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: config, files: files);
        s.GitHub.SetCollaboratorRole(LifecycleScenario.Owner, LifecycleScenario.Name, Writer, "write");
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        return (s, s.SinglePullRequest("open"));
    }

    [SkippableFact]
    public async Task Hold_NewVersionsAccumulate_ReleasePublishesThemAll()
    {
        var (s, pr) = await StartWithPullRequestAsync();
        await using var _ = s;

        var held = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge hold", "hold");
        await s.Bridge.PostAsync("registry_package", s.PackageEvent("hello-world-npm", "1.6.0"), "hello-160");
        await s.Bridge.PostAsync("registry_package", s.PackageEvent("web", "2.1.0"), "web-210");
        var newer = await BatchingTests.WaitForOutcomeAsync(s, "hello-160", o => o.ReasonCode == "held");
        var web = await BatchingTests.WaitForOutcomeAsync(s, "web-210", o => o.ReasonCode == "held");
        var whileHeld = await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Head);

        Assert.Equal(("done", "held"), LifecycleScenario.StatusOf(held));
        Assert.Contains("is on hold", s.Replies(pr.Number)[^1], StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Pending, newer.Status);
        Assert.Equal(DeliveryStatus.Pending, web.Status);
        Assert.Contains("tag: 1.5.0", whileHeld[Hello], StringComparison.Ordinal);
        Assert.Contains("tag: 2.0.0", whileHeld[Web], StringComparison.Ordinal);
        Assert.Contains(await s.Store.GetDesiredImagesAsync(s.Dev), d => d.Tag == "1.6.0");

        var released = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge release", "release");

        Assert.Equal(("done", "released"), LifecycleScenario.StatusOf(released));
        Assert.Contains("tag: 1.6.0", await s.WaitForFileAsync(pr.Head, Hello, "tag: 1.6.0"), StringComparison.Ordinal);
        Assert.Contains("tag: 2.1.0", await s.WaitForFileAsync(pr.Head, Web, "tag: 2.1.0"), StringComparison.Ordinal);
        Assert.Equal(pr.Number, s.SinglePullRequest("open").Number);
        Assert.Equal("done", (await s.Bridge.WaitForDeliveryAsync("hello-160")).GetProperty("status").GetString());
        Assert.Equal("done", (await s.Bridge.WaitForDeliveryAsync("web-210")).GetProperty("status").GetString());
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task Reader_Hold_IsRefusedWithAReply()
    {
        var (s, pr) = await StartWithPullRequestAsync();
        await using var _ = s;
        s.GitHub.SetCollaboratorRole(LifecycleScenario.Owner, LifecycleScenario.Name, "octo-reader", "read");

        var refused = await s.CommentAsync(pr.Number, "octo-reader", "/gitops-bridge hold", "hold-by-reader");
        var stranger = await s.CommentAsync(pr.Number, "someone-else", "/gitops-bridge unpin", "unpin-by-stranger");

        Assert.Equal(("skipped", "not-permitted"), LifecycleScenario.StatusOf(refused));
        Assert.Equal(("skipped", "not-permitted"), LifecycleScenario.StatusOf(stranger));
        var replies = s.Replies(pr.Number);
        Assert.Contains(replies, r => r.StartsWith("@octo-reader nothing happened", StringComparison.Ordinal) && r.Contains("`read`", StringComparison.Ordinal));
        Assert.Contains(replies, r => r.StartsWith("@someone-else nothing happened", StringComparison.Ordinal) && r.Contains("`none`", StringComparison.Ordinal));
        Assert.Empty(await s.Store.GetTargetControlsAsync(s.Dev));
        s.GitHub.AssertNoSpecViolations();
    }

    /// <summary>Every command, from a reader: each refused with its own reply, and nothing moves.</summary>
    [SkippableFact]
    public async Task Reader_EachCommand_IsRefusedWithAReplyAndChangesNothing()
    {
        var (s, pr) = await StartWithPullRequestAsync();
        await using var _ = s;
        s.GitHub.SetCollaboratorRole(LifecycleScenario.Owner, LifecycleScenario.Name, "octo-reader", "read");
        var head = await s.GitHub.GetBranchShaAsync(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Head);
        string[] commands = ["rebase", "promote prod", "hold", "release", "explain", "pin web 0.1.0", "unpin"];

        foreach (var command in commands)
        {
            var refused = await s.CommentAsync(pr.Number, "octo-reader", $"/gitops-bridge {command}", $"reader-{command.Replace(' ', '-')}");
            Assert.Equal(("skipped", "not-permitted"), LifecycleScenario.StatusOf(refused));
        }

        var replies = s.Replies(pr.Number).Where(r => r.StartsWith("@octo-reader nothing happened", StringComparison.Ordinal)).ToList();
        Assert.Equal(commands.Length, replies.Count);
        Assert.All(replies, r => Assert.Contains("`read`", r, StringComparison.Ordinal));
        Assert.Empty(await s.Store.GetTargetControlsAsync(s.Dev));
        Assert.Equal(head, await s.GitHub.GetBranchShaAsync(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Head));
        Assert.Single(s.GitHub.GetPullRequests(LifecycleScenario.Owner, LifecycleScenario.Name));
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task UnknownOrInvalidCommand_GetsAReplySayingWhy()
    {
        var (s, pr) = await StartWithPullRequestAsync();
        await using var _ = s;

        var unknown = await s.CommentAsync(pr.Number, Writer, "Let's try:\n/gitops-bridge reabse", "unknown");
        var invalid = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge pin", "invalid");
        var quoted = await s.CommentAsync(pr.Number, Writer, "> /gitops-bridge hold", "quoted");

        Assert.Equal(("skipped", "unknown-command"), LifecycleScenario.StatusOf(unknown));
        Assert.Equal(("skipped", "invalid-command"), LifecycleScenario.StatusOf(invalid));
        Assert.Equal(("ignored", "no-command"), LifecycleScenario.StatusOf(quoted));
        var replies = s.Replies(pr.Number);
        Assert.Equal(2, replies.Count);
        Assert.Contains("Did you mean `rebase`?", replies[0], StringComparison.Ordinal);
        Assert.StartsWith("@octo-writer nothing happened: `pin`", replies[1], StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Explain_RepliesWithTheTargetsRecentOutcomes()
    {
        var (s, pr) = await StartWithPullRequestAsync();
        await using var _ = s;
        await s.PushImageAsync("hello-world-npm", "1.0.0", "hello-100");

        var explained = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge explain", "explain");

        Assert.Equal(("done", "explained"), LifecycleScenario.StatusOf(explained));
        var reply = s.Replies(pr.Number)[^1];
        Assert.Contains("| received | event | status | reason |", reply, StringComparison.Ordinal);
        Assert.Contains("1.4.2 → 1.5.0", reply, StringComparison.Ordinal);
        Assert.Contains("`downgrade`", reply, StringComparison.Ordinal);
        Assert.True(reply.IndexOf("`downgrade`", StringComparison.Ordinal) < reply.IndexOf("1.4.2 → 1.5.0", StringComparison.Ordinal), "newest first");
    }

    [SkippableFact]
    public async Task Pin_LowerVersion_IsAnIntentionalDowngrade_AndHoldsUntilUnpin()
    {
        // One image in dev: a pin names a version, and there is only one image it can be of.
        var (s, pr) = await StartWithPullRequestAsync(LifecycleScenario.Config.Replace("      - { path: envs/dev/web.yaml, helm: { image: web, path: image } }", "", StringComparison.Ordinal));
        await using var _ = s;

        var pinned = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge pin 1.3.0", "pin");

        Assert.True(LifecycleScenario.StatusOf(pinned) == ("done", "pinned"), pinned.ToString());
        Assert.Contains("tag: 1.3.0", await s.WaitForFileAsync(pr.Head, Hello, "tag: 1.3.0"), StringComparison.Ordinal);
        Assert.Contains(s.Replies(pr.Number), r => r.Contains("intentional downgrade from `1.5.0`", StringComparison.Ordinal));
        var moved = await s.PushImageAsync("hello-world-npm", "1.6.0", "hello-160");
        Assert.Equal(("skipped", "pinned"), LifecycleScenario.StatusOf(moved));

        var unpinned = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge unpin", "unpin");
        var newer = await s.PushImageAsync("hello-world-npm", "1.7.0", "hello-170");

        Assert.Equal(("done", "unpinned"), LifecycleScenario.StatusOf(unpinned));
        Assert.Equal("done", newer.GetProperty("status").GetString());
        Assert.Contains("tag: 1.7.0", await s.WaitForFileAsync(pr.Head, Hello, "tag: 1.7.0"), StringComparison.Ordinal);
        Assert.DoesNotContain(await s.Store.GetTargetControlsAsync(s.Dev), c => c.Kind == TargetControlKinds.Pinned);
    }

    [SkippableFact]
    public async Task Pin_TargetWithTwoImages_IsRefusedWithAReply()
    {
        var (s, pr) = await StartWithPullRequestAsync();
        await using var _ = s;

        var pinned = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge pin 1.3.0", "pin");

        Assert.Equal(("skipped", "invalid-command"), LifecycleScenario.StatusOf(pinned));
        Assert.Contains("deploys 2 images (hello, web)", s.Replies(pr.Number)[^1], StringComparison.Ordinal);
        Assert.Empty(await s.Store.GetTargetControlsAsync(s.Dev));
    }

    [SkippableFact]
    public async Task Promote_EnvironmentPromotedFromThisOne_OpensItsPullRequestNow()
    {
        var config = LifecycleScenario.Config + "\n  staging:\n    promoteFrom: dev\n    files:\n      - { path: envs/staging/hello.yaml, helm: { image: hello, path: image } }\n";
        var (s, pr) = await StartWithPullRequestAsync(config, new Dictionary<string, string>
        {
            ["envs/staging/hello.yaml"] = "image:\n  repository: ghcr.io/codertocat/hello-world-npm\n  tag: 1.4.0\n",
        });
        await using var _ = s;

        var wrong = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge promote prod", "promote-prod");
        var promoted = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge promote staging", "promote-staging");

        Assert.Equal(("skipped", "invalid-command"), LifecycleScenario.StatusOf(wrong));
        Assert.Contains("promote to `staging`", s.Replies(pr.Number)[0], StringComparison.Ordinal);
        Assert.True(promoted.GetProperty("status").GetString() == "done", promoted.ToString());
        var staging = Assert.Single(s.GitHub.GetPullRequests(LifecycleScenario.Owner, LifecycleScenario.Name), p => p.Number != pr.Number);
        Assert.Equal("gitops-bridge/staging", staging.Head);
        var files = await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, staging.Head);
        Assert.Contains("tag: 1.5.0", files["envs/staging/hello.yaml"], StringComparison.Ordinal);
        Assert.Contains("from **dev** (#" + pr.Number + ")", s.Replies(pr.Number)[^1], StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Rebase_BaseMoved_TheBranchIsRebuiltOnTheNewTip()
    {
        var (s, pr) = await StartWithPullRequestAsync();
        await using var _ = s;
        var tip = await s.GitHub.CommitAsync(LifecycleScenario.Owner, LifecycleScenario.Name, "main", new Dictionary<string, string?> { ["README.md"] = "moved\n" });

        var rebased = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge rebase", "rebase");

        Assert.Equal(("done", "rebase"), LifecycleScenario.StatusOf(rebased));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        IReadOnlyList<GitHubEmulator.EmulatedCommit> commits;
        do
        {
            await Task.Delay(100);
            commits = await s.GitHub.GetCommitsAsync(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Head);
        }
        while (!commits[0].Parents.Contains(tip) && DateTime.UtcNow < deadline);

        Assert.Contains(tip, commits[0].Parents);
        Assert.Contains("tag: 1.5.0", (await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Head))[Hello], StringComparison.Ordinal);
    }
}

/// <summary>PR commands on SQLite.</summary>
public sealed class SqliteCommandTests : CommandTests
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.SqliteAsync();
}

/// <summary>PR commands on PostgreSQL.</summary>
public sealed class PostgresCommandTests(PostgresDatabaseFixture database) : CommandTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.PostgresAsync(database);
}
