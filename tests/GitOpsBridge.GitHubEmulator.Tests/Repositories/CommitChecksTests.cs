using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GitOpsBridge.GitHubEmulator.Tests.Repositories;

/// <summary>Check runs and commit statuses of a commit, and a branch's required status checks.</summary>
public sealed class CommitChecksTests
{
    private static string Path(string rest) => $"repos/{Scenario.Owner}/{Scenario.Repo}/{rest}";

    [Fact]
    public async Task ListCheckRunsForRef_OtherAppsRunsAndOwn_LatestPerName()
    {
        await using var scenario = await Scenario.StartAsync();
        var sha = await scenario.PushBranchAsync("feature");
        scenario.GitHub.AddCheckRun(Scenario.Owner, Scenario.Repo, sha, "build", "completed", "failure");
        scenario.GitHub.AddCheckRun(Scenario.Owner, Scenario.Repo, sha, "build", "completed", "success");
        scenario.GitHub.AddCheckRun(Scenario.Owner, Scenario.Repo, sha, "e2e", "in_progress");
        var http = scenario.Http();
        using var created = await http.PostAsJsonAsync(Path("check-runs"), new { name = "mine", head_sha = sha, status = "completed", conclusion = "neutral", output = new { title = "t", summary = "s" } });

        var latest = await http.GetFromJsonAsync<JsonElement>(Path($"commits/{sha}/check-runs"));
        var all = await http.GetFromJsonAsync<JsonElement>(Path($"commits/feature/check-runs?filter=all"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(3, latest.GetProperty("total_count").GetInt32());
        var runs = latest.GetProperty("check_runs").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => (r.GetProperty("status").GetString(), r.GetProperty("conclusion").GetString()));
        Assert.Equal(("completed", "success"), runs["build"]);
        Assert.Equal(("in_progress", null), runs["e2e"]);
        Assert.Equal(("completed", "neutral"), runs["mine"]);
        Assert.Equal(4, all.GetProperty("total_count").GetInt32());
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task UpdateCheckRun_ConclusionAndOutput_ChangedInPlace()
    {
        await using var scenario = await Scenario.StartAsync();
        var sha = await scenario.PushBranchAsync("feature");
        var http = scenario.Http();
        using var created = await http.PostAsJsonAsync(Path("check-runs"), new { name = "gitops-bridge / merge policy", head_sha = sha, status = "completed", conclusion = "neutral", output = new { title = "waiting", summary = "- 1 more approving review" } });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        using var updated = await http.PatchAsJsonAsync(Path($"check-runs/{id}"), new { conclusion = "success", output = new { title = "holds", summary = "all green" } });

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var run = Assert.Single(scenario.GitHub.GetCheckRuns(Scenario.Owner, Scenario.Repo));
        Assert.Equal((id, "completed", "success", "holds", "all green"), (run.Id, run.Status, run.Conclusion, run.Title, run.Summary));
        using var missing = await http.PatchAsJsonAsync(Path("check-runs/999999"), new { conclusion = "success" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task CommitStatuses_CreateAndCombine_LatestPerContextDecides()
    {
        await using var scenario = await Scenario.StartAsync();
        var sha = await scenario.PushBranchAsync("feature");
        var http = scenario.Http();
        var empty = await http.GetFromJsonAsync<JsonElement>(Path($"commits/{sha}/status"));
        scenario.GitHub.AddCommitStatus(Scenario.Owner, Scenario.Repo, sha, "ci/lint", "failure");
        using var created = await http.PostAsJsonAsync(Path($"statuses/{sha}"), new { state = "success", context = "ci/lint", description = "fixed" });
        scenario.GitHub.AddCommitStatus(Scenario.Owner, Scenario.Repo, sha, "ci/test", "pending");
        var pending = await http.GetFromJsonAsync<JsonElement>(Path($"commits/{sha}/status"));
        scenario.GitHub.AddCommitStatus(Scenario.Owner, Scenario.Repo, sha, "ci/test", "error");
        var failed = await http.GetFromJsonAsync<JsonElement>(Path($"commits/feature/status"));

        Assert.Equal(("pending", 0), (empty.GetProperty("state").GetString(), empty.GetProperty("total_count").GetInt32()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(scenario.GitHub.BotLogin, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("creator").GetProperty("login").GetString());
        Assert.Equal(("pending", 2), (pending.GetProperty("state").GetString(), pending.GetProperty("total_count").GetInt32()));
        Assert.Equal("success", pending.GetProperty("statuses").EnumerateArray().Single(s => s.GetProperty("context").GetString() == "ci/lint").GetProperty("state").GetString());
        Assert.Equal("failure", failed.GetProperty("state").GetString());
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task GetBranch_WithAndWithoutRequiredChecks()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("gitops-bridge/dev");
        scenario.GitHub.SetRequiredStatusChecks(Scenario.Owner, Scenario.Repo, "main", "ci/build", "lint");
        var http = scenario.Http();

        var main = await http.GetFromJsonAsync<JsonElement>(Path("branches/main"));
        var feature = await http.GetFromJsonAsync<JsonElement>(Path("branches/gitops-bridge/dev"));
        using var missing = await http.GetAsync(Path("branches/nope"));

        Assert.True(main.GetProperty("protected").GetBoolean());
        Assert.Equal(["ci/build", "lint"], main.GetProperty("protection").GetProperty("required_status_checks").GetProperty("contexts").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"), main.GetProperty("commit").GetProperty("sha").GetString());
        Assert.False(feature.GetProperty("protected").GetBoolean());
        Assert.Equal("gitops-bridge/dev", feature.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        scenario.GitHub.AssertNoSpecViolations();
    }
}
