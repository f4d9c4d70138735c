using GitOpsBridge.Core.Config;
using GitOpsBridge.GitHub;

namespace GitOpsBridge.Tests.GitHub;

/// <summary>The GraphQL client against the emulator, with the endpoint and tokens the host will use.</summary>
public sealed class GitHubGraphQlEmulatorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static async Task<(GitHubScenario Scenario, PullRequestResult Pull, GitHubGraphQl Client, HttpClient Http)> StartAsync()
    {
        var scenario = await GitHubScenario.StartAsync();
        await scenario.PushBranchAsync("gitops-bridge/dev");
        var pull = await scenario.Api.CreateOrUpdatePullRequestAsync(scenario.InstallationId, GitHubScenario.Spec());
        var http = new HttpClient();
        var client = new GitHubGraphQl(
            http,
            GitHubEndpoints.From(scenario.Options).GraphQL,
            async cancellationToken => (await scenario.Tokens.GetAsync(scenario.InstallationId, cancellationToken)).Value);
        return (scenario, pull, client, http);
    }

    [Fact]
    public async Task EnableThenDisable_Emulator_StateFollows()
    {
        var (scenario, pull, client, http) = await StartAsync();
        await using var _ = scenario;
        using var __ = http;

        var enabled = await client.EnablePullRequestAutoMergeAsync(pull.NodeId, MergeMethod.Squash, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(pull.NodeId, enabled.PullRequestNodeId);
        Assert.Equal(MergeMethod.Squash, enabled.MergeMethod);
        Assert.NotNull(enabled.EnabledAt);
        Assert.Equal("SQUASH", scenario.Emulator.GetAutoMergeRequest(GitHubScenario.Owner, GitHubScenario.Repo, pull.Number)?.MergeMethod);

        var disabled = await client.DisablePullRequestAutoMergeAsync(pull.NodeId, CancellationToken.None).WaitAsync(Timeout);

        Assert.False(disabled.Enabled);
        Assert.Null(scenario.Emulator.GetAutoMergeRequest(GitHubScenario.Owner, GitHubScenario.Repo, pull.Number));
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Enable_RepositoryDisallowsAutoMerge_ExceptionSaysSo()
    {
        var (scenario, pull, client, http) = await StartAsync();
        await using var _ = scenario;
        using var __ = http;
        scenario.Emulator.SetAllowAutoMerge(GitHubScenario.Owner, GitHubScenario.Repo, false);

        var exception = await Assert.ThrowsAsync<GitHubGraphQlException>(
            () => client.EnablePullRequestAutoMergeAsync(pull.NodeId, MergeMethod.Merge, CancellationToken.None).WaitAsync(Timeout));

        Assert.True(exception.AutoMergeNotAllowed);
        Assert.True(exception.HasType("UNPROCESSABLE"));
        Assert.Null(scenario.Emulator.GetAutoMergeRequest(GitHubScenario.Owner, GitHubScenario.Repo, pull.Number));
        scenario.Emulator.AssertNoSpecViolations();
    }
}
