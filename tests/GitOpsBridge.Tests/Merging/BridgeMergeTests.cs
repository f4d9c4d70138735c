using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.Core.Merging;
using GitOpsBridge.GitHubEmulator;
using GitOpsBridge.Tests.Lifecycle;
using GitOpsBridge.Tests.Service;
using GitOpsBridge.Work;

namespace GitOpsBridge.Tests.Merging;

/// <summary>
/// Where the repository does not allow GitHub's auto-merge, the bridge merges its own pull request
/// once its merge policy holds, reacting to check, status and review webhooks: end to end with the
/// real service and the emulator, on both storage backends.
/// </summary>
public abstract class BridgeMergeTests
{
    private const string Owner = LifecycleScenario.Owner;
    private const string Name = LifecycleScenario.Name;
    private const string Hello = "envs/dev/hello.yaml";

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    private async Task<LifecycleScenario> StartAsync(int minApprovals, bool helloOnly = false)
    {
        // With one image in dev a pin names a version of it.
        var config = helloOnly ? LifecycleScenario.Config.Replace("      - { path: envs/dev/web.yaml, helm: { image: web, path: image } }", "", StringComparison.Ordinal) : LifecycleScenario.Config;
        var s = await LifecycleScenario.StartAsync(await StorageSettingsAsync(),
            config: config.TrimEnd() + $"\n    pullRequest: {{ autoMerge: squash, minApprovals: {minApprovals} }}\n");
        s.GitHub.SetAllowAutoMerge(Owner, Name, false);
        return s;
    }

    [SkippableFact]
    public async Task AutoMergeNotAllowed_RedCheckOrChangesRequested_NotMerged_GreenAndApproved_Merged()
    {
        await using var s = await StartAsync(minApprovals: 1);

        var published = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");
        var first = PolicyRun(s);

        Assert.Equal(("done", null), LifecycleScenario.StatusOf(published));
        Assert.Contains("the repository does not allow auto-merge; the bridge merges it once its merge policy holds", Reason(published), StringComparison.Ordinal);
        Assert.Contains("1 more approving review (0 of 1)", Reason(published), StringComparison.Ordinal);
        Assert.Equal(("neutral", pr.HeadSha), (first.Conclusion, first.HeadSha));

        s.GitHub.AddCheckRun(Owner, Name, pr.HeadSha, "ci/build", "completed", "failure");
        var red = await CheckRunCompletedAsync(s, pr, "ci/build", "failure", "check-red");

        Assert.Equal(("skipped", MergeCoordinator.PolicyNotMet), LifecycleScenario.StatusOf(red));
        Assert.Contains("failing checks: ci/build", Reason(red), StringComparison.Ordinal);
        Assert.False(s.SinglePullRequest("open").Merged);
        var shown = PolicyRun(s);
        Assert.Equal((first.Id, "action_required"), (shown.Id, shown.Conclusion));
        Assert.Contains("- failing checks: ci/build", shown.Summary, StringComparison.Ordinal);
        Assert.Contains("- 1 more approving review (0 of 1)", shown.Summary, StringComparison.Ordinal);

        s.GitHub.AddReview(Owner, Name, pr.Number, "alice", "APPROVED");
        var approvedButRed = await ReviewAsync(s, pr, "alice", "approved", "review-alice");
        s.GitHub.AddReview(Owner, Name, pr.Number, "bob", "CHANGES_REQUESTED");
        var changesRequested = await ReviewAsync(s, pr, "bob", "changes_requested", "review-bob");
        s.GitHub.AddCheckRun(Owner, Name, pr.HeadSha, "ci/build", "completed", "success");
        var greenButChangesRequested = await CheckRunCompletedAsync(s, pr, "ci/build", "success", "check-green");

        Assert.Equal(("skipped", MergeCoordinator.PolicyNotMet), LifecycleScenario.StatusOf(approvedButRed));
        Assert.DoesNotContain("approving review", Reason(approvedButRed), StringComparison.Ordinal);
        Assert.Equal(("skipped", MergeCoordinator.PolicyNotMet), LifecycleScenario.StatusOf(greenButChangesRequested));
        Assert.Contains("changes requested by @bob", Reason(changesRequested), StringComparison.Ordinal);
        Assert.Equal("changes requested by @bob", Assert.Single(Missing(greenButChangesRequested)));
        Assert.False(s.SinglePullRequest("open").Merged);

        s.GitHub.AddReview(Owner, Name, pr.Number, "bob", "APPROVED");
        s.GitHub.Calls.Reset();
        var merged = await ReviewAsync(s, pr, "bob", "approved", "review-bob-2");
        var calls = s.GitHub.Calls;

        Assert.Equal(("done", MergeCoordinator.Merged), LifecycleScenario.StatusOf(merged));
        Assert.Contains("merged #1 (squash)", Reason(merged), StringComparison.Ordinal);
        var pull = Assert.Single(s.GitHub.GetPullRequests(Owner, Name));
        Assert.True(pull.Merged);
        Assert.Equal(pull.MergeCommitSha, await s.GitHub.GetBranchShaAsync(Owner, Name, "main"));
        Assert.Contains("tag: 1.5.0", (await s.GitHub.ReadFilesAsync(Owner, Name, "main"))[Hello], StringComparison.Ordinal);
        Assert.Equal("success", PolicyRun(s).Conclusion);
        Assert.Equal("merged", (await s.Store.GetPullRequestAsync(s.Dev))?.State);

        // One evaluation and the merge: the pull request, the base branch, check runs, combined
        // status and reviews, the policy check run updated in place, and the merge.
        Assert.Equal(1, calls[GitHubRoutes.GetPullRequest]);
        Assert.Equal(1, calls[GitHubRoutes.GetBranch]);
        Assert.Equal(1, calls[GitHubRoutes.ListCheckRunsForRef]);
        Assert.Equal(1, calls[GitHubRoutes.GetCombinedStatus]);
        Assert.Equal(1, calls[GitHubRoutes.ListReviews]);
        Assert.Equal(1, calls[GitHubRoutes.UpdateCheckRun]);
        Assert.Equal(1, calls[GitHubRoutes.MergePullRequest]);
        Assert.Equal(7, calls.Total - calls[GitHubRoutes.CreateInstallationToken]);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task AutoMergeNotAllowed_NoChecksAndNoApprovalsRequired_MergedWhenPublished()
    {
        await using var s = await StartAsync(minApprovals: 0);

        var published = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");

        Assert.Equal(("done", null), LifecycleScenario.StatusOf(published));
        Assert.Contains("; merged #1 (squash)", Reason(published), StringComparison.Ordinal);
        Assert.True(Assert.Single(s.GitHub.GetPullRequests(Owner, Name)).Merged);
        Assert.Contains("tag: 1.5.0", (await s.GitHub.ReadFilesAsync(Owner, Name, "main"))[Hello], StringComparison.Ordinal);
        s.GitHub.AssertNoSpecViolations();
    }

    /// <summary>
    /// GitHub refuses auto-merge on a pull request that can be merged at once ("clean status"), and
    /// then no check or review event ever comes: the bridge's policy decides right after publishing.
    /// </summary>
    [SkippableFact]
    public async Task AutoMergeAllowedButCleanStatus_NothingPending_MergedByTheBridgeWhenPublished()
    {
        await using var s = await StartAsync(minApprovals: 0);
        s.GitHub.SetAllowAutoMerge(Owner, Name, true);
        s.GitHub.SetAutoMergeCleanStatusRule(Owner, Name, true);

        var published = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");

        Assert.Equal(("done", null), LifecycleScenario.StatusOf(published));
        Assert.Contains("GitHub's auto-merge is not needed (nothing is pending); merged #1 (squash)", Reason(published), StringComparison.Ordinal);
        var pr = Assert.Single(s.GitHub.GetPullRequests(Owner, Name));
        Assert.True(pr.Merged);
        Assert.Null(s.GitHub.GetAutoMergeRequest(Owner, Name, pr.Number));
        s.GitHub.AssertNoSpecViolations();
    }

    /// <summary>With a required check, the same repository takes GitHub's auto-merge, and the bridge leaves the merge to GitHub.</summary>
    [SkippableFact]
    public async Task AutoMergeAllowed_RequiredCheckPending_GitHubsAutoMergeIsEnabledAndTheBridgeDoesNotMerge()
    {
        await using var s = await StartAsync(minApprovals: 0);
        s.GitHub.SetAllowAutoMerge(Owner, Name, true);
        s.GitHub.SetAutoMergeCleanStatusRule(Owner, Name, true);
        s.GitHub.SetRequiredStatusChecks(Owner, Name, "main", "ci/e2e");

        var published = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");

        Assert.Contains("auto-merge (squash) enabled", Reason(published), StringComparison.Ordinal);
        var pr = Assert.Single(s.GitHub.GetPullRequests(Owner, Name));
        Assert.False(pr.Merged);
        Assert.NotNull(s.GitHub.GetAutoMergeRequest(Owner, Name, pr.Number));
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task RequiredStatusCheck_AwaitedThenAPendingAndAGreenStatus_MergedOnlyWhenGreen()
    {
        await using var s = await StartAsync(minApprovals: 0);
        s.GitHub.SetRequiredStatusChecks(Owner, Name, "main", "ci/e2e");

        var published = await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");
        s.GitHub.AddCommitStatus(Owner, Name, pr.HeadSha, "ci/e2e", "pending");
        var pending = await StatusAsync(s, pr, "ci/e2e", "pending", "status-pending");
        s.GitHub.AddCommitStatus(Owner, Name, pr.HeadSha, "ci/e2e", "success");
        var green = await StatusAsync(s, pr, "ci/e2e", "success", "status-green");

        Assert.Contains("required checks not reported yet: ci/e2e", Reason(published), StringComparison.Ordinal);
        Assert.Equal(["checks still running: ci/e2e"], Missing(pending));
        Assert.Equal(("done", MergeCoordinator.Merged), LifecycleScenario.StatusOf(green));
        Assert.True(Assert.Single(s.GitHub.GetPullRequests(Owner, Name)).Merged);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task CheckSuiteCompletedOnTheBridgesBranch_Merges_OnAnotherCommit_KeepsTheCiPath()
    {
        var (s, pr) = await OpenAwaitingE2eAsync();
        await using var _ = s;
        s.GitHub.AddCheckRun(Owner, Name, pr.HeadSha, "ci/e2e", "completed", "success");

        var elsewhere = await CheckSuiteCompletedAsync(s, "feature/x", [], "suite-elsewhere");
        var suite = await CheckSuiteCompletedAsync(s, pr.Head, [pr.Number], "suite");

        Assert.DoesNotContain(elsewhere.GetProperty("reasonCode").GetString(), new[] { "not-ours", MergeCoordinator.Merged, MergeCoordinator.PolicyNotMet });
        Assert.Equal(("done", MergeCoordinator.Merged), LifecycleScenario.StatusOf(suite));
        Assert.True(Assert.Single(s.GitHub.GetPullRequests(Owner, Name)).Merged);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task BaseMovedAboveTheProposedVersion_Downgrade_NotMergedAndNamed()
    {
        var (s, pr) = await OpenAwaitingE2eAsync();
        await using var _ = s;

        // A person deploys a newer version by hand: the bridge's 1.5.0 would now lower it.
        await s.GitHub.CommitAsync(Owner, Name, "main", new Dictionary<string, string?> { [Hello] = "image:\n  repository: ghcr.io/codertocat/hello-world-npm\n  tag: 1.6.0\n" });
        s.GitHub.AddCommitStatus(Owner, Name, pr.HeadSha, "ci/e2e", "success");
        var green = await StatusAsync(s, pr, "ci/e2e", "success", "status-green");

        Assert.Equal(("skipped", MergeCoordinator.PolicyNotMet), LifecycleScenario.StatusOf(green));
        Assert.Contains(Missing(green), m => m.StartsWith("it lowers a version (ghcr.io/codertocat/hello-world-npm:1.5.0", StringComparison.Ordinal));
        Assert.Contains("it lowers a version", PolicyRun(s).Summary, StringComparison.Ordinal);
        Assert.Equal("action_required", PolicyRun(s).Conclusion);
        Assert.False(s.SinglePullRequest("open").Merged);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task PinnedLowerVersion_IntentionalDowngrade_MergedOnceGreen()
    {
        var (s, pr) = await OpenAwaitingE2eAsync(helloOnly: true);
        await using var _ = s;
        s.GitHub.SetCollaboratorRole(Owner, Name, "octo-writer", "write");

        var pinned = await s.CommentAsync(pr.Number, "octo-writer", "/gitops-bridge pin 1.3.0", "pin");
        Assert.Contains("tag: 1.3.0", await s.WaitForFileAsync(pr.Head, Hello, "tag: 1.3.0"), StringComparison.Ordinal);
        var head = (await s.GitHub.GetBranchShaAsync(Owner, Name, pr.Head))!;
        s.GitHub.AddCommitStatus(Owner, Name, head, "ci/e2e", "success");
        await StatusAsync(s, pr with { HeadSha = head }, "ci/e2e", "success", "status-green");

        Assert.Equal(("done", "pinned"), LifecycleScenario.StatusOf(pinned));
        Assert.True(await WaitForMergedAsync(s));
        Assert.Contains("tag: 1.3.0", (await s.GitHub.ReadFilesAsync(Owner, Name, "main"))[Hello], StringComparison.Ordinal);
        Assert.DoesNotContain("lowers a version", PolicyRun(s).Summary, StringComparison.Ordinal);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task Held_GreenAndApproved_NotMergedUntilReleased()
    {
        await using var s = await StartAsync(minApprovals: 1);
        s.GitHub.SetCollaboratorRole(Owner, Name, "octo-writer", "write");
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");
        await s.CommentAsync(pr.Number, "octo-writer", "/gitops-bridge hold", "hold");

        s.GitHub.AddReview(Owner, Name, pr.Number, "alice", "APPROVED");
        var approved = await ReviewAsync(s, pr, "alice", "approved", "review-alice");

        Assert.Equal(("skipped", MergeCoordinator.PolicyNotMet), LifecycleScenario.StatusOf(approved));
        Assert.Equal("dev is on hold by @octo-writer (/gitops-bridge release lets it merge)", Assert.Single(Missing(approved)));
        Assert.False(s.SinglePullRequest("open").Merged);

        // Release reconciles the target; the republished PR is evaluated again, and now merges.
        await s.CommentAsync(pr.Number, "octo-writer", "/gitops-bridge release", "release");

        Assert.True(await WaitForMergedAsync(s));
        Assert.Equal("success", PolicyRun(s).Conclusion);
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task EventsNotAboutABridgePullRequest_NotOursOrOwn()
    {
        await using var s = await StartAsync(minApprovals: 1);
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        var pr = s.SinglePullRequest("open");

        var otherReview = await ReviewAsync(s, pr with { Number = 99 }, "alice", "approved", "review-other");
        var otherStatus = await StatusAsync(s, pr with { Head = "feature/x" }, "ci", "success", "status-other");
        var own = await CheckRunCompletedAsync(s, pr, MergePolicy.CheckRunName, "neutral", "own-run");

        Assert.Equal(("ignored", "not-ours"), LifecycleScenario.StatusOf(otherReview));
        Assert.Equal(("ignored", "not-ours"), LifecycleScenario.StatusOf(otherStatus));
        Assert.Equal(("ignored", "own-check-run"), LifecycleScenario.StatusOf(own));
    }

    /// <summary>A bridge PR for hello 1.5.0 that waits for the required status check <c>ci/e2e</c>.</summary>
    private async Task<(LifecycleScenario S, EmulatedPullRequest Pr)> OpenAwaitingE2eAsync(bool helloOnly = false)
    {
        var s = await StartAsync(minApprovals: 0, helloOnly);
        s.GitHub.SetRequiredStatusChecks(Owner, Name, "main", "ci/e2e");
        await s.PushImageAsync("hello-world-npm", "1.5.0", "hello-150");
        return (s, s.SinglePullRequest("open"));
    }

    private static async Task<bool> WaitForMergedAsync(LifecycleScenario s)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Assert.Single(s.GitHub.GetPullRequests(Owner, Name)).Merged && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return Assert.Single(s.GitHub.GetPullRequests(Owner, Name)).Merged;
    }

    /// <summary>The policy check run of the newest head (a rebuilt branch gets its own).</summary>
    private static EmulatedCheckRun PolicyRun(LifecycleScenario s) =>
        s.GitHub.GetCheckRuns(Owner, Name).Last(r => r.Name == MergePolicy.CheckRunName);

    private static string Reason(JsonElement delivery) => delivery.GetProperty("targets")[0].GetProperty("reason").GetString() ?? "";

    /// <summary>The missing things an outcome's reason lists after "missing: ".</summary>
    private static string[] Missing(JsonElement delivery)
    {
        var reason = Reason(delivery);
        var at = reason.IndexOf("missing: ", StringComparison.Ordinal);
        return at < 0 ? [] : reason[(at + "missing: ".Length)..].Split("; ");
    }

    private static JsonObject Envelope(LifecycleScenario s, JsonObject body)
    {
        body["repository"] = new JsonObject { ["id"] = 1, ["name"] = Name, ["full_name"] = LifecycleScenario.Repository, ["owner"] = new JsonObject { ["login"] = Owner } };
        body["installation"] = new JsonObject { ["id"] = s.InstallationId };
        return body;
    }

    /// <summary>A CI app's check run completed on the pull request's head, as GitHub sends it; waits until it settles.</summary>
    private static async Task<JsonElement> CheckRunCompletedAsync(LifecycleScenario s, EmulatedPullRequest pr, string name, string conclusion, string deliveryId)
    {
        var body = Envelope(s, new JsonObject
        {
            ["action"] = "completed",
            ["check_run"] = new JsonObject
            {
                ["id"] = 4242,
                ["name"] = name,
                ["head_sha"] = pr.HeadSha,
                ["status"] = "completed",
                ["conclusion"] = conclusion,
                ["app"] = new JsonObject { ["slug"] = name == MergePolicy.CheckRunName ? "gitops-bridge" : "ci-app" },
                ["check_suite"] = new JsonObject { ["head_branch"] = pr.Head, ["head_sha"] = pr.HeadSha },
                ["pull_requests"] = new JsonArray(new JsonObject { ["number"] = pr.Number, ["head"] = new JsonObject { ["ref"] = pr.Head, ["sha"] = pr.HeadSha } }),
            },
            ["sender"] = new JsonObject { ["login"] = "ci-app[bot]", ["type"] = "Bot" },
        });
        await s.Bridge.PostAsync("check_run", body.ToJsonString(), deliveryId);
        return await s.Bridge.WaitForDeliveryAsync(deliveryId);
    }

    /// <summary>A CI app's check suite completed on a branch, as GitHub sends it; waits until it settles.</summary>
    private static async Task<JsonElement> CheckSuiteCompletedAsync(LifecycleScenario s, string branch, int[] numbers, string deliveryId)
    {
        var body = Envelope(s, new JsonObject
        {
            ["action"] = "completed",
            ["check_suite"] = new JsonObject
            {
                ["id"] = 77,
                ["head_branch"] = branch,
                ["head_sha"] = new string('a', 40),
                ["status"] = "completed",
                ["conclusion"] = "success",
                ["app"] = new JsonObject { ["slug"] = "ci-app", ["name"] = "CI App" },
                ["pull_requests"] = new JsonArray([.. numbers.Select(n => (JsonNode)new JsonObject { ["number"] = n })]),
            },
            ["sender"] = new JsonObject { ["login"] = "ci-app[bot]", ["type"] = "Bot" },
        });
        await s.Bridge.PostAsync("check_suite", body.ToJsonString(), deliveryId);
        return await s.Bridge.WaitForDeliveryAsync(deliveryId);
    }

    /// <summary>A review submitted on the pull request, as GitHub sends it; waits until it settles.</summary>
    private static async Task<JsonElement> ReviewAsync(LifecycleScenario s, EmulatedPullRequest pr, string login, string state, string deliveryId)
    {
        var body = Envelope(s, new JsonObject
        {
            ["action"] = "submitted",
            ["review"] = new JsonObject { ["state"] = state, ["user"] = new JsonObject { ["login"] = login }, ["commit_id"] = pr.HeadSha },
            ["pull_request"] = new JsonObject { ["number"] = pr.Number, ["head"] = new JsonObject { ["ref"] = pr.Head, ["sha"] = pr.HeadSha } },
            ["sender"] = new JsonObject { ["login"] = login, ["type"] = "User" },
        });
        await s.Bridge.PostAsync("pull_request_review", body.ToJsonString(), deliveryId);
        return await s.Bridge.WaitForDeliveryAsync(deliveryId);
    }

    /// <summary>A commit status on the pull request's head, as GitHub sends it (with the branches holding the commit); waits until it settles.</summary>
    private static async Task<JsonElement> StatusAsync(LifecycleScenario s, EmulatedPullRequest pr, string context, string state, string deliveryId)
    {
        var body = Envelope(s, new JsonObject
        {
            ["id"] = 7,
            ["sha"] = pr.HeadSha,
            ["context"] = context,
            ["state"] = state,
            ["branches"] = new JsonArray(new JsonObject { ["name"] = pr.Head, ["commit"] = new JsonObject { ["sha"] = pr.HeadSha } }),
            ["sender"] = new JsonObject { ["login"] = "ci-bot", ["type"] = "User" },
        });
        await s.Bridge.PostAsync("status", body.ToJsonString(), deliveryId);
        return await s.Bridge.WaitForDeliveryAsync(deliveryId);
    }
}

/// <summary>The bridge merging on SQLite.</summary>
public sealed class SqliteBridgeMergeTests : BridgeMergeTests
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.SqliteAsync();
}

/// <summary>The bridge merging on PostgreSQL.</summary>
public sealed class PostgresBridgeMergeTests(PostgresDatabaseFixture database) : BridgeMergeTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => StorageBackends.PostgresAsync(database);
}
