using GitOpsBridge.Core.Planning;
using GitOpsBridge.GitHubEmulator;
using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Lifecycle;

/// <summary>
/// How the bridge writes commits, end to end (real service, emulator, signed webhooks), on both
/// storage backends: <c>commit: git|api</c>, <c>pullRequest: false</c>, people's commits on the
/// bridge's branch, and the pull request of a removed environment.
/// </summary>
public abstract class CommitTests
{
    private const string Writer = "octo-writer";
    private const string Hello = "envs/dev/hello.yaml";
    private const string Owner = LifecycleScenario.Owner;
    private const string Name = LifecycleScenario.Name;

    /// <summary>dev pushes (<c>commit: git</c>, the default) and qa commits through the API, on files with the same text.</summary>
    private const string TwoModes = LifecycleScenario.Config + """

          qa:
            commit: api
            files:
              - { path: envs/qa/hello.yaml, helm: { image: hello, path: image } }
              - { path: envs/qa/web.yaml, helm: { image: web, path: image } }
        """;

    private static readonly Dictionary<string, string> QaFiles = new()
    {
        ["envs/qa/hello.yaml"] = "image:\n  repository: ghcr.io/codertocat/hello-world-npm\n  tag: 1.4.2\n",
        ["envs/qa/web.yaml"] = "image:\n  repository: ghcr.io/codertocat/web\n  tag: 2.0.0\n",
    };

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    [SkippableFact]
    public async Task CommitApi_SameDesiredStateAsCommitGit_SameTreeAndVerifiedWithoutALocalSignature()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: TwoModes, files: QaFiles);
        s.GitHub.Calls.Reset();

        var delivery = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");

        Assert.Equal("done", delivery.GetProperty("status").GetString());
        var pulls = s.GitHub.GetPullRequests(Owner, Name);
        var dev = Assert.Single(pulls, p => p.Head.EndsWith("/dev", StringComparison.Ordinal));
        var qa = Assert.Single(pulls, p => p.Head.EndsWith("/qa", StringComparison.Ordinal));
        var devTree = await s.GitHub.GetTreeShaAsync(Owner, Name, dev.Head, "envs/dev");
        var qaTree = await s.GitHub.GetTreeShaAsync(Owner, Name, qa.Head, "envs/qa");
        Assert.NotNull(devTree);
        Assert.Equal(devTree, qaTree);
        Assert.NotEqual(await s.GitHub.GetTreeShaAsync(Owner, Name, "main", "envs/qa"), qaTree);
        var devSha = (await s.GitHub.GetBranchShaAsync(Owner, Name, dev.Head))!;
        var qaSha = (await s.GitHub.GetBranchShaAsync(Owner, Name, qa.Head))!;
        Assert.False(s.GitHub.IsVerified(Owner, Name, devSha));
        Assert.True(s.GitHub.IsVerified(Owner, Name, qaSha));
        var raw = (await s.GitHub.GetRawCommitAsync(Owner, Name, qaSha))!;
        Assert.DoesNotContain("gpgsig", raw, StringComparison.Ordinal);
        Assert.Contains("author gitops-bridge[bot] <", raw, StringComparison.Ordinal);
        Assert.Contains("committer GitHub <noreply@github.com>", raw, StringComparison.Ordinal);
        Assert.Equal((1, 1, 1), (s.GitHub.Calls[GitHubRoutes.CreateBlob], s.GitHub.Calls[GitHubRoutes.CreateTree], s.GitHub.Calls[GitHubRoutes.CreateGitCommit]));
        Assert.Equal(1, s.GitHub.Calls[GitHubRoutes.CreateRef]);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task DirectCommit_MainMovesBeforeThePush_FetchesAgainAndCommitsToMainWithoutAPullRequest()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: Direct(LifecycleScenario.Config, ""));
        s.GitHub.Faults.MoveBranchBeforeNextPush(Owner, Name, "main", new Dictionary<string, string?> { ["README.md"] = "someone else\n" });

        var delivery = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");

        Assert.Equal("done", delivery.GetProperty("status").GetString());
        var reason = delivery.GetProperty("targets")[0].GetProperty("reason").GetString();
        Assert.True(reason!.StartsWith("committed ", StringComparison.Ordinal), reason);
        Assert.Contains(" to main: envs/dev/hello.yaml image.tag 1.4.2 → 1.5.0", reason, StringComparison.Ordinal);
        Assert.Empty(s.GitHub.GetPullRequests(Owner, Name));
        var files = await s.GitHub.ReadFilesAsync(Owner, Name, "main");
        var commits = await s.GitHub.GetCommitsAsync(Owner, Name, "main");
        Assert.True(files.ContainsKey("README.md"), string.Join(" | ", commits.Select(c => c.Message)) + " / " + string.Join(",", files.Keys));
        Assert.Contains("tag: 1.5.0", files[Hello], StringComparison.Ordinal);
        Assert.Equal("someone else\n", files["README.md"]);
        Assert.StartsWith("deploy(dev): hello-world-npm 1.4.2 → 1.5.0", commits[0].Message, StringComparison.Ordinal);
        Assert.Equal("Move main before a push (injected fault)", commits[1].Message);
        Assert.Equal(1, s.GitHub.GitCalls[GitHubRoutes.GitReceivePack]); // the first push stopped before it sent anything
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task DirectCommit_MainIsProtected_FallsBackToAPullRequestThatSaysWhy_ClosedOnceADirectCommitPasses()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: Direct(LifecycleScenario.Config, ""));
        s.GitHub.ProtectBranch(Owner, Name, "main");
        var before = await s.GitHub.GetBranchShaAsync(Owner, Name, "main");

        var delivery = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");

        Assert.Equal("done", delivery.GetProperty("status").GetString());
        var reason = delivery.GetProperty("targets")[0].GetProperty("reason").GetString();
        Assert.Contains("pull request #", reason, StringComparison.Ordinal);
        Assert.Contains("a pull request because main refused the direct commit", reason, StringComparison.Ordinal);
        Assert.Contains("protected branch hook declined", reason, StringComparison.Ordinal);
        var pr = s.SinglePullRequest("open");
        Assert.Contains("`pullRequest: false`", pr.Body, StringComparison.Ordinal);
        Assert.Contains("protected branch hook declined", pr.Body, StringComparison.Ordinal);
        Assert.Contains("tag: 1.5.0", (await s.GitHub.ReadFilesAsync(Owner, Name, pr.Head))[Hello], StringComparison.Ordinal);
        Assert.Equal(before, await s.GitHub.GetBranchShaAsync(Owner, Name, "main"));

        // The rule is lifted: the next version is committed to main, and the fallback pull request is closed.
        s.GitHub.ProtectBranch(Owner, Name, "main", requirePullRequest: false);
        var direct = await s.PushImageAsync("web", "2.1.0", "web-210");

        Assert.Equal("done", direct.GetProperty("status").GetString());
        Assert.Contains($"pull request #{pr.Number} (opened when a direct commit was refused) closed", direct.GetProperty("targets")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var main = await s.GitHub.ReadFilesAsync(Owner, Name, "main");
        Assert.Contains("tag: 1.5.0", main[Hello], StringComparison.Ordinal);
        Assert.Contains("tag: 2.1.0", main["envs/dev/web.yaml"], StringComparison.Ordinal);
        Assert.Equal("closed", s.SinglePullRequest("closed").State);
        Assert.Null(await s.GitHub.GetBranchShaAsync(Owner, Name, pr.Head));
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task DirectCommit_MainRequiresSignedCommits_CommitApiCommitsToMainVerified()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: Direct(LifecycleScenario.Config, "    commit: api\n"));
        s.GitHub.ProtectBranch(Owner, Name, "main", requirePullRequest: false, requireSignedCommits: true);

        var delivery = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");

        Assert.Equal("done", delivery.GetProperty("status").GetString());
        Assert.Contains("to main through the API (verified)", delivery.GetProperty("targets")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(s.GitHub.GetPullRequests(Owner, Name));
        Assert.True(s.GitHub.IsVerified(Owner, Name, (await s.GitHub.GetBranchShaAsync(Owner, Name, "main"))!));
        Assert.Contains("tag: 1.5.0", (await s.GitHub.ReadFilesAsync(Owner, Name, "main"))[Hello], StringComparison.Ordinal);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task PersonsCommit_OnTheBridgeBranch_SurvivesTheNextUpdate()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync());
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");
        await s.GitHub.CommitAsync(Owner, Name, pr.Head, new Dictionary<string, string?> { ["envs/dev/NOTES.md"] = "pinned for the demo\n" }, "notes for reviewers");
        await s.GitHub.CommitAsync(Owner, Name, "main", new Dictionary<string, string?> { ["README.md"] = "main moved\n" });

        var update = await s.PushImageAsync("web", "2.1.0", "web-210");

        Assert.Equal("done", update.GetProperty("status").GetString());
        Assert.Equal(pr.Number, s.SinglePullRequest("open").Number);
        var files = await s.GitHub.ReadFilesAsync(Owner, Name, pr.Head);
        Assert.Equal("pinned for the demo\n", files["envs/dev/NOTES.md"]);
        Assert.Equal("main moved\n", files["README.md"]);
        Assert.Contains("tag: 1.5.0", files[Hello], StringComparison.Ordinal);
        Assert.Contains("tag: 2.1.0", files["envs/dev/web.yaml"], StringComparison.Ordinal);
        var commits = await s.GitHub.GetCommitsAsync(Owner, Name, pr.Head);
        Assert.Equal("notes for reviewers", commits[0].Message);
        Assert.Equal("noreply@github.com", commits[0].AuthorEmail);
        Assert.StartsWith("deploy(dev): ", commits[1].Message, StringComparison.Ordinal);
        Assert.Equal("Change from test", commits[2].Message);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task PersonsCommit_ThatConflicts_HoldsWithAComment_RebaseRebuildsWithoutIt()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync());
        s.GitHub.SetCollaboratorRole(Owner, Name, Writer, "write");
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");
        var hotfix = await s.GitHub.CommitAsync(Owner, Name, pr.Head,
            new Dictionary<string, string?> { [Hello] = "image:\n  repository: ghcr.io/codertocat/hello-world-npm\n  tag: 1.5.0-hotfix\n" }, "use the hotfix");

        await s.Bridge.PostAsync("registry_package", s.PackageEvent("hello-world-npm", "1.6.0"), "hello-160");
        var held = await BatchingTests.WaitForOutcomeAsync(s, "hello-160", o => o.ReasonCode == ReasonCodes.Held);

        // Pending, like every held version: the rebuild after rebase publishes and settles it.
        Assert.Equal(DeliveryStatus.Pending, held.Status);
        Assert.Contains($"commit {hotfix[..7]}", held.Reason, StringComparison.Ordinal);
        Assert.Equal(hotfix, await s.GitHub.GetBranchShaAsync(Owner, Name, pr.Head));
        var control = Assert.Single(await s.Store.GetTargetControlsAsync(s.Dev));
        Assert.Equal((TargetControlKinds.Held, null), (control.Kind, control.Actor));
        Assert.Contains(hotfix[..7], control.Tag, StringComparison.Ordinal);
        var comment = s.Replies(pr.Number)[^1];
        Assert.Contains(hotfix, comment, StringComparison.Ordinal);
        Assert.Contains("/gitops-bridge rebase", comment, StringComparison.Ordinal);
        Assert.Contains("`envs/dev/hello.yaml`", comment, StringComparison.Ordinal);

        // Another version while held: recorded, not pushed.
        await s.Bridge.PostAsync("registry_package", s.PackageEvent("web", "2.1.0"), "web-210");
        var web = await BatchingTests.WaitForOutcomeAsync(s, "web-210", o => o.ReasonCode == ReasonCodes.Held);
        Assert.Equal(DeliveryStatus.Pending, web.Status);
        Assert.Equal(hotfix, await s.GitHub.GetBranchShaAsync(Owner, Name, pr.Head));

        var rebase = await s.CommentAsync(pr.Number, Writer, "/gitops-bridge rebase", "rebase");

        Assert.Equal(("done", "rebase"), LifecycleScenario.StatusOf(rebase));
        Assert.Contains("dropped", s.Replies(pr.Number)[^1], StringComparison.Ordinal);
        Assert.Contains("tag: 1.6.0", await s.WaitForFileAsync(pr.Head, Hello, "tag: 1.6.0"), StringComparison.Ordinal);
        Assert.Contains("tag: 2.1.0", await s.WaitForFileAsync(pr.Head, "envs/dev/web.yaml", "tag: 2.1.0"), StringComparison.Ordinal);
        Assert.DoesNotContain(await s.GitHub.GetCommitsAsync(Owner, Name, pr.Head), c => c.Sha == hotfix);
        Assert.Equal(DeliveryStatus.Done, (await BatchingTests.WaitForOutcomeAsync(s, "hello-160", o => o.Status != DeliveryStatus.Pending)).Status);
        Assert.Equal(DeliveryStatus.Done, (await BatchingTests.WaitForOutcomeAsync(s, "web-210", o => o.Status != DeliveryStatus.Pending)).Status);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await s.Store.GetTargetControlsAsync(s.Dev)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Empty(await s.Store.GetTargetControlsAsync(s.Dev));
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task RemovedEnvironment_ClosesItsPullRequestWithACommentAndDeletesItsBranch()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(), config: TwoModes, files: QaFiles);
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var qa = Assert.Single(s.GitHub.GetPullRequests(Owner, Name), p => p.Head.EndsWith("/qa", StringComparison.Ordinal));
        var withoutQa = TwoModes[..TwoModes.IndexOf("  qa:", StringComparison.Ordinal)];
        await s.GitHub.CommitAsync(Owner, Name, "main", new Dictionary<string, string?> { [".github/gitops-bridge.yml"] = withoutQa });

        await s.PushConfigChangeAsync("config-push");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((s.GitHub.GetPullRequests(Owner, Name).Single(p => p.Number == qa.Number).State == "open" || await s.GitHub.GetBranchShaAsync(Owner, Name, qa.Head) is not null)
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal("closed", s.GitHub.GetPullRequests(Owner, Name).Single(p => p.Number == qa.Number).State);
        Assert.Equal("open", s.GitHub.GetPullRequests(Owner, Name).Single(p => p.Head.EndsWith("/dev", StringComparison.Ordinal)).State);
        Assert.Null(await s.GitHub.GetBranchShaAsync(Owner, Name, qa.Head));
        Assert.Contains("no longer has the environment **qa**", s.Replies(qa.Number)[^1], StringComparison.Ordinal);
        Assert.Equal("closed", (await s.Store.GetPullRequestAsync(s.Dev with { Environment = "qa" }))!.State);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task BaseAlreadyHoldsTheChange_ClosesThePullRequestAndDeletesItsBranch()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync());
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");
        await s.GitHub.CommitAsync(Owner, Name, "main", new Dictionary<string, string?> { [Hello] = "image:\n  repository: ghcr.io/codertocat/hello-world-npm\n  tag: 1.5.0\n" });

        var again = await s.DispatchImageAsync("hello-world-npm", "1.5.0", "hello-150-again");

        Assert.Equal("closed", again.GetProperty("targets")[0].GetProperty("pullRequest").GetProperty("action").GetString());
        Assert.Equal("closed", s.SinglePullRequest("closed").State);
        Assert.Null(await s.GitHub.GetBranchShaAsync(Owner, Name, pr.Head));
        Assert.Contains("already holds every version", s.Replies(pr.Number)[^1], StringComparison.Ordinal);
        s.GitHub.AssertNoSpecViolations();
    }

    /// <summary>The config with <c>pullRequest: false</c> (and more settings) on dev.</summary>
    private static string Direct(string config, string more) =>
        config.Replace("  dev:\n", $"  dev:\n    pullRequest: false\n{more}", StringComparison.Ordinal);

}

/// <summary>Commits on SQLite.</summary>
public sealed class SqliteCommitTests : CommitTests
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.SqliteAsync();
}

/// <summary>Commits on PostgreSQL.</summary>
public sealed class PostgresCommitTests(PostgresDatabaseFixture database) : CommitTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.PostgresAsync(database);
}
