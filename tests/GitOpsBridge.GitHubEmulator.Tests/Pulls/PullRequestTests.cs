using Octokit;

namespace GitOpsBridge.GitHubEmulator.Tests.Pulls;

public sealed class PullRequestTests
{
    [Fact]
    public async Task Create_WithOctokit_UsesRealShasAndDiff()
    {
        await using var scenario = await Scenario.StartAsync();
        var headSha = await scenario.PushBranchAsync("gitops-bridge/dev");
        var baseSha = await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main");

        var pull = await scenario.Octokit().PullRequest.Create(
            Scenario.Owner, Scenario.Repo, new NewPullRequest("Update api to 1.5.0", "gitops-bridge/dev", "main") { Body = "Provenance: build 42", Draft = true });

        Assert.Equal(1, pull.Number);
        Assert.Equal(ItemState.Open, pull.State.Value);
        Assert.Equal(headSha, pull.Head.Sha);
        Assert.Equal(baseSha, pull.Base.Sha);
        Assert.Equal("acme:gitops-bridge/dev", pull.Head.Label);
        Assert.True(pull.Draft);
        Assert.Equal(1, pull.Commits);
        Assert.Equal(1, pull.ChangedFiles);
        Assert.Equal(1, pull.Additions);
        Assert.Equal(1, pull.Deletions);
        Assert.True(pull.Mergeable);
        Assert.Equal("gitops-bridge[bot]", pull.User.Login);
        var stored = Assert.Single(scenario.GitHub.GetPullRequests(Scenario.Owner, Scenario.Repo));
        Assert.Equal("Provenance: build 42", stored.Body);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Update_WithOctokit_ChangesTitleBodyAndCloses()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("feature");
        var client = scenario.Octokit();
        var created = await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("Old", "feature", "main"));

        var renamed = await client.PullRequest.Update(Scenario.Owner, Scenario.Repo, created.Number, new PullRequestUpdate { Title = "New", Body = "Body" });
        var closed = await client.PullRequest.Update(Scenario.Owner, Scenario.Repo, created.Number, new PullRequestUpdate { State = ItemState.Closed });

        Assert.Equal("New", renamed.Title);
        Assert.Equal("Body", renamed.Body);
        Assert.Equal(ItemState.Closed, closed.State.Value);
        Assert.NotNull(closed.ClosedAt);
        Assert.Equal("closed", Assert.Single(scenario.GitHub.GetPullRequests(Scenario.Owner, Scenario.Repo)).State);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task List_WithOctokit_FiltersByHeadBaseAndState()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("one", "1.5.0");
        await scenario.PushBranchAsync("two", "1.6.0");
        var client = scenario.Octokit();
        await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("One", "one", "main"));
        var two = await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("Two", "two", "main"));
        await client.PullRequest.Update(Scenario.Owner, Scenario.Repo, two.Number, new PullRequestUpdate { State = ItemState.Closed });

        var open = await client.PullRequest.GetAllForRepository(Scenario.Owner, Scenario.Repo);
        var byHead = await client.PullRequest.GetAllForRepository(Scenario.Owner, Scenario.Repo, new PullRequestRequest { Head = "acme:two", State = ItemStateFilter.All });
        var closedOnMain = await client.PullRequest.GetAllForRepository(Scenario.Owner, Scenario.Repo, new PullRequestRequest { Base = "main", State = ItemStateFilter.Closed });
        var otherBase = await client.PullRequest.GetAllForRepository(Scenario.Owner, Scenario.Repo, new PullRequestRequest { Base = "release", State = ItemStateFilter.All });

        Assert.Equal("One", Assert.Single(open).Title);
        Assert.Equal("Two", Assert.Single(byHead).Title);
        Assert.Equal("Two", Assert.Single(closedOnMain).Title);
        Assert.Empty(otherBase);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Create_SecondOpenForSameHead_Gets422AlreadyExists()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("feature");
        var client = scenario.Octokit();
        await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("First", "feature", "main"));

        var error = await Assert.ThrowsAsync<ApiValidationException>(() =>
            client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("Second", "feature", "main")));

        Assert.Equal("A pull request already exists for acme:feature.", Assert.Single(error.ApiError.Errors).Message);
        Assert.Single(scenario.GitHub.GetPullRequests(Scenario.Owner, Scenario.Repo));
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Create_AfterTheOpenOneIsClosed_Succeeds()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("feature");
        var client = scenario.Octokit();
        var first = await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("First", "feature", "main"));
        await client.PullRequest.Update(Scenario.Owner, Scenario.Repo, first.Number, new PullRequestUpdate { State = ItemState.Closed });

        var second = await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("Second", "feature", "main"));

        Assert.Equal(2, second.Number);
    }

    [Fact]
    public async Task Create_NoCommitsOrMissingBranch_Gets422()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.GitHub.CommitAsync(Scenario.Owner, Scenario.Repo, "same", new Dictionary<string, string?>());
        var client = scenario.Octokit();

        var same = await Assert.ThrowsAsync<ApiValidationException>(() => client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("t", "main", "main")));
        var missing = await Assert.ThrowsAsync<ApiValidationException>(() => client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("t", "nope", "main")));

        Assert.Equal("No commits between main and main", Assert.Single(same.ApiError.Errors).Message);
        Assert.Equal("head", Assert.Single(missing.ApiError.Errors).Field);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Get_FollowsPushesToTheHeadBranch()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("feature", "1.5.0");
        var client = scenario.Octokit();
        var pull = await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("t", "feature", "main"));

        var newSha = await scenario.PushBranchAsync("feature", "1.6.0");
        var fetched = await client.PullRequest.Get(Scenario.Owner, Scenario.Repo, pull.Number);

        Assert.Equal(newSha, fetched.Head.Sha);
        Assert.Equal(2, fetched.Commits);
    }

    [Fact]
    public async Task Get_ConflictWithBase_IsNotMergeable()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("feature", "1.5.0");
        await scenario.GitHub.CommitAsync(Scenario.Owner, Scenario.Repo, "main", new Dictionary<string, string?> { ["envs/dev/values.yaml"] = "image:\n  tag: 9.9.9\n" });
        var client = scenario.Octokit();

        var pull = await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("t", "feature", "main"));

        Assert.False(pull.Mergeable);
        Assert.Equal(MergeableState.Dirty, pull.MergeableState!.Value.Value);
    }

    [Fact]
    public async Task LabelsReviewersAndComments_WithOctokit_AreStored()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("feature");
        var client = scenario.Octokit();
        var pull = await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("t", "feature", "main"));

        // Octokit's Issue.Labels.AddToIssue posts a bare array, which the description no longer
        // documents; the documented body is {"labels": [...]}.
        var labels = (await client.Connection.Post<Label[]>(
            new Uri($"repos/acme/gitops/issues/{pull.Number}/labels", UriKind.Relative),
            new { labels = new[] { "env/dev", "gitops-bridge" } },
            "application/vnd.github+json",
            "application/json")).Body;
        var reviewed = await client.PullRequest.ReviewRequest.Create(Scenario.Owner, Scenario.Repo, pull.Number, new PullRequestReviewRequest(["alice"], ["sre"]));
        await client.Issue.Comment.Create(Scenario.Owner, Scenario.Repo, pull.Number, "Superseded build 41");
        var comments = await client.Issue.Comment.GetAllForIssue(Scenario.Owner, Scenario.Repo, pull.Number);

        Assert.Equal(["env/dev", "gitops-bridge"], labels.Select(l => l.Name));
        Assert.Equal("alice", Assert.Single(reviewed.RequestedReviewers).Login);
        Assert.Equal("sre", Assert.Single(reviewed.RequestedTeams).Slug);
        Assert.Equal("Superseded build 41", Assert.Single(comments).Body);
        var stored = Assert.Single(scenario.GitHub.GetPullRequests(Scenario.Owner, Scenario.Repo));
        Assert.Equal(["env/dev", "gitops-bridge"], stored.Labels);
        Assert.Equal(["alice"], stored.RequestedReviewers);
        Assert.Equal("Superseded build 41", Assert.Single(scenario.GitHub.GetComments(Scenario.Owner, Scenario.Repo, pull.Number)).Body);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Labels_OctokitBareArrayBody_IsFlagged()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("feature");
        var client = scenario.Octokit();
        var pull = await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("t", "feature", "main"));

        await Assert.ThrowsAnyAsync<ApiException>(() => client.Issue.Labels.AddToIssue(Scenario.Owner, Scenario.Repo, pull.Number, ["env/dev"]));

        var violation = Assert.Single(scenario.GitHub.SpecViolations);
        Assert.Equal("issues/add-labels", violation.OperationId);
        Assert.Contains("expected object, got array", violation.Message, StringComparison.Ordinal);
    }
}
