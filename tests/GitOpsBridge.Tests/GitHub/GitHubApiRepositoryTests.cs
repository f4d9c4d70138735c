using GitOpsBridge.GitHub;
using GitOpsBridge.GitHubEmulator;

namespace GitOpsBridge.Tests.GitHub;

public sealed class GitHubApiRepositoryTests
{
    [Fact]
    public async Task GetRepository_ReturnsTheDefaultBranch()
    {
        await using var scenario = await GitHubScenario.StartAsync();

        var repository = await scenario.Api.GetRepositoryAsync(scenario.InstallationId, GitHubScenario.Repository);

        Assert.Equal(new RepositoryInfo("acme/gitops", "main"), repository);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task GetFile_AtBranchOrMain_ReturnsTheTextAsCommitted()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        await scenario.PushBranchAsync("gitops-bridge/dev", "1.9.0");

        var onMain = await scenario.Api.GetFileAsync(scenario.InstallationId, GitHubScenario.Repository, "envs/dev/values.yaml", "main");
        var onBranch = await scenario.Api.GetFileAsync(scenario.InstallationId, GitHubScenario.Repository, "/envs/dev/values.yaml", "gitops-bridge/dev");

        Assert.Equal(GitHubScenario.SeedFiles["envs/dev/values.yaml"], onMain);
        Assert.Equal("image:\n  repository: ghcr.io/acme/api\n  tag: 1.9.0 # keep\n", onBranch);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task GetFile_ByteOrderMark_IsKept()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        await scenario.Emulator.CommitAsync(GitHubScenario.Owner, GitHubScenario.Repo, "main", new Dictionary<string, string?> { ["bom.yaml"] = "\uFEFFa: 1\n" });

        var text = await scenario.Api.GetFileAsync(scenario.InstallationId, GitHubScenario.Repository, "bom.yaml", "main");

        Assert.Equal("\uFEFFa: 1\n", text);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Theory]
    [InlineData(".github/gitops-bridge.yml", "main")]
    [InlineData("envs/dev/values.yaml", "no-such-branch")]
    public async Task GetFile_404_IsNull(string path, string gitRef)
    {
        await using var scenario = await GitHubScenario.StartAsync();

        var text = await scenario.Api.GetFileAsync(scenario.InstallationId, GitHubScenario.Repository, path, gitRef);

        Assert.Null(text);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task DeleteBranch_DeletesIt_AndAGoneBranchIsNoError()
    {
        await using var scenario = await GitHubScenario.StartAsync(configure: o => o.ViolationMode = SpecViolationMode.Record);
        await scenario.PushBranchAsync("gitops-bridge/dev");
        await scenario.WarmUpAsync();

        await scenario.Api.DeleteBranchAsync(scenario.InstallationId, GitHubScenario.Repository, "gitops-bridge/dev");
        await scenario.Api.DeleteBranchAsync(scenario.InstallationId, GitHubScenario.Repository, "gitops-bridge/dev");

        Assert.Null(await scenario.Emulator.GetBranchShaAsync(GitHubScenario.Owner, GitHubScenario.Repo, "gitops-bridge/dev"));
        Assert.NotNull(await scenario.Emulator.GetBranchShaAsync(GitHubScenario.Owner, GitHubScenario.Repo, "main"));
        Assert.Equal(2, scenario.Emulator.Calls[GitHubRoutes.DeleteRef]);
        scenario.AssertNoSpecViolationsBesidesUndocumented422Bodies();
    }

    [Fact]
    public async Task DeleteBranch_DefaultBranch_422IsNotTakenForGone()
    {
        await using var scenario = await GitHubScenario.StartAsync(configure: o => o.ViolationMode = SpecViolationMode.Record);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => scenario.Api.DeleteBranchAsync(scenario.InstallationId, GitHubScenario.Repository, "main"));

        Assert.Equal(422, error.StatusCode);
        Assert.Contains("Cannot delete the default branch", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await scenario.Emulator.GetBranchShaAsync(GitHubScenario.Owner, GitHubScenario.Repo, "main"));
        scenario.AssertNoSpecViolationsBesidesUndocumented422Bodies();
    }

    [Fact]
    public async Task ListInstallationRepositories_FollowsEveryPage()
    {
        await using var scenario = await GitHubScenario.StartAsync(pageSize: 2);
        var names = new[] { "one", "two", "three", "four" };
        foreach (var name in names)
        {
            await scenario.Emulator.CreateRepositoryAsync("acme", name, new Dictionary<string, string> { ["README.md"] = name });
        }

        var installation = scenario.Emulator.CreateInstallation("acme", [GitHubScenario.Repo, .. names]);
        scenario.Emulator.Calls.Reset();

        var repositories = await scenario.Api.ListInstallationRepositoriesAsync(installation.Id);

        Assert.Equal(["acme/gitops", "acme/one", "acme/two", "acme/three", "acme/four"], repositories);
        Assert.Equal(3, scenario.Emulator.Calls[GitHubRoutes.ListInstallationRepositories]);
        scenario.Emulator.AssertNoSpecViolations();
    }
}
