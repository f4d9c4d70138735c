using GitOpsBridge.GitHub;
using GitOpsBridge.GitHubEmulator;

namespace GitOpsBridge.Tests.GitHub;

public sealed class GitHubApiPullRequestTests
{
    [Fact]
    public async Task CreateThenUpdate_KeepsOneOpenPullRequest_InFourCallsThenTwo()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        var github = scenario.Emulator;
        await scenario.PushBranchAsync("gitops-bridge/dev", "1.5.0");
        await scenario.WarmUpAsync();

        var opened = await scenario.Api.CreateOrUpdatePullRequestAsync(
            scenario.InstallationId, GitHubScenario.Spec(labels: ["env/dev"], reviewers: ["alice", "acme/sre"]));
        var createCalls = github.Calls.Total;
        github.Calls.Reset();
        await scenario.PushBranchAsync("gitops-bridge/dev", "1.6.0");
        var updated = await scenario.Api.CreateOrUpdatePullRequestAsync(
            scenario.InstallationId, GitHubScenario.Spec(title: "Update api to 1.6.0", body: "Moves api to 1.6.0.", labels: ["env/dev"], reviewers: ["alice", "acme/sre"]));
        var updateCalls = github.Calls.Total;

        Assert.Equal(PullRequestActions.Opened, opened.Action);
        Assert.Equal(PullRequestActions.Updated, updated.Action);
        Assert.Equal(opened.Number, updated.Number);
        Assert.Equal(opened.NodeId, updated.NodeId);
        Assert.Equal($"{github.BaseAddress}acme/gitops/pull/{opened.Number}", opened.Url);
        Assert.Empty(opened.Warnings);
        Assert.Equal(4, createCalls);  // find, create, labels, reviewers
        Assert.Equal(2, updateCalls);  // find, patch title/body
        Assert.Equal(1, github.Calls[GitHubRoutes.UpdatePullRequest]);
        var pull = Assert.Single(github.GetPullRequests(GitHubScenario.Owner, GitHubScenario.Repo));
        Assert.Equal("open", pull.State);
        Assert.Equal("Update api to 1.6.0", pull.Title);
        Assert.Equal("Moves api to 1.6.0.", pull.Body);
        Assert.Equal(await github.GetBranchShaAsync(GitHubScenario.Owner, GitHubScenario.Repo, "gitops-bridge/dev"), pull.HeadSha);
        github.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Update_NothingChanged_OnlyLooks()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        await scenario.PushBranchAsync("gitops-bridge/dev");
        await scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec(labels: ["env/dev"]));
        var before = scenario.Api.CallCount;

        var result = await scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec(labels: ["ENV/dev"]));

        Assert.Equal(PullRequestActions.Updated, result.Action);
        Assert.Equal(1, scenario.Api.CallCount - before);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Update_NewLabel_AddsOnlyTheMissingOne()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        await scenario.PushBranchAsync("gitops-bridge/dev");
        await scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec(labels: ["env/dev"]));
        scenario.Emulator.Calls.Reset();

        await scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec(title: "New title", labels: ["env/dev", "automerge"]));

        Assert.Equal(3, scenario.Emulator.Calls.Total); // find, patch, labels
        Assert.Equal(1, scenario.Emulator.Calls[GitHubRoutes.AddLabels]);
        Assert.Equal(["env/dev", "automerge"], Assert.Single(scenario.Emulator.GetPullRequests(GitHubScenario.Owner, GitHubScenario.Repo)).Labels);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Create_LabelsAndUserAndTeamReviewers_AreSet()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        await scenario.PushBranchAsync("gitops-bridge/prod");

        var result = await scenario.Api.CreateOrUpdatePullRequestAsync(
            scenario.InstallationId, GitHubScenario.Spec(head: "gitops-bridge/prod", labels: ["env/prod", "gitops-bridge"], reviewers: ["@alice", "bob", "acme/sre"], draft: true));

        var pull = Assert.Single(scenario.Emulator.GetPullRequests(GitHubScenario.Owner, GitHubScenario.Repo));
        Assert.Equal(result.Number, pull.Number);
        Assert.Equal("gitops-bridge/prod", pull.Head);
        Assert.Equal("main", pull.Base);
        Assert.True(pull.Draft);
        Assert.Equal(["env/prod", "gitops-bridge"], pull.Labels);
        Assert.Equal(["alice", "bob"], pull.RequestedReviewers);
        Assert.Equal(["sre"], pull.RequestedTeams);
        Assert.Equal("gitops-bridge[bot]", pull.Author);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Create_ReviewerRefused_OpensThePullRequestWithAWarning()
    {
        await using var scenario = await GitHubScenario.StartAsync(configure: o => o.ViolationMode = SpecViolationMode.Record);
        await scenario.PushBranchAsync("gitops-bridge/dev");

        // GitHub refuses a review request from the pull request's own author (422).
        var result = await scenario.Api.CreateOrUpdatePullRequestAsync(
            scenario.InstallationId, GitHubScenario.Spec(reviewers: ["gitops-bridge[bot]"]));

        Assert.Equal(PullRequestActions.Opened, result.Action);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("Review cannot be requested from pull request author", warning, StringComparison.Ordinal);
        Assert.Equal("open", Assert.Single(scenario.Emulator.GetPullRequests(GitHubScenario.Owner, GitHubScenario.Repo)).State);
        scenario.AssertNoSpecViolationsBesidesUndocumented422Bodies();
    }

    [Fact]
    public async Task Create_OpenedByAnotherWriterMeanwhile_422AlreadyExistsThenUpdatesTheirs()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        var github = scenario.Emulator;
        await scenario.PushBranchAsync("gitops-bridge/dev");
        await scenario.WarmUpAsync();
        // Ours stops after its look (the list was served) and before its create; the rival opens the pull request then.
        var pausing = new PausingTokens(scenario.Tokens, () => github.Calls[GitHubRoutes.ListPullRequests] > 0);
        using var api = new GitHubApi(scenario.Options, pausing, scenario.Jwt, new RateLimitBudget(TimeProvider.System), TimeProvider.System);

        var ours = api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec(title: "Ours", labels: ["env/dev"]));
        await pausing.Paused.WaitAsync(TimeSpan.FromSeconds(10));
        var theirs = await scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec(title: "Theirs"));
        pausing.Resume();
        var result = await ours.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(PullRequestActions.Opened, theirs.Action);
        Assert.Equal(PullRequestActions.Updated, result.Action);
        Assert.Equal(theirs.Number, result.Number);
        var pull = Assert.Single(github.GetPullRequests(GitHubScenario.Owner, GitHubScenario.Repo));
        Assert.Equal("Ours", pull.Title);
        Assert.Equal(["env/dev"], pull.Labels);
        Assert.Equal(2, github.Calls[GitHubRoutes.CreatePullRequest]); // the rival's, and ours (422)
        Assert.Equal(3, github.Calls[GitHubRoutes.ListPullRequests]);  // each looks first; ours looks again after the 422
        github.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Create_AlreadyExistsButNoneOpen_FailsWithTheReason()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        await scenario.PushBranchAsync("gitops-bridge/dev");
        scenario.Emulator.Faults.Enqueue(GitHubRoutes.CreatePullRequest, Fault.PullRequestAlreadyExists());

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec()));

        Assert.Equal(422, error.StatusCode);
        Assert.Contains("already exists, but lists no open one", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, scenario.Emulator.Calls[GitHubRoutes.ListPullRequests]);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task FindOpen_MatchesHeadAndBaseOnly()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        await scenario.PushBranchAsync("gitops-bridge/dev");
        await scenario.PushBranchAsync("gitops-bridge/prod", "1.7.0");
        var dev = await scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec(body: "Dev body"));
        await scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec(head: "gitops-bridge/prod"));

        var found = await scenario.Api.FindOpenPullRequestAsync(scenario.InstallationId, GitHubScenario.Repository, "gitops-bridge/dev", "main");
        var otherBase = await scenario.Api.FindOpenPullRequestAsync(scenario.InstallationId, GitHubScenario.Repository, "gitops-bridge/dev", "release");
        var missing = await scenario.Api.FindOpenPullRequestAsync(scenario.InstallationId, GitHubScenario.Repository, "gitops-bridge/staging", "main");

        Assert.NotNull(found);
        Assert.Equal(new PullRequestInfo(dev.Number, dev.Url, "gitops-bridge/dev", "main", "Update api to 1.5.0", "Dev body", dev.NodeId), found);
        Assert.Null(otherBase);
        Assert.Null(missing);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Close_WithComment_CommentsThenCloses()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        await scenario.PushBranchAsync("gitops-bridge/dev");
        var opened = await scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec());
        scenario.Emulator.Calls.Reset();

        await scenario.Api.ClosePullRequestAsync(scenario.InstallationId, GitHubScenario.Repository, opened.Number, "Superseded: api is already at 1.5.0 on main.");
        var afterClose = await scenario.Api.FindOpenPullRequestAsync(scenario.InstallationId, GitHubScenario.Repository, "gitops-bridge/dev", "main");

        var pull = Assert.Single(scenario.Emulator.GetPullRequests(GitHubScenario.Owner, GitHubScenario.Repo));
        Assert.Equal("closed", pull.State);
        var comment = Assert.Single(scenario.Emulator.GetComments(GitHubScenario.Owner, GitHubScenario.Repo, opened.Number));
        Assert.Equal("Superseded: api is already at 1.5.0 on main.", comment.Body);
        Assert.Equal("gitops-bridge[bot]", comment.Author);
        Assert.Null(afterClose);
        Assert.Equal(1, scenario.Emulator.Calls[GitHubRoutes.CreateComment]);
        Assert.Equal(1, scenario.Emulator.Calls[GitHubRoutes.UpdatePullRequest]);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Close_BlankComment_OnlyCloses()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        await scenario.PushBranchAsync("gitops-bridge/dev");
        var opened = await scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec());

        await scenario.Api.ClosePullRequestAsync(scenario.InstallationId, GitHubScenario.Repository, opened.Number, " ");

        Assert.Equal("closed", Assert.Single(scenario.Emulator.GetPullRequests(GitHubScenario.Owner, GitHubScenario.Repo)).State);
        Assert.Empty(scenario.Emulator.GetComments(GitHubScenario.Owner, GitHubScenario.Repo, opened.Number));
        scenario.Emulator.AssertNoSpecViolations();
    }
}
