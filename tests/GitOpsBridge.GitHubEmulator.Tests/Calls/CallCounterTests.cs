namespace GitOpsBridge.GitHubEmulator.Tests.Calls;

public sealed class CallCounterTests
{
    [Fact]
    public async Task Calls_AreCountedPerRouteAndInTotal_AndReset()
    {
        await using var scenario = await Scenario.StartAsync();
        var client = scenario.Octokit();

        await client.Repository.Get(Scenario.Owner, Scenario.Repo);
        await client.Repository.Get(Scenario.Owner, Scenario.Repo);
        await client.PullRequest.GetAllForRepository(Scenario.Owner, Scenario.Repo);

        Assert.Equal(3, scenario.GitHub.Calls.Total);
        Assert.Equal(2, scenario.GitHub.Calls[GitHubRoutes.GetRepository]);
        Assert.Equal(1, scenario.GitHub.Calls[GitHubRoutes.ListPullRequests]);
        Assert.Equal(0, scenario.GitHub.Calls[GitHubRoutes.CreatePullRequest]);

        scenario.GitHub.Calls.Reset();
        await client.Repository.Get(Scenario.Owner, Scenario.Repo);

        Assert.Equal(1, scenario.GitHub.Calls.Total);
        Assert.Equal(1, Assert.Single(scenario.GitHub.Calls.ByRoute).Value);
    }
}
