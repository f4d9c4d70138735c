using GitOpsBridge.GitHubEmulator;
using GitOpsBridge.Tests.Service;
using Xunit.Abstractions;

namespace GitOpsBridge.Tests.Lifecycle;

/// <summary>
/// Issue 5, acceptance 8: what one batched pull request of ten images costs in GitHub API calls and
/// git requests, counted by the emulator. Prints the figures for BENCHMARKS.md (run with
/// <c>--logger "console;verbosity=detailed"</c>), and holds them to the budget of issue 3
/// (at most 8 REST calls per new pull request, at most 4 per update, one push each).
/// </summary>
public sealed class BatchedPullRequestCostTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task TenImagePullRequest_OneWorkflowRunThenOnePush_CallsPerStep()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageBackends.SqliteAsync(), config: BatchingTests.MonorepoConfig, files: BatchingTests.MonorepoFiles);
        s.GitHub.Calls.Reset();
        s.GitHub.GitCalls.Reset();

        var run = await BatchingTests.RunWorkflowAsync(s, "run");
        var opened = (Api: s.GitHub.Calls.ByRoute, Git: s.GitHub.GitCalls.ByRoute);
        s.GitHub.Calls.Reset();
        s.GitHub.GitCalls.Reset();
        var push = await s.PushImageAsync("svc-3", "sha-1111111", "push-3");
        var updated = (Api: s.GitHub.Calls.ByRoute, Git: s.GitHub.GitCalls.ByRoute);

        Report("(a) one workflow_run, 10 images, new PR", opened.Api, opened.Git);
        Report("(b) one later registry_package push, PR updated", updated.Api, updated.Git);
        Assert.Equal("done", run.GetProperty("status").GetString());
        Assert.Equal("done", push.GetProperty("status").GetString());
        Assert.Equal(1, opened.Git.GetValueOrDefault(GitHubRoutes.GitReceivePack));
        Assert.Equal(1, updated.Git.GetValueOrDefault(GitHubRoutes.GitReceivePack));
        Assert.InRange(opened.Api.Values.Sum(), 1, 8);
        Assert.InRange(updated.Api.Values.Sum(), 1, 4);
    }

    private void Report(string step, IReadOnlyDictionary<string, int> api, IReadOnlyDictionary<string, int> git)
    {
        output.WriteLine($"{step}: {api.Values.Sum()} REST call(s), {git.Values.Sum()} git request(s)");
        foreach (var (route, count) in api.Concat(git).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {route} x{count}");
        }
    }
}
