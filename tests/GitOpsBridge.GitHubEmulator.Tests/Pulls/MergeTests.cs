using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Octokit;

namespace GitOpsBridge.GitHubEmulator.Tests.Pulls;

/// <summary>PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge and the reviews list, against the real hosted repository.</summary>
public sealed class MergeTests
{
    private static async Task<(Scenario Scenario, int Number, string HeadSha)> OpenAsync(bool draft = false)
    {
        var scenario = await Scenario.StartAsync();
        var headSha = await scenario.PushBranchAsync("gitops-bridge/dev");
        var pull = await scenario.Octokit().PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("Update api to 1.5.0", "gitops-bridge/dev", "main") { Draft = draft });
        return (scenario, pull.Number, headSha);
    }

    private static Task<HttpResponseMessage> MergeAsync(Scenario scenario, int number, object body) =>
        scenario.Http().PutAsJsonAsync($"repos/{Scenario.Owner}/{Scenario.Repo}/pulls/{number}/merge", body);

    [Theory]
    [InlineData("merge", 2)]
    [InlineData("squash", 1)]
    [InlineData("rebase", 1)]
    public async Task Merge_EachMethod_MakesARealCommitOnTheBaseAndMarksThePullRequestMerged(string method, int parents)
    {
        var (scenario, number, headSha) = await OpenAsync();
        await using var _ = scenario;
        var baseBefore = await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main");

        using var response = await MergeAsync(scenario, number, new { merge_method = method, sha = headSha });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("merged").GetBoolean());
        var commit = body.GetProperty("sha").GetString();
        Assert.Equal(commit, await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"));
        var tip = (await scenario.GitHub.GetCommitsAsync(Scenario.Owner, Scenario.Repo, "main"))[0];
        Assert.Equal(parents, tip.Parents.Count);
        Assert.Equal(baseBefore, tip.Parents[0]);
        Assert.Contains("tag: 1.5.0", (await scenario.GitHub.ReadFilesAsync(Scenario.Owner, Scenario.Repo, "main"))["envs/dev/values.yaml"], StringComparison.Ordinal);
        var pull = Assert.Single(scenario.GitHub.GetPullRequests(Scenario.Owner, Scenario.Repo));
        Assert.True(pull.Merged);
        Assert.Equal("closed", pull.State);
        Assert.Equal(commit, pull.MergeCommitSha);
        var read = await scenario.Octokit().PullRequest.Get(Scenario.Owner, Scenario.Repo, number);
        Assert.True(read.Merged);
        Assert.Equal(commit, read.MergeCommitSha);
        Assert.NotNull(read.MergedAt);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Merge_ShaIsNotTheHead_409AndNothingMerged()
    {
        var (scenario, number, _) = await OpenAsync();
        await using var __ = scenario;
        var baseBefore = await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main");

        using var response = await MergeAsync(scenario, number, new { merge_method = "squash", sha = baseBefore });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(baseBefore, await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"));
        Assert.False(Assert.Single(scenario.GitHub.GetPullRequests(Scenario.Owner, Scenario.Repo)).Merged);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Merge_Draft_405()
    {
        var (scenario, number, headSha) = await OpenAsync(draft: true);
        await using var _ = scenario;

        using var response = await MergeAsync(scenario, number, new { sha = headSha });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.False(Assert.Single(scenario.GitHub.GetPullRequests(Scenario.Owner, Scenario.Repo)).Merged);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Merge_Closed_405()
    {
        var (scenario, number, _) = await OpenAsync();
        await using var _ = scenario;
        scenario.GitHub.SetPullRequestState(Scenario.Owner, Scenario.Repo, number, "closed");

        using var response = await MergeAsync(scenario, number, new { merge_method = "merge" });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Merge_ConflictWithTheBase_405AndTheBaseIsUnchanged()
    {
        var (scenario, number, headSha) = await OpenAsync();
        await using var _ = scenario;
        var moved = await scenario.GitHub.CommitAsync(Scenario.Owner, Scenario.Repo, "main",
            new Dictionary<string, string?> { ["envs/dev/values.yaml"] = "image:\n  repository: ghcr.io/acme/api\n  tag: 1.7.0 # keep\n" });

        using var response = await MergeAsync(scenario, number, new { merge_method = "merge", sha = headSha });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(moved, await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"));
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Merge_RequiredCheckNotGreen_405UntilItIs()
    {
        var (scenario, number, headSha) = await OpenAsync();
        await using var _ = scenario;
        scenario.GitHub.SetRequiredStatusChecks(Scenario.Owner, Scenario.Repo, "main", "ci/build");
        scenario.GitHub.AddCommitStatus(Scenario.Owner, Scenario.Repo, headSha, "ci/build", "failure");

        using var refused = await MergeAsync(scenario, number, new { sha = headSha });
        scenario.GitHub.AddCommitStatus(Scenario.Owner, Scenario.Repo, headSha, "ci/build", "success");
        using var merged = await MergeAsync(scenario, number, new { sha = headSha });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
        Assert.Contains("ci/build", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task ListReviews_LatestStatesAndDismissal()
    {
        var (scenario, number, headSha) = await OpenAsync();
        await using var _ = scenario;
        scenario.GitHub.AddReview(Scenario.Owner, Scenario.Repo, number, "alice", "CHANGES_REQUESTED", "not yet");
        var approval = scenario.GitHub.AddReview(Scenario.Owner, Scenario.Repo, number, "bob", "APPROVED");
        scenario.GitHub.DismissReview(Scenario.Owner, Scenario.Repo, number, approval);

        var reviews = await scenario.Octokit().PullRequest.Review.GetAll(Scenario.Owner, Scenario.Repo, number);

        Assert.Equal(2, reviews.Count);
        Assert.Equal(("alice", PullRequestReviewState.ChangesRequested, "not yet", headSha), (reviews[0].User.Login, reviews[0].State.Value, reviews[0].Body, reviews[0].CommitId));
        Assert.Equal(("bob", PullRequestReviewState.Dismissed), (reviews[1].User.Login, reviews[1].State.Value));
        scenario.GitHub.AssertNoSpecViolations();
    }
}
