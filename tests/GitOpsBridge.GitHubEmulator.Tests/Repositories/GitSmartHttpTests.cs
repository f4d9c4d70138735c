using LibGit2Sharp;

namespace GitOpsBridge.GitHubEmulator.Tests.Repositories;

public sealed class GitSmartHttpTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("emulator-git-test-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task GitCli_CloneAndPush_WithInstallationToken()
    {
        await using var scenario = await Scenario.StartAsync();
        var url = GitCommand.WithToken(scenario.Repository.CloneUrl, scenario.Token.Token).ToString();

        var clone = await GitCommand.RunAsync(_work.FullName, "clone", "--quiet", url, "repo");
        Assert.True(clone.ExitCode == 0, clone.Output);
        var repo = Path.Combine(_work.FullName, "repo");
        Assert.Equal(Scenario.SeedFiles["envs/dev/values.yaml"], await File.ReadAllTextAsync(Path.Combine(repo, "envs/dev/values.yaml")));
        await GitCommand.RunAsync(repo, "checkout", "--quiet", "-b", "gitops-bridge/dev");
        await File.WriteAllTextAsync(Path.Combine(repo, "envs/dev/values.yaml"), "image:\n  tag: 1.5.0\n");
        await GitCommand.RunAsync(repo, "commit", "--quiet", "-am", "Update api to 1.5.0");
        var push = await GitCommand.RunAsync(repo, "push", "--quiet", "origin", "gitops-bridge/dev");

        Assert.True(push.ExitCode == 0, push.Output);
        var files = await scenario.GitHub.ReadFilesAsync(Scenario.Owner, Scenario.Repo, "gitops-bridge/dev");
        Assert.Equal("image:\n  tag: 1.5.0\n", files["envs/dev/values.yaml"]);
        Assert.Equal("Update api to 1.5.0", (await scenario.GitHub.GetCommitsAsync(Scenario.Owner, Scenario.Repo, "gitops-bridge/dev"))[0].Message);
        Assert.True(scenario.GitHub.GitCalls[GitHubRoutes.GitReceivePack] >= 1);
    }

    [Theory]
    [InlineData("x-access-token", "ghs_notatoken")]
    [InlineData("someone", null)]
    public async Task GitCli_Clone_WithBadCredentials_IsRefused(string user, string? password)
    {
        await using var scenario = await Scenario.StartAsync();
        var url = new UriBuilder(scenario.Repository.CloneUrl) { UserName = user, Password = password ?? scenario.Token.Token }.Uri.ToString();

        var clone = await GitCommand.RunAsync(_work.FullName, "clone", "--quiet", url, "repo");

        Assert.NotEqual(0, clone.ExitCode);
        Assert.Contains("Authentication failed", clone.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitCli_PushWithExpiredToken_IsRefused()
    {
        await using var scenario = await Scenario.StartAsync();
        var url = GitCommand.WithToken(scenario.Repository.CloneUrl, scenario.Token.Token).ToString();
        Assert.Equal(0, (await GitCommand.RunAsync(_work.FullName, "clone", "--quiet", url, "repo")).ExitCode);
        var repo = Path.Combine(_work.FullName, "repo");
        await File.WriteAllTextAsync(Path.Combine(repo, "README.md"), "x\n");
        await GitCommand.RunAsync(repo, "commit", "--quiet", "-am", "x");

        scenario.GitHub.ExpireAllTokens();
        var push = await GitCommand.RunAsync(repo, "push", "origin", "HEAD:refs/heads/late");

        Assert.NotEqual(0, push.ExitCode);
        Assert.Contains("Authentication failed", push.Output, StringComparison.Ordinal);
        Assert.Null(await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "late"));
    }

    [Fact]
    public async Task GitCli_TokenOfAnotherInstallation_DoesNotSeeTheRepository()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.GitHub.CreateRepositoryAsync("other", "repo", new Dictionary<string, string> { ["a"] = "a" });
        var otherToken = scenario.GitHub.CreateInstallationToken(scenario.GitHub.CreateInstallation("other", "repo").Id);
        var url = GitCommand.WithToken(scenario.Repository.CloneUrl, otherToken.Token).ToString();

        var clone = await GitCommand.RunAsync(_work.FullName, "clone", "--quiet", url, "repo");

        Assert.NotEqual(0, clone.ExitCode);
        Assert.Contains("not found", clone.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task LibGit2Sharp_ShallowCloneAndPush_WithCredentialsCallback()
    {
        await using var scenario = await Scenario.StartAsync();
        var credentials = new UsernamePasswordCredentials { Username = "x-access-token", Password = scenario.Token.Token };
        var path = Path.Combine(_work.FullName, "lg2");

        var gitDir = LibGit2Sharp.Repository.Clone(
            scenario.Repository.CloneUrl.ToString(),
            path,
            new CloneOptions { FetchOptions = { Depth = 1, CredentialsProvider = (_, _, _) => credentials } });
        using var repository = new LibGit2Sharp.Repository(gitDir);
        await File.WriteAllTextAsync(Path.Combine(path, "envs/dev/values.yaml"), "image:\n  tag: 1.6.0\n");
        Commands.Stage(repository, "envs/dev/values.yaml");
        var signature = new Signature("bridge", "bridge@example.com", DateTimeOffset.UtcNow);
        repository.Commit("Update api to 1.6.0", signature, signature);
        string? pushError = null;
        repository.Network.Push(
            repository.Network.Remotes["origin"],
            "HEAD:refs/heads/gitops-bridge/lg2",
            new PushOptions { CredentialsProvider = (_, _, _) => credentials, OnPushStatusError = e => pushError = e.Message });

        Assert.Null(pushError);
        Assert.Single(repository.Commits.Take(5).Skip(1)); // shallow: the seed commit only, then ours
        var files = await scenario.GitHub.ReadFilesAsync(Scenario.Owner, Scenario.Repo, "gitops-bridge/lg2");
        Assert.Equal("image:\n  tag: 1.6.0\n", files["envs/dev/values.yaml"]);
    }
}
