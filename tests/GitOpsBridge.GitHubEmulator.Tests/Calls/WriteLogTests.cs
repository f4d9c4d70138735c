namespace GitOpsBridge.GitHubEmulator.Tests.Calls;

public sealed class WriteLogTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("emulator-writes-test-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Writes_PushAndRestWrites_AreRecordedWithTheirTokensClientAndReadsAreNot()
    {
        await using var scenario = await Scenario.StartAsync();
        var other = scenario.GitHub.CreateInstallationToken(scenario.Installation.Id);
        var url = GitCommand.WithToken(scenario.Repository.CloneUrl, scenario.Token.Token).ToString();
        var repo = Path.Combine(_work.FullName, "repo");
        Assert.Equal(0, (await GitCommand.RunAsync(_work.FullName, "clone", "--quiet", url, "repo")).ExitCode);
        await GitCommand.RunAsync(repo, "checkout", "--quiet", "-b", "feature");
        await File.WriteAllTextAsync(Path.Combine(repo, "envs/dev/values.yaml"), "image:\n  tag: 1.5.0\n");
        await GitCommand.RunAsync(repo, "commit", "--quiet", "-am", "Update api to 1.5.0");

        var push = await GitCommand.RunAsync(repo, "push", "--quiet", "origin", "feature");
        await scenario.Octokit(other.Token).PullRequest.Create(Scenario.Owner, Scenario.Repo, new Octokit.NewPullRequest("Update", "feature", "main"));
        await scenario.Octokit().Repository.Get(Scenario.Owner, Scenario.Repo);

        Assert.True(push.ExitCode == 0, push.Output);
        var writes = scenario.GitHub.Writes.For(Scenario.Owner, Scenario.Repo);
        Assert.Equal([GitHubRoutes.GitReceivePack, GitHubRoutes.CreatePullRequest], writes.Select(w => w.Route));
        Assert.NotEqual(writes[0].Client, writes[1].Client);
        Assert.All(writes, w => Assert.DoesNotContain(scenario.Token.Token, w.Client, StringComparison.Ordinal));
        Assert.All(writes, w => Assert.True(w.Started <= w.Ended));
        Assert.True(writes[0].Ended <= writes[1].Started);
        Assert.Contains("git/", writes[0].UserAgent, StringComparison.Ordinal);
        Assert.Empty(scenario.GitHub.Writes.ConcurrentWritesByDifferentClients());
    }

    [Fact]
    public void ConcurrentWritesByDifferentClients_OverlapOnOneRepository_IsReportedOnlyAcrossClients()
    {
        var log = new WriteLog();
        EmulatedWrite Write(string repository, string client, int from, int to) =>
            new(repository, GitHubRoutes.GitReceivePack, client, null, TimeSpan.FromMilliseconds(from), TimeSpan.FromMilliseconds(to), 200);
        var a = Write("acme/one", "token:a", 0, 10);
        var sameClient = Write("acme/one", "token:a", 5, 12);
        var touching = Write("acme/one", "token:b", 12, 20);
        var otherRepository = Write("acme/two", "token:b", 0, 30);
        var overlapping = Write("acme/one", "token:c", 19, 25);
        foreach (var write in new[] { a, sameClient, touching, otherRepository, overlapping })
        {
            log.Add(write);
        }

        var pair = Assert.Single(log.ConcurrentWritesByDifferentClients());

        Assert.Equal((touching, overlapping), pair);
    }
}
