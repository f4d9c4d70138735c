using GitOpsBridge.GitHub;
using GitOpsBridge.GitHubEmulator;

namespace GitOpsBridge.Tests.GitHub;

public sealed class InstallationTokensTests
{
    [Fact]
    public async Task GetAsync_ManyCallsAndConcurrentCallers_OneTokenRequest()
    {
        await using var scenario = await GitHubScenario.StartAsync();

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => scenario.Tokens.GetAsync(scenario.InstallationId).AsTask()));
        for (var i = 0; i < 3; i++)
        {
            await scenario.Api.GetRepositoryAsync(scenario.InstallationId, GitHubScenario.Repository);
        }

        Assert.Single(concurrent.Select(t => t.Value).Distinct());
        Assert.StartsWith("ghs_", concurrent[0].Value, StringComparison.Ordinal);
        Assert.Equal(1, scenario.Emulator.Calls[GitHubRoutes.CreateInstallationToken]);
        Assert.Equal(1, scenario.Tokens.CreatedCount);
        Assert.Equal(3, scenario.Emulator.Calls[GitHubRoutes.GetRepository]);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task GetAsync_FiveMinutesBeforeExpiry_GetsANewToken()
    {
        var time = FakeTime.AtWholeSecond();
        await using var scenario = await GitHubScenario.StartAsync(time);
        var issuedAt = time.GetUtcNow();
        var first = await scenario.Tokens.GetAsync(scenario.InstallationId);

        time.Advance(TimeSpan.FromMinutes(55) - TimeSpan.FromSeconds(1));
        var cached = await scenario.Tokens.GetAsync(scenario.InstallationId);
        time.Advance(TimeSpan.FromSeconds(1));
        var renewed = await scenario.Tokens.GetAsync(scenario.InstallationId);

        Assert.Equal(issuedAt.AddHours(1), first.ExpiresAt);
        Assert.Same(first, cached);
        Assert.NotEqual(first.Value, renewed.Value);
        Assert.Equal(2, scenario.Emulator.Calls[GitHubRoutes.CreateInstallationToken]);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Call_AfterTokensExpireEarly_401ThenOneRetryWithANewTokenSucceeds()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        await scenario.Api.GetRepositoryAsync(scenario.InstallationId, GitHubScenario.Repository);
        scenario.Emulator.ExpireAllTokens();
        var before = scenario.Api.CallCount;

        var repository = await scenario.Api.GetRepositoryAsync(scenario.InstallationId, GitHubScenario.Repository);

        Assert.Equal("main", repository.DefaultBranch);
        Assert.Equal(2, scenario.Emulator.Calls[GitHubRoutes.CreateInstallationToken]);
        Assert.Equal(3, scenario.Emulator.Calls[GitHubRoutes.GetRepository]);
        Assert.Equal(2, scenario.Api.CallCount - before);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Call_401AgainAfterTheRetry_FailsWithoutTheToken()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        scenario.Emulator.Faults.Enqueue(GitHubRoutes.GetRepository, Fault.ExpiredToken(), times: 2);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => scenario.Api.GetRepositoryAsync(scenario.InstallationId, GitHubScenario.Repository));

        Assert.Equal(401, error.StatusCode);
        Assert.Equal("GitHub answered 401 Unauthorized to GET repos/acme/gitops: Bad credentials.", error.Message);
        Assert.DoesNotContain("ghs_", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, scenario.Emulator.Calls[GitHubRoutes.CreateInstallationToken]);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public void InstallationToken_ToString_LeavesTheValueOut()
    {
        var token = new InstallationToken("ghs_secret", DateTimeOffset.UnixEpoch);

        Assert.DoesNotContain("ghs_secret", token.ToString(), StringComparison.Ordinal);
        Assert.Contains("1970-01-01", token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_UnknownInstallation_FailsWith404()
    {
        await using var scenario = await GitHubScenario.StartAsync();

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => scenario.Tokens.GetAsync(999_999).AsTask());

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("POST app/installations/999999/access_tokens", error.Message, StringComparison.Ordinal);
        scenario.Emulator.AssertNoSpecViolations();
    }
}
