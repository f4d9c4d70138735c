using GitOpsBridge.GitHub;
using GitOpsBridge.GitHubEmulator;

namespace GitOpsBridge.Tests.GitHub;

public sealed class GitHubApiRateLimitTests
{
    [Fact]
    public async Task Create_SecondaryLimitWithRetryAfter_ThrowsThenHoldsCallsUntilItPasses()
    {
        var time = FakeTime.AtWholeSecond();
        await using var scenario = await GitHubScenario.StartAsync(time);
        await scenario.PushBranchAsync("gitops-bridge/dev");
        await scenario.WarmUpAsync();
        scenario.Emulator.Faults.Enqueue(GitHubRoutes.CreatePullRequest, Fault.SecondaryRateLimit(TimeSpan.FromSeconds(30)));

        var limited = await Assert.ThrowsAsync<GitHubRateLimitedException>(() => scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec()));
        var callsAfterLimit = scenario.Emulator.Calls.Total;
        time.Advance(TimeSpan.FromSeconds(10));
        var held = await Assert.ThrowsAsync<GitHubRateLimitedException>(
            () => scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec()).WaitAsync(TimeSpan.FromSeconds(10)));
        var callsWhileHeld = scenario.Emulator.Calls.Total - callsAfterLimit;
        time.Advance(TimeSpan.FromSeconds(20));
        var result = await scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec());

        Assert.Equal(TimeSpan.FromSeconds(30), limited.RetryAfter);
        Assert.Contains("secondary rate limit", limited.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(20), held.RetryAfter);
        Assert.Equal(0, callsWhileHeld);
        Assert.Equal(PullRequestActions.Opened, result.Action);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Call_PrimaryLimitExhausted_RetryAfterIsTheReset()
    {
        var time = FakeTime.AtWholeSecond();
        await using var scenario = await GitHubScenario.StartAsync(time);
        await scenario.WarmUpAsync();
        scenario.Emulator.Faults.Enqueue(GitHubRoutes.GetRepository, Fault.PrimaryRateLimit());

        var limited = await Assert.ThrowsAsync<GitHubRateLimitedException>(() => scenario.Api.GetRepositoryAsync(scenario.InstallationId, GitHubScenario.Repository));

        // The emulator's window opened with this request and resets an hour later (x-ratelimit-reset).
        Assert.Equal(TimeSpan.FromHours(1), limited.RetryAfter);
        Assert.Equal(0, scenario.Budget.Remaining(scenario.InstallationId));
        Assert.Equal(TimeSpan.FromHours(1), scenario.Budget.DelayFor(scenario.InstallationId, contentCreating: false));
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Call_ShortRetryAfter_NextCallWaitsOnTheClockThenGoes()
    {
        var time = FakeTime.AtWholeSecond();
        await using var scenario = await GitHubScenario.StartAsync(time);
        await scenario.WarmUpAsync();
        scenario.Emulator.Faults.Enqueue(GitHubRoutes.GetRepository, Fault.TooManyRequests(TimeSpan.FromSeconds(5)));

        var limited = await Assert.ThrowsAsync<GitHubRateLimitedException>(() => scenario.Api.GetRepositoryAsync(scenario.InstallationId, GitHubScenario.Repository));
        var next = scenario.Api.GetRepositoryAsync(scenario.InstallationId, GitHubScenario.Repository);
        await time.WaitForTimerAsync();
        var sentBeforeTheWait = scenario.Emulator.Calls[GitHubRoutes.GetRepository];
        time.Advance(TimeSpan.FromSeconds(5));
        var repository = await next.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(5), limited.RetryAfter);
        Assert.Equal(1, sentBeforeTheWait);
        Assert.Equal("acme/gitops", repository.FullName);
        Assert.Equal(2, scenario.Emulator.Calls[GitHubRoutes.GetRepository]);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Call_ObservesRateLimitHeadersOfEveryResponse()
    {
        await using var scenario = await GitHubScenario.StartAsync();

        await scenario.Api.GetRepositoryAsync(scenario.InstallationId, GitHubScenario.Repository);
        await scenario.Api.GetRepositoryAsync(scenario.InstallationId, GitHubScenario.Repository);

        Assert.Equal(4998, scenario.Budget.Remaining(scenario.InstallationId));
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Call_Cancelled_SendsNothing()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        await scenario.WarmUpAsync();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec(), cancellation.Token));

        Assert.Equal(0, scenario.Emulator.Calls.Total);
        Assert.Equal(0, scenario.Api.CallCount);
        scenario.Emulator.AssertNoSpecViolations();
    }
}
