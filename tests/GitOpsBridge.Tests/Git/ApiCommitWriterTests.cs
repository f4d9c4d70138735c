using GitOpsBridge.Git;
using GitOpsBridge.GitHub;
using GitOpsBridge.GitHubEmulator;
using GitOpsBridge.Tests.GitHub;
using Xunit.Abstractions;

namespace GitOpsBridge.Tests.Git;

/// <summary>
/// Commits built in the clone and published by a push or through the Git Data API, against the
/// emulator: the same trees, GitHub's verification, fast-forward rules, protection, replayed commits.
/// </summary>
public sealed class ApiCommitWriterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly GitAuthor Bot = new("gitops-bridge[bot]", "1001+gitops-bridge[bot]@users.noreply.github.com");
    private static readonly Dictionary<string, string> Edit = new() { ["envs/dev/values.yaml"] = "image:\n  repository: ghcr.io/acme/api\n  tag: 1.5.0 # keep\n" };

    private readonly DirectoryInfo _cache = Directory.CreateTempSubdirectory("gitops-bridge-apicommit-");
    private GitHubScenario _s = null!;
    private GitWorkspace _git = null!;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _s = await GitHubScenario.StartAsync();
        _git = new GitWorkspace(new GitOptions { WorkDirectory = _cache.FullName, GitUrl = _s.Emulator.BaseAddress.ToString() }, new FixedClock(GitScenario.Now));
        _token = (await _s.Tokens.GetAsync(_s.InstallationId)).Value;
    }

    public async Task DisposeAsync()
    {
        await _s.DisposeAsync();
        _cache.Delete(recursive: true);
    }

    [Fact]
    public async Task PublishAsync_SameBuildAsAPush_SameTreeNoLocalSignatureAndVerifiedByGitHub()
    {
        var snapshot = await _git.FetchAsync(GitHubScenario.Repository, "main", _token);
        var build = (await _git.BuildAsync(snapshot, Edit, "deploy(dev): api 1.4.0 → 1.5.0", Bot, []))!;
        await _git.PushAsync(GitHubScenario.Repository, "by-git", build.TipSha, force: true, _token);
        _s.Emulator.Calls.Reset();

        var writer = new ApiCommitWriter(_s.Api);
        await writer.PublishAsync(_s.InstallationId, build, "by-api", force: true);
        var created = _s.Emulator.Calls.Total;
        _s.Emulator.Calls.Reset();
        var apiSha = await writer.PublishAsync(_s.InstallationId, build, "by-api", force: true);

        output.WriteLine($"API calls for one commit of one file: {created} on a new branch, {_s.Emulator.Calls.Total} on an existing one");
        Assert.Equal(5, created); // blob, tree, commit, PATCH ref (422: no such branch), POST ref
        Assert.Equal(4, _s.Emulator.Calls.Total); // blob, tree, commit, PATCH ref
        var pushed = await _s.Api.GetCommitAsync(_s.InstallationId, GitHubScenario.Repository, build.TipSha);
        var api = await _s.Api.GetCommitAsync(_s.InstallationId, GitHubScenario.Repository, apiSha);
        Assert.Equal(pushed.TreeSha, api.TreeSha);
        Assert.Equal(build.Commits[0].TreeSha, api.TreeSha);
        Assert.NotEqual(build.TipSha, apiSha);
        Assert.Equal((false, "unsigned"), (pushed.Verified, pushed.VerificationReason));
        Assert.Equal((true, "valid"), (api.Verified, api.VerificationReason));
        Assert.Equal(apiSha, await _s.Emulator.GetBranchShaAsync(GitHubScenario.Owner, GitHubScenario.Repo, "by-api"));
        var commit = Assert.Single(await _git.CommitsAheadAsync(GitHubScenario.Repository, snapshot.CommitSha, "by-api", _token));
        Assert.Equal(Bot.Email, commit.AuthorEmail);
        var raw = TempRepository.Run("git", _cache.FullName, null, "--git-dir", _git.ClonePath(GitHubScenario.Repository), "cat-file", "commit", apiSha);
        Assert.Equal(0, raw.Exit);
        Assert.DoesNotContain("gpgsig", raw.StdOut, StringComparison.Ordinal);
        Assert.Contains("committer GitHub <noreply@github.com>", raw.StdOut, StringComparison.Ordinal);
        _s.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task BuildAsync_APersonsCommitOnTheBranch_IsReplayedOnTopWithItsAuthor_AndPublishedThroughTheApi()
    {
        var first = await _git.FetchAsync(GitHubScenario.Repository, "main", _token);
        await _git.PushAsync(GitHubScenario.Repository, "gitops-bridge/dev", (await _git.BuildAsync(first, Edit, "bridge", Bot, []))!.TipSha, force: true, _token);
        var person = await _s.Emulator.CommitAsync(GitHubScenario.Owner, GitHubScenario.Repo, "gitops-bridge/dev", new Dictionary<string, string?> { ["notes.md"] = "why\n" }, "add notes");
        await _s.Emulator.CommitAsync(GitHubScenario.Owner, GitHubScenario.Repo, "main", new Dictionary<string, string?> { ["README.md"] = "moved\n" });
        var moved = await _git.FetchAsync(GitHubScenario.Repository, "main", _token);

        var ahead = await _git.CommitsAheadAsync(GitHubScenario.Repository, moved.CommitSha, "gitops-bridge/dev", _token);
        var people = ahead.Where(c => c.AuthorEmail != Bot.Email).Select(c => c.Sha).Reverse().ToList();
        var build = (await _git.BuildAsync(moved, new Dictionary<string, string> { ["envs/dev/values.yaml"] = Edit["envs/dev/values.yaml"].Replace("1.5.0", "1.6.0", StringComparison.Ordinal) }, "bridge 1.6.0", Bot, people))!;
        await new ApiCommitWriter(_s.Api).PublishAsync(_s.InstallationId, build, "gitops-bridge/dev", force: true);

        Assert.Equal([person], people);
        Assert.Null(build.Conflict);
        Assert.Equal(1, build.Replayed);
        var commits = await _s.Emulator.GetCommitsAsync(GitHubScenario.Owner, GitHubScenario.Repo, "gitops-bridge/dev");
        Assert.Equal(["add notes", "bridge 1.6.0", "Change from test"], commits.Take(3).Select(c => c.Message));
        Assert.Equal("noreply@github.com", commits[0].AuthorEmail);
        var files = await _s.Emulator.ReadFilesAsync(GitHubScenario.Owner, GitHubScenario.Repo, "gitops-bridge/dev");
        Assert.Equal("why\n", files["notes.md"]);
        Assert.Equal("moved\n", files["README.md"]);
        Assert.Contains("tag: 1.6.0", files["envs/dev/values.yaml"], StringComparison.Ordinal);
        _s.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task BuildAsync_APersonsCommitThatConflicts_StopsThereAndNamesIt()
    {
        var first = await _git.FetchAsync(GitHubScenario.Repository, "main", _token);
        await _git.PushAsync(GitHubScenario.Repository, "gitops-bridge/dev", (await _git.BuildAsync(first, Edit, "bridge", Bot, []))!.TipSha, force: true, _token);
        var person = await _s.Emulator.CommitAsync(GitHubScenario.Owner, GitHubScenario.Repo, "gitops-bridge/dev",
            new Dictionary<string, string?> { ["envs/dev/values.yaml"] = "image:\n  repository: ghcr.io/acme/api\n  tag: 1.5.0-hotfix # keep\n" }, "use the hotfix");

        var ahead = await _git.CommitsAheadAsync(GitHubScenario.Repository, first.CommitSha, "gitops-bridge/dev", _token);

        var build = (await _git.BuildAsync(first, new Dictionary<string, string> { ["envs/dev/values.yaml"] = Edit["envs/dev/values.yaml"].Replace("1.5.0", "1.6.0", StringComparison.Ordinal) }, "bridge 1.6.0", Bot, [person]))!;

        Assert.Equal(2, ahead.Count);
        Assert.NotNull(build.Conflict);
        Assert.Equal(person, build.Conflict.Sha);
        Assert.Equal("use the hotfix", build.Conflict.Summary);
        Assert.Equal(["envs/dev/values.yaml"], build.Conflict.Paths);
        Assert.Equal(0, build.Replayed);
    }

    [Fact]
    public async Task PushAndPublish_BaseMovedWithoutForce_ThrowNonFastForward()
    {
        var snapshot = await _git.FetchAsync(GitHubScenario.Repository, "main", _token);
        var build = (await _git.BuildAsync(snapshot, Edit, "bridge", Bot, []))!;
        await _s.Emulator.CommitAsync(GitHubScenario.Owner, GitHubScenario.Repo, "main", new Dictionary<string, string?> { ["README.md"] = "moved\n" });

        await Assert.ThrowsAsync<GitNonFastForwardException>(() => _git.PushAsync(GitHubScenario.Repository, "main", build.TipSha, force: false, _token));
        await Assert.ThrowsAsync<GitNonFastForwardException>(() => new ApiCommitWriter(_s.Api).PublishAsync(_s.InstallationId, build, "main", force: false));

        // With the moved tip in the clone too, libgit2 alone would send the update and the server would take it.
        var again = await _git.FetchAsync(GitHubScenario.Repository, "main", _token);
        await Assert.ThrowsAsync<GitNonFastForwardException>(() => _git.PushAsync(GitHubScenario.Repository, "main", build.TipSha, force: false, _token));
        Assert.Equal(again.CommitSha, await _s.Emulator.GetBranchShaAsync(GitHubScenario.Owner, GitHubScenario.Repo, "main"));
        await _git.PushAsync(GitHubScenario.Repository, "main", (await _git.BuildAsync(again, Edit, "bridge", Bot, []))!.TipSha, force: false, _token);
        Assert.Contains("tag: 1.5.0", (await _s.Emulator.ReadFilesAsync(GitHubScenario.Owner, GitHubScenario.Repo, "main"))["envs/dev/values.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushAndPublish_ProtectedBase_RefusedAsGitHubDoes_SignedCommitsRuleTakesTheApiCommit()
    {
        _s.Emulator.ProtectBranch(GitHubScenario.Owner, GitHubScenario.Repo, "main");
        var snapshot = await _git.FetchAsync(GitHubScenario.Repository, "main", _token);
        var build = (await _git.BuildAsync(snapshot, Edit, "bridge", Bot, []))!;
        var writer = new ApiCommitWriter(_s.Api);

        var pushed = await Assert.ThrowsAsync<GitPushRejectedException>(() => _git.PushAsync(GitHubScenario.Repository, "main", build.TipSha, force: false, _token));
        var api = await Assert.ThrowsAsync<GitPushRejectedException>(() => writer.PublishAsync(_s.InstallationId, build, "main", force: false));
        _s.Emulator.ProtectBranch(GitHubScenario.Owner, GitHubScenario.Repo, "main", requirePullRequest: false, requireSignedCommits: true);
        var unsigned = await Assert.ThrowsAsync<GitPushRejectedException>(() => _git.PushAsync(GitHubScenario.Repository, "main", build.TipSha, force: false, _token));
        var sha = await writer.PublishAsync(_s.InstallationId, build, "main", force: false);

        Assert.Equal("acme/gitops refused the push to main: protected branch hook declined", pushed.Message);
        Assert.Contains("Changes must be made through a pull request.", api.Message, StringComparison.Ordinal);
        Assert.Contains("protected branch hook declined", unsigned.Message, StringComparison.Ordinal);
        Assert.Equal(sha, await _s.Emulator.GetBranchShaAsync(GitHubScenario.Owner, GitHubScenario.Repo, "main"));
        _s.AssertNoSpecViolationsBesidesUndocumented422Bodies();
    }
}
