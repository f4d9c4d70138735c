using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GitOpsBridge.GitHubEmulator.Tests.Repositories;

/// <summary>Deployments, their statuses, compare and the test-side merge, checked against GitHub's REST description.</summary>
public sealed class DeploymentsApiTests
{
    [Fact]
    public async Task CreateDeployment_WithStatus_IsListedWithBothAndSchemaValid()
    {
        await using var s = await Scenario.StartAsync();
        using var http = s.Http();
        var sha = (await s.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"))!;

        using var created = await http.PostAsJsonAsync($"repos/{Scenario.Owner}/{Scenario.Repo}/deployments",
            new { @ref = sha, environment = "staging", description = "api 1.5.0", auto_merge = false, required_contexts = Array.Empty<string>() });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using var status = await http.PostAsJsonAsync($"repos/{Scenario.Owner}/{Scenario.Repo}/deployments/{id}/statuses",
            new { state = "success", environment_url = "https://example.com/pr/1", log_url = "https://example.com/pr/1" });
        Assert.True(status.StatusCode == HttpStatusCode.Created, await status.Content.ReadAsStringAsync());
        var list = await http.GetFromJsonAsync<JsonElement>($"repos/{Scenario.Owner}/{Scenario.Repo}/deployments?environment=staging");
        var statuses = await http.GetFromJsonAsync<JsonElement>($"repos/{Scenario.Owner}/{Scenario.Repo}/deployments/{id}/statuses");
        var none = await http.GetFromJsonAsync<JsonElement>($"repos/{Scenario.Owner}/{Scenario.Repo}/deployments?environment=prod");

        Assert.Equal(sha, Assert.Single(list.EnumerateArray()).GetProperty("sha").GetString());
        Assert.Equal("success", Assert.Single(statuses.EnumerateArray()).GetProperty("state").GetString());
        Assert.Empty(none.EnumerateArray());
        var deployment = Assert.Single(s.GitHub.GetDeployments(Scenario.Owner, Scenario.Repo));
        Assert.Equal(("staging", s.GitHub.BotLogin), (deployment.Environment, deployment.Creator));
        Assert.Equal("https://example.com/pr/1", Assert.Single(deployment.Statuses).LogUrl);
        s.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task CreateDeployment_UnknownRefOrAutoMerge_IsRefused()
    {
        await using var s = await Scenario.StartAsync();
        using var http = s.Http();

        using var unknown = await http.PostAsJsonAsync($"repos/{Scenario.Owner}/{Scenario.Repo}/deployments", new { @ref = "no-such-branch", auto_merge = false });
        using var autoMerge = await http.PostAsJsonAsync($"repos/{Scenario.Owner}/{Scenario.Repo}/deployments", new { @ref = "main" });
        using var noDeployment = await http.PostAsJsonAsync($"repos/{Scenario.Owner}/{Scenario.Repo}/deployments/999/statuses", new { state = "success" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, autoMerge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noDeployment.StatusCode);
        Assert.Empty(s.GitHub.GetDeployments(Scenario.Owner, Scenario.Repo));
        s.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Compare_BranchAheadBehindAndIdentical_ReportsStatusAndCounts()
    {
        await using var s = await Scenario.StartAsync();
        using var http = s.Http();
        var main = (await s.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"))!;
        var topic = await s.PushBranchAsync("feature/x");

        var ahead = await http.GetFromJsonAsync<JsonElement>($"repos/{Scenario.Owner}/{Scenario.Repo}/compare/main...feature/x");
        var behind = await http.GetFromJsonAsync<JsonElement>($"repos/{Scenario.Owner}/{Scenario.Repo}/compare/{topic}...{main}");
        var identical = await http.GetFromJsonAsync<JsonElement>($"repos/{Scenario.Owner}/{Scenario.Repo}/compare/{main}...main");
        using var missing = await http.GetAsync($"repos/{Scenario.Owner}/{Scenario.Repo}/compare/main...{new string('0', 40)}");

        Assert.Equal(("ahead", 1, 0), (ahead.GetProperty("status").GetString(), ahead.GetProperty("ahead_by").GetInt32(), ahead.GetProperty("behind_by").GetInt32()));
        Assert.Equal(topic, Assert.Single(ahead.GetProperty("commits").EnumerateArray()).GetProperty("sha").GetString());
        Assert.Equal(("behind", 0, 1), (behind.GetProperty("status").GetString(), behind.GetProperty("ahead_by").GetInt32(), behind.GetProperty("behind_by").GetInt32()));
        Assert.Equal("identical", identical.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        s.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task MergePullRequest_Open_MakesAMergeCommitOnTheBaseAndClosesIt()
    {
        await using var s = await Scenario.StartAsync();
        var main = (await s.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"))!;
        var head = await s.PushBranchAsync("gitops-bridge/dev");
        var pull = await s.Octokit().PullRequest.Create(Scenario.Owner, Scenario.Repo, new Octokit.NewPullRequest("deploy", "gitops-bridge/dev", "main"));

        var merge = await s.GitHub.MergePullRequestAsync(Scenario.Owner, Scenario.Repo, pull.Number);

        var commit = (await s.GitHub.GetCommitsAsync(Scenario.Owner, Scenario.Repo, "main"))[0];
        Assert.Equal(merge, commit.Sha);
        Assert.Equal([main, head], commit.Parents);
        Assert.Contains("tag: 1.5.0", (await s.GitHub.ReadFilesAsync(Scenario.Owner, Scenario.Repo, "main"))["envs/dev/values.yaml"], StringComparison.Ordinal);
        Assert.Equal("closed", Assert.Single(s.GitHub.GetPullRequests(Scenario.Owner, Scenario.Repo)).State);
        await Assert.ThrowsAsync<InvalidOperationException>(() => s.GitHub.MergePullRequestAsync(Scenario.Owner, Scenario.Repo, pull.Number));
    }
}
