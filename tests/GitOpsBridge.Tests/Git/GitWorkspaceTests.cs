using System.Diagnostics;
using System.Text;
using GitOpsBridge.Git;
using GitOpsBridge.GitHubEmulator;
using Xunit.Abstractions;

namespace GitOpsBridge.Tests.Git;

public sealed class GitWorkspaceTests(ITestOutputHelper output)
{
    private static readonly GitAuthor Bot = new("gitops-bridge[bot]", "1001+gitops-bridge[bot]@users.noreply.github.com");

    [Fact]
    public async Task FetchAsync_FirstCall_ClonesAndReturnsTheTipWithItsFiles()
    {
        await using var scenario = await GitScenario.StartAsync();

        var watch = Stopwatch.StartNew();
        var snapshot = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);
        output.WriteLine($"first fetch (clone): {watch.ElapsedMilliseconds} ms");

        Assert.Equal(await scenario.GitHub.GetBranchShaAsync(GitScenario.Owner, GitScenario.Name, "main"), snapshot.CommitSha);
        Assert.Equal(("acme/gitops", "main"), (snapshot.Repository, snapshot.Branch));
        Assert.Equal([".github/gitops-bridge.yml", "envs/dev/values.yaml", "envs/prod/values.yaml"], snapshot.Files.YamlFiles);
        Assert.Equal(GitScenario.SeedFiles["envs/dev/values.yaml"], snapshot.Files.Read("envs/dev/values.yaml")?.Text);
        Assert.Null(snapshot.Files.Read("envs/staging/values.yaml"));
        Assert.True(File.Exists(Path.Combine(scenario.CachedClone, "HEAD")), "the clone is bare, under WorkDirectory");
        Assert.False(Directory.Exists(Path.Combine(scenario.CachedClone, ".git")), "the clone is bare, under WorkDirectory");
    }

    [Fact]
    public async Task FetchAsync_AfterACommitOnTheServer_FetchesOnlyTheNewObjectsIntoTheSameClone()
    {
        // A seed big enough that a second full clone could not hide inside a small pack.
        var files = new Dictionary<string, string>(GitScenario.SeedFiles)
        {
            ["charts/big/values.yaml"] = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"key{i}: value-{i * 7919 % 100_003}\n")),
        };
        await using var scenario = await GitScenario.StartAsync(files);
        var first = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);
        var packsBefore = Packs(scenario.CachedClone);
        var pushed = await scenario.GitHub.CommitAsync(GitScenario.Owner, GitScenario.Name, "main", new Dictionary<string, string?> { ["envs/dev/values.yaml"] = "image:\n  tag: 1.5.0\n" });
        scenario.GitHub.GitCalls.Reset();

        var watch = Stopwatch.StartNew();
        var second = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);
        output.WriteLine($"incremental fetch: {watch.ElapsedMilliseconds} ms");

        Assert.Equal(pushed, second.CommitSha);
        Assert.NotEqual(first.CommitSha, second.CommitSha);
        Assert.Equal("image:\n  tag: 1.5.0\n", second.Files.Read("envs/dev/values.yaml")?.Text);
        Assert.Equal(GitScenario.SeedFiles["envs/dev/values.yaml"], first.Files.Read("envs/dev/values.yaml")?.Text);
        Assert.Single(Directory.GetDirectories(scenario.Options.WorkDirectory, "*.git", SearchOption.AllDirectories));
        var packsAfter = Packs(scenario.CachedClone);
        Assert.All(packsBefore, pack => Assert.Contains(pack.Key, packsAfter.Keys));
        var newPack = Assert.Single(packsAfter, pack => !packsBefore.ContainsKey(pack.Key));
        Assert.True(newPack.Value * 10 < packsBefore.Values.Sum(), $"the second fetch brought {newPack.Value} bytes; the clone was {packsBefore.Values.Sum()}");
        Assert.Equal(1, scenario.GitHub.GitCalls[GitHubRoutes.GitUploadPack]);
    }

    [Fact]
    public async Task FetchAsync_UnchangedBranch_DownloadsNothing()
    {
        await using var scenario = await GitScenario.StartAsync();
        var first = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);
        scenario.GitHub.GitCalls.Reset();

        var second = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);

        Assert.Equal(first.CommitSha, second.CommitSha);
        Assert.Equal(0, scenario.GitHub.GitCalls[GitHubRoutes.GitUploadPack]);
    }

    [Fact]
    public async Task FetchAsync_MissingBranch_ThrowsBranchNotFound()
    {
        await using var scenario = await GitScenario.StartAsync();

        var error = await Assert.ThrowsAsync<GitBranchNotFoundException>(() => scenario.Workspace.FetchAsync(GitScenario.Repository, "release", scenario.Token));

        Assert.Equal("release", error.Branch);
        Assert.Equal("acme/gitops has no branch release", error.Message);
    }

    [Fact]
    public async Task FetchAsync_ConcurrentCallsForOneRepository_AreSerialized()
    {
        await using var scenario = await GitScenario.StartAsync();
        var tip = await scenario.GitHub.GetBranchShaAsync(GitScenario.Owner, GitScenario.Name, "main");

        var snapshots = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            scenario.Workspace.FetchAsync(i % 2 == 0 ? GitScenario.Repository : "ACME/GitOps", "main", scenario.Token))));

        Assert.All(snapshots, s => Assert.Equal(tip, s.CommitSha));
        Assert.All(snapshots, s => Assert.Equal(GitScenario.SeedFiles["README.md"], s.Files.Read("README.md")?.Text));
        // One after another, only the first finds the commit missing; the others see it in the clone.
        Assert.Equal(1, scenario.GitHub.GitCalls[GitHubRoutes.GitUploadPack]);
        Assert.Single(Directory.GetDirectories(scenario.Options.WorkDirectory, "*.git", SearchOption.AllDirectories));
        Assert.Equal(0, TempRepository.Run("git", scenario.CachedClone, null, "--git-dir", scenario.CachedClone, "fsck", "--no-dangling").Exit);
    }

    [Fact]
    public async Task GetRemoteBranchShaAsync_ExistingAndMissingBranch_ReturnsTipOrNull()
    {
        await using var scenario = await GitScenario.StartAsync();
        var pushed = await scenario.GitHub.CommitAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev", new Dictionary<string, string?> { ["a.txt"] = "a\n" });

        Assert.Equal(pushed, await scenario.Workspace.GetRemoteBranchShaAsync(GitScenario.Repository, "gitops-bridge/dev", scenario.Token));
        Assert.Null(await scenario.Workspace.GetRemoteBranchShaAsync(GitScenario.Repository, "gitops-bridge/prod", scenario.Token));
        Assert.Equal(0, scenario.GitHub.GitCalls[GitHubRoutes.GitUploadPack]);
    }

    [Fact]
    public async Task CommitAndPushAsync_NewBranch_PushesOneCommitOnTheBaseThatChangesOnlyTheGivenFiles()
    {
        await using var scenario = await GitScenario.StartAsync();
        var snapshot = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);
        var edits = new Dictionary<string, string>
        {
            ["envs/dev/values.yaml"] = "image:\n  repository: ghcr.io/acme/api\n  tag: 1.5.0 # keep\n",
            ["envs/qa/values.yaml"] = "\uFEFFimage:\n  tag: 1.5.0\r\n",
        };

        var watch = Stopwatch.StartNew();
        var sha = await scenario.Workspace.CommitAndPushAsync(snapshot, "gitops-bridge/dev", edits, "Update api to 1.5.0\n\nBuilt by run 42.", Bot, scenario.Token);
        output.WriteLine($"commit + push: {watch.ElapsedMilliseconds} ms");

        Assert.NotNull(sha);
        Assert.Equal(sha, await scenario.GitHub.GetBranchShaAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev"));
        var commits = await scenario.GitHub.GetCommitsAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev");
        Assert.Equal(2, commits.Count);
        Assert.Equal([snapshot.CommitSha], commits[0].Parents);
        Assert.Equal("Update api to 1.5.0\n\nBuilt by run 42.", commits[0].Message);
        Assert.Equal((Bot.Name, Bot.Email), (commits[0].AuthorName, commits[0].AuthorEmail));
        Assert.Equal(GitScenario.Now, commits[0].CommittedAt);
        var files = await scenario.GitHub.ReadFilesAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev");
        var expected = new Dictionary<string, string>(GitScenario.SeedFiles);
        foreach (var (path, text) in edits)
        {
            expected[path] = text;
        }

        Assert.Equal(expected.OrderBy(f => f.Key, StringComparer.Ordinal), files.OrderBy(f => f.Key, StringComparer.Ordinal));
        // Byte for byte: the BOM and the CRLF are the caller's, nothing is added or normalized.
        Assert.Equal(BlobId([0xEF, 0xBB, 0xBF, .. "image:\n  tag: 1.5.0\r\n"u8]), scenario.ServerGit("rev-parse", $"{sha}:envs/qa/values.yaml"));
        Assert.Equal("100644", scenario.ServerGit("ls-tree", sha!, "envs/qa/values.yaml").Split(' ')[0]);
        Assert.Equal(2, scenario.ServerGit("diff", "--name-only", snapshot.CommitSha, sha!).Split('\n').Length);
    }

    [Fact]
    public async Task CommitAndPushAsync_AgainWithOtherContent_ForceUpdatesTheBranchToOneCommitOnTheBase()
    {
        await using var scenario = await GitScenario.StartAsync();
        var snapshot = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);
        var first = await scenario.Workspace.CommitAndPushAsync(snapshot, "gitops-bridge/dev", new Dictionary<string, string> { ["envs/dev/values.yaml"] = "image:\n  tag: 1.5.0\n" }, "Update api to 1.5.0", Bot, scenario.Token);

        var second = await scenario.Workspace.CommitAndPushAsync(snapshot, "gitops-bridge/dev", new Dictionary<string, string> { ["envs/dev/values.yaml"] = "image:\n  tag: 1.6.0\n" }, "Update api to 1.6.0", Bot, scenario.Token);

        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        var commits = await scenario.GitHub.GetCommitsAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev");
        Assert.Equal([second, snapshot.CommitSha], commits.Select(c => c.Sha));
        Assert.Equal("image:\n  tag: 1.6.0\n", (await scenario.GitHub.ReadFilesAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev"))["envs/dev/values.yaml"]);
    }

    [Fact]
    public async Task CommitAndPushAsync_IdenticalContent_ReturnsNullAndPushesNothing()
    {
        await using var scenario = await GitScenario.StartAsync();
        var snapshot = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);
        scenario.GitHub.GitCalls.Reset();

        var sha = await scenario.Workspace.CommitAndPushAsync(
            snapshot, "gitops-bridge/dev", new Dictionary<string, string> { ["envs/dev/values.yaml"] = GitScenario.SeedFiles["envs/dev/values.yaml"] }, "No change", Bot, scenario.Token);

        Assert.Null(sha);
        Assert.Equal(0, scenario.GitHub.GitCalls.Total);
        Assert.Null(await scenario.GitHub.GetBranchShaAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev"));
    }

    [Fact]
    public async Task CommitAndPushAsync_ExecutableFile_KeepsItsMode()
    {
        await using var scenario = await GitScenario.StartAsync(seed =>
        {
            File.WriteAllText(Path.Combine(seed, "render.sh"), "#!/bin/sh\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(seed, "render.sh"), (UnixFileMode)0b111_101_101);
            }
        });
        var snapshot = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);

        var sha = await scenario.Workspace.CommitAndPushAsync(snapshot, "b", new Dictionary<string, string> { ["render.sh"] = "#!/bin/sh\nexit 0\n" }, "m", Bot, scenario.Token);

        Assert.StartsWith("100755 ", scenario.ServerGit("ls-tree", sha!, "render.sh"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside.yaml")]
    [InlineData(".git/config")]
    [InlineData("/etc/passwd")]
    [InlineData("envs")]
    [InlineData("README.md/inner.yaml")]
    public async Task CommitAndPushAsync_PathOutsideTheTreeOrOverAFolder_IsRefused(string path)
    {
        await using var scenario = await GitScenario.StartAsync();
        var snapshot = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            scenario.Workspace.CommitAndPushAsync(snapshot, "gitops-bridge/dev", new Dictionary<string, string> { [path] = "x\n" }, "m", Bot, scenario.Token));

        Assert.Null(await scenario.GitHub.GetBranchShaAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev"));
    }

    [Fact]
    public async Task CommitAndPushAsync_ServerRefusesTheUpdate_ThrowsPushRejected()
    {
        await using var scenario = await GitScenario.StartAsync();
        var snapshot = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);
        var first = await scenario.Workspace.CommitAndPushAsync(snapshot, "gitops-bridge/dev", new Dictionary<string, string> { ["a.yaml"] = "a: 1\n" }, "one", Bot, scenario.Token);
        // Like a protected branch: history may not be rewritten, so the forced update is refused.
        scenario.ServerGit("config", "receive.denyNonFastForwards", "true");

        var error = await Assert.ThrowsAsync<GitPushRejectedException>(() =>
            scenario.Workspace.CommitAndPushAsync(snapshot, "gitops-bridge/dev", new Dictionary<string, string> { ["a.yaml"] = "a: 2\n" }, "two", Bot, scenario.Token));

        Assert.Contains("gitops-bridge/dev", error.Message, StringComparison.Ordinal);
        Assert.Equal(first, await scenario.GitHub.GetBranchShaAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev"));
    }

    [Fact]
    public async Task CommitsAheadAsync_PersonPushedOnTheBotsBranch_ListsBothNewestFirst()
    {
        await using var scenario = await GitScenario.StartAsync();
        var snapshot = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);
        var bot = await scenario.Workspace.CommitAndPushAsync(snapshot, "gitops-bridge/dev", new Dictionary<string, string> { ["envs/dev/values.yaml"] = "image:\n  tag: 1.5.0\n" }, "Update api to 1.5.0", Bot, scenario.Token);
        var person = await scenario.GitHub.CommitAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev", new Dictionary<string, string?> { ["envs/dev/values.yaml"] = "image:\n  tag: 1.5.1\n" }, "Pin 1.5.1 by hand");

        var ahead = await scenario.Workspace.CommitsAheadAsync(GitScenario.Repository, snapshot.CommitSha, "gitops-bridge/dev", scenario.Token);

        Assert.Equal([person, bot!], ahead.Select(c => c.Sha));
        Assert.Equal(["Pin 1.5.1 by hand", "Update api to 1.5.0"], ahead.Select(c => c.Message));
        Assert.NotEqual(Bot.Email, ahead[0].AuthorEmail);
        Assert.Equal(Bot.Email, ahead[1].AuthorEmail);
    }

    [Fact]
    public async Task CommitsAheadAsync_MissingBranch_IsEmpty()
    {
        await using var scenario = await GitScenario.StartAsync();
        var snapshot = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);

        Assert.Empty(await scenario.Workspace.CommitsAheadAsync(GitScenario.Repository, snapshot.CommitSha, "gitops-bridge/dev", scenario.Token));
    }

    [Fact]
    public async Task CommitsAheadAsync_BaseCommitNotInTheClone_IsRefused()
    {
        await using var scenario = await GitScenario.StartAsync();
        await scenario.GitHub.CommitAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev", new Dictionary<string, string?> { ["a.txt"] = "a\n" });

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            scenario.Workspace.CommitsAheadAsync(GitScenario.Repository, new string('1', 40), "gitops-bridge/dev", scenario.Token));

        Assert.Equal("baseCommit", error.ParamName);
    }

    [Theory]
    [InlineData("ghs_invalid")]
    [InlineData(null)]
    public async Task FetchAsync_RefusedToken_ThrowsAuthenticationAfterOneRetry(string? token)
    {
        await using var scenario = await GitScenario.StartAsync();
        if (token is null)
        {
            // A token that worked once and then expired, as installation tokens do after an hour.
            token = scenario.Token;
            await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", token);
            scenario.GitHub.ExpireAllTokens();
            await scenario.GitHub.CommitAsync(GitScenario.Owner, GitScenario.Name, "main", new Dictionary<string, string?> { ["a.txt"] = "a\n" });
        }

        scenario.GitHub.GitCalls.Reset();
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<GitAuthenticationException>(() => scenario.Workspace.FetchAsync(GitScenario.Repository, "main", token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        // One anonymous request, then one with the token; libgit2 alone would retry 15 times.
        Assert.InRange(scenario.GitHub.GitCalls.Total, 1, 2);
        Assert.DoesNotContain(token, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommitAndPushAsync_ExpiredToken_ThrowsAuthenticationAndPushesNothing()
    {
        await using var scenario = await GitScenario.StartAsync();
        var snapshot = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);
        scenario.GitHub.ExpireAllTokens();
        scenario.GitHub.GitCalls.Reset();

        await Assert.ThrowsAsync<GitAuthenticationException>(() =>
            scenario.Workspace.CommitAndPushAsync(snapshot, "gitops-bridge/dev", new Dictionary<string, string> { ["a.yaml"] = "a: 1\n" }, "m", Bot, scenario.Token));

        Assert.InRange(scenario.GitHub.GitCalls.Total, 1, 2);
        Assert.Null(await scenario.GitHub.GetBranchShaAsync(GitScenario.Owner, GitScenario.Name, "gitops-bridge/dev"));
    }

    [Fact]
    public async Task Workspace_AfterFetchAndPush_NeverWritesTheTokenToDisk()
    {
        await using var scenario = await GitScenario.StartAsync();
        var snapshot = await scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token);
        await scenario.Workspace.CommitAndPushAsync(snapshot, "gitops-bridge/dev", new Dictionary<string, string> { ["a.yaml"] = "a: 1\n" }, "m", Bot, scenario.Token);
        await scenario.Workspace.CommitsAheadAsync(GitScenario.Repository, snapshot.CommitSha, "gitops-bridge/dev", scenario.Token);

        var config = await File.ReadAllTextAsync(Path.Combine(scenario.CachedClone, "config"));
        Assert.Contains($"url = {scenario.GitHub.CloneUrl(GitScenario.Owner, GitScenario.Name)}", config, StringComparison.Ordinal);
        Assert.DoesNotContain(scenario.Token, config, StringComparison.Ordinal);
        var needles = new[] { scenario.Token, Convert.ToBase64String(Encoding.UTF8.GetBytes($"x-access-token:{scenario.Token}")) }.Select(Encoding.UTF8.GetBytes).ToList();
        var files = Directory.GetFiles(scenario.Options.WorkDirectory, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.All(needles, needle => Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{file} contains the token"));
        }
    }

    [Fact]
    public async Task FetchAsync_CancelledToken_ThrowsOperationCanceled()
    {
        await using var scenario = await GitScenario.StartAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scenario.Workspace.FetchAsync(GitScenario.Repository, "main", scenario.Token, cancelled.Token));
        Assert.Equal(0, scenario.GitHub.GitCalls.Total);
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("acme/../etc")]
    [InlineData("../acme/gitops")]
    [InlineData("acme/gitops/extra")]
    public async Task FetchAsync_MalformedRepositoryName_IsRefused(string repository)
    {
        var workspace = new GitWorkspace(new GitOptions { WorkDirectory = Path.GetTempPath(), GitUrl = "http://127.0.0.1:9" }, TimeProvider.System);

        await Assert.ThrowsAsync<ArgumentException>(() => workspace.FetchAsync(repository, "main", "ghs_x"));
    }

    [Fact]
    public async Task FetchAsync_GitUrlWithCredentials_IsRefused()
    {
        var root = Directory.CreateTempSubdirectory("gitops-bridge-git-");
        try
        {
            var workspace = new GitWorkspace(new GitOptions { WorkDirectory = root.FullName, GitUrl = "https://x-access-token:ghs_secret@github.com" }, TimeProvider.System);

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => workspace.FetchAsync("acme/gitops", "main", "ghs_x"));

            Assert.DoesNotContain("ghs_secret", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>The id git gives a blob with these bytes.</summary>
    private static string BlobId(byte[] content) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));

    /// <summary>Pack files of a clone, name to size.</summary>
    private static Dictionary<string, long> Packs(string gitDirectory) =>
        new DirectoryInfo(Path.Combine(gitDirectory, "objects", "pack")).GetFiles("*.pack").ToDictionary(f => f.Name, f => f.Length);
}
