using System.Diagnostics;
using System.Net;
using Octokit;

namespace GitOpsBridge.GitHubEmulator.Tests.Faults;

public sealed class FaultInjectionTests
{
    [Theory]
    [InlineData(FaultKind.InternalServerError, HttpStatusCode.InternalServerError)]
    [InlineData(FaultKind.BadGateway, HttpStatusCode.BadGateway)]
    public async Task ServerFault_IsAnsweredOnceThenRouteRecovers(FaultKind kind, HttpStatusCode expected)
    {
        await using var scenario = await Scenario.StartAsync();
        scenario.GitHub.Faults.Enqueue(GitHubRoutes.GetRepository, kind == FaultKind.BadGateway ? Fault.BadGateway() : Fault.InternalServerError());
        var client = scenario.Octokit();

        var error = await Assert.ThrowsAnyAsync<ApiException>(() => client.Repository.Get(Scenario.Owner, Scenario.Repo));
        var recovered = await client.Repository.Get(Scenario.Owner, Scenario.Repo);

        Assert.Equal(expected, error.StatusCode);
        Assert.Equal("gitops", recovered.Name);
        Assert.Equal(0, scenario.GitHub.Faults.Pending);
        // Injected failures are GitHub's failure modes, not breaches of its description.
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task SecondaryRateLimit_Is403WithRetryAfter()
    {
        await using var scenario = await Scenario.StartAsync();
        scenario.GitHub.Faults.Enqueue(GitHubRoutes.CreatePullRequest, Fault.SecondaryRateLimit(TimeSpan.FromSeconds(30)));
        await scenario.PushBranchAsync("feature");
        using var http = scenario.Http();

        using var response = await http.PostAsync("repos/acme/gitops/pulls", new StringContent("""{"title":"t","head":"feature","base":"main"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        Assert.Contains("secondary rate limit", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual("0", response.Headers.GetValues("x-ratelimit-remaining").Single());
        Assert.Empty(scenario.GitHub.GetPullRequests(Scenario.Owner, Scenario.Repo));
    }

    [Fact]
    public async Task SecondaryRateLimit_OctokitSeesIt()
    {
        await using var scenario = await Scenario.StartAsync();
        scenario.GitHub.Faults.Enqueue(GitHubRoutes.GetRepository, Fault.SecondaryRateLimit(TimeSpan.FromSeconds(7)));

        var error = await Assert.ThrowsAsync<SecondaryRateLimitExceededException>(() => scenario.Octokit().Repository.Get(Scenario.Owner, Scenario.Repo));

        Assert.Equal("7", error.HttpResponse.Headers["Retry-After"]);
    }

    [Fact]
    public async Task TooManyRequests_Is429WithRetryAfter()
    {
        await using var scenario = await Scenario.StartAsync();
        scenario.GitHub.Faults.Enqueue(GitHubRoutes.ListPullRequests, Fault.TooManyRequests(TimeSpan.FromSeconds(5)));
        using var http = scenario.Http();

        using var response = await http.GetAsync("repos/acme/gitops/pulls");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task PrimaryRateLimit_Is403WithNoneRemaining()
    {
        await using var scenario = await Scenario.StartAsync();
        scenario.GitHub.Faults.Enqueue(GitHubRoutes.GetRepository, Fault.PrimaryRateLimit());

        var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => scenario.Octokit().Repository.Get(Scenario.Owner, Scenario.Repo));

        Assert.Equal(0, error.Remaining);
    }

    [Fact]
    public async Task ExpiredToken_ThisAndLaterCallsGetBadCredentials_NewTokenWorks()
    {
        await using var scenario = await Scenario.StartAsync();
        scenario.GitHub.Faults.Enqueue(GitHubRoutes.Any, Fault.ExpiredToken());
        var client = scenario.Octokit();

        var first = await Assert.ThrowsAsync<AuthorizationException>(() => client.PullRequest.GetAllForRepository(Scenario.Owner, Scenario.Repo));
        var second = await Assert.ThrowsAsync<AuthorizationException>(() => client.Repository.Get(Scenario.Owner, Scenario.Repo));
        var renewed = await scenario.OctokitAsApp().GitHubApps.CreateInstallationToken(scenario.Installation.Id);
        var repository = await scenario.Octokit(renewed.Token).Repository.Get(Scenario.Owner, Scenario.Repo);

        Assert.Equal("Bad credentials", first.Message);
        Assert.Equal("Bad credentials", second.Message);
        Assert.Equal("gitops", repository.Name);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Delay_SlowsTheResponseThenAnswersNormally()
    {
        await using var scenario = await Scenario.StartAsync();
        scenario.GitHub.Faults.Enqueue(GitHubRoutes.GetRepository, Fault.Delay(TimeSpan.FromMilliseconds(400)));
        var client = scenario.Octokit();
        await client.Repository.Get(Scenario.Owner, Scenario.Repo);
        scenario.GitHub.Faults.Enqueue(GitHubRoutes.GetRepository, Fault.Delay(TimeSpan.FromMilliseconds(400)));

        var stopwatch = Stopwatch.StartNew();
        var repository = await client.Repository.Get(Scenario.Owner, Scenario.Repo);

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(390), $"answered after {stopwatch.Elapsed}");
        Assert.Equal("gitops", repository.Name);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task PullRequestAlreadyExists_IsThe422OctokitReports()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("feature");
        scenario.GitHub.Faults.Enqueue(GitHubRoutes.CreatePullRequest, Fault.PullRequestAlreadyExists());
        var client = scenario.Octokit();

        var error = await Assert.ThrowsAsync<ApiValidationException>(() => client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("t", "feature", "main")));
        var created = await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("t", "feature", "main"));

        Assert.Equal("A pull request already exists for acme:feature.", Assert.Single(error.ApiError.Errors).Message);
        Assert.Equal(1, created.Number);
    }

    [Fact]
    public async Task Fault_QueuedForNCalls_IsConsumedNTimes_AndOnlyOnItsRoute()
    {
        await using var scenario = await Scenario.StartAsync();
        scenario.GitHub.Faults.Enqueue(GitHubRoutes.GetRepository, Fault.InternalServerError(), times: 2);
        var client = scenario.Octokit();

        var pulls = await client.PullRequest.GetAllForRepository(Scenario.Owner, Scenario.Repo);
        await Assert.ThrowsAnyAsync<ApiException>(() => client.Repository.Get(Scenario.Owner, Scenario.Repo));
        await Assert.ThrowsAnyAsync<ApiException>(() => client.Repository.Get(Scenario.Owner, Scenario.Repo));
        var repository = await client.Repository.Get(Scenario.Owner, Scenario.Repo);

        Assert.Empty(pulls);
        Assert.Equal("gitops", repository.Name);
    }

    [Fact]
    public void Enqueue_UnknownRoute_Throws()
    {
        var queue = new FaultQueue(new HashSet<string> { GitHubRoutes.GetRepository });

        Assert.Throws<ArgumentException>(() => queue.Enqueue("GET /repos/{owner}/{repo}/pullz", Fault.InternalServerError()));
    }

    [Fact]
    public async Task MoveBranchAfterNextFetch_BaseMovesBetweenFetchAndPush()
    {
        await using var scenario = await Scenario.StartAsync();
        var before = await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main");
        scenario.GitHub.Faults.MoveBranchAfterNextFetch(Scenario.Owner, Scenario.Repo, "main", new Dictionary<string, string?> { ["envs/prod/values.yaml"] = "moved\n" });
        var work = Directory.CreateTempSubdirectory("emulator-test-");
        try
        {
            var url = GitCommand.WithToken(scenario.Repository.CloneUrl, scenario.Token.Token).ToString();
            var clone = await GitCommand.RunAsync(work.FullName, "clone", "--quiet", url, "repo");
            Assert.True(clone.ExitCode == 0, clone.Output);
            var repo = Path.Combine(work.FullName, "repo");
            var cloned = (await GitCommand.RunAsync(repo, "rev-parse", "HEAD")).Output.Trim();

            var after = await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main");
            await File.WriteAllTextAsync(Path.Combine(repo, "README.md"), "changed\n");
            await GitCommand.RunAsync(repo, "commit", "--quiet", "-am", "change");
            var push = await GitCommand.RunAsync(repo, "push", "origin", "HEAD:main");

            Assert.Equal(before, cloned);
            Assert.NotEqual(before, after);
            Assert.Equal([before!], (await scenario.GitHub.GetCommitsAsync(Scenario.Owner, Scenario.Repo, "main"))[0].Parents);
            Assert.NotEqual(0, push.ExitCode);
            Assert.Contains("rejected", push.Output, StringComparison.Ordinal);
            Assert.Equal(0, scenario.GitHub.Faults.Pending);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
