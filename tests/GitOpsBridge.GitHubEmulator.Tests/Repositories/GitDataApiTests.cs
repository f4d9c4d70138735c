using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsBridge.GitHubEmulator.Tests.Repositories;

public sealed class GitDataApiTests : IDisposable
{
    private const string Api = "repos/acme/gitops";
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("emulator-gitdata-test-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task BlobTreeCommitRef_ThroughTheApi_MakeARealCommitThatIsVerified()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = scenario.Http();
        var main = (await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"))!;
        var baseTree = (await GetJsonAsync(http, $"{Api}/git/commits/{main}"))["tree"]!["sha"]!.GetValue<string>();
        var bytes = Encoding.UTF8.GetBytes("\uFEFFimage:\r\n  tag: 1.5.0\r\n");

        var blob = await PostAsync(http, $"{Api}/git/blobs", new JsonObject { ["content"] = Convert.ToBase64String(bytes), ["encoding"] = "base64" }, HttpStatusCode.Created);
        var tree = await PostAsync(http, $"{Api}/git/trees", new JsonObject
        {
            ["base_tree"] = baseTree,
            ["tree"] = new JsonArray(
                new JsonObject { ["path"] = "envs/dev/values.yaml", ["mode"] = "100644", ["type"] = "blob", ["sha"] = blob["sha"]!.GetValue<string>() },
                new JsonObject { ["path"] = "envs/prod/values.yaml", ["mode"] = "100644", ["type"] = "blob", ["sha"] = null },
                new JsonObject { ["path"] = "docs/new.md", ["mode"] = "100644", ["type"] = "blob", ["content"] = "new\n" }),
        }, HttpStatusCode.Created);
        var commit = await PostAsync(http, $"{Api}/git/commits", new JsonObject
        {
            ["message"] = "deploy(dev): api 1.4.0 → 1.5.0",
            ["tree"] = tree["sha"]!.GetValue<string>(),
            ["parents"] = new JsonArray(main),
            ["author"] = new JsonObject { ["name"] = "gitops-bridge[bot]", ["email"] = "1+gitops-bridge[bot]@users.noreply.github.com", ["date"] = "2025-03-14T15:09:26Z" },
        }, HttpStatusCode.Created);
        var sha = commit["sha"]!.GetValue<string>();
        var reference = await PostAsync(http, $"{Api}/git/refs", new JsonObject { ["ref"] = "refs/heads/gitops-bridge/dev", ["sha"] = sha }, HttpStatusCode.Created);

        Assert.Equal(sha, reference["object"]!["sha"]!.GetValue<string>());
        var files = await scenario.GitHub.ReadFilesAsync(Scenario.Owner, Scenario.Repo, "gitops-bridge/dev");
        Assert.Equal(["README.md", "docs/new.md", "envs/dev/values.yaml"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Encoding.UTF8.GetString(bytes), files["envs/dev/values.yaml"]);
        Assert.Equal("deploy(dev): api 1.4.0 → 1.5.0", commit["message"]!.GetValue<string>());
        Assert.Equal("gitops-bridge[bot]", commit["author"]!["name"]!.GetValue<string>());
        Assert.Equal("2025-03-14T15:09:26Z", commit["author"]!["date"]!.GetValue<string>());
        Assert.Equal("GitHub", commit["committer"]!["name"]!.GetValue<string>());
        Assert.True(commit["verification"]!["verified"]!.GetValue<bool>());
        Assert.Equal("valid", commit["verification"]!["reason"]!.GetValue<string>());
        var read = await GetJsonAsync(http, $"{Api}/git/commits/{sha}");
        Assert.True(read["verification"]!["verified"]!.GetValue<bool>());
        Assert.DoesNotContain("gpgsig", read["verification"]!["payload"]!.GetValue<string>(), StringComparison.Ordinal);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task GetCommit_PushedWithoutSignature_IsUnsigned()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = scenario.Http();
        var pushed = await scenario.PushBranchAsync("feature");

        var commit = await GetJsonAsync(http, $"{Api}/git/commits/{pushed}");

        Assert.False(commit["verification"]!["verified"]!.GetValue<bool>());
        Assert.Equal("unsigned", commit["verification"]!["reason"]!.GetValue<string>());
        Assert.False(scenario.GitHub.IsVerified(Scenario.Owner, Scenario.Repo, pushed));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{Api}/git/commits/{new string('a', 40)}")).StatusCode);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task UpdateRef_NotAFastForward_422UnlessForced()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = scenario.Http();
        var main = (await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"))!;
        var side = await scenario.PushBranchAsync("side");
        await scenario.GitHub.CommitAsync(Scenario.Owner, Scenario.Repo, "main", new Dictionary<string, string?> { ["README.md"] = "moved\n" });

        var refused = await http.PatchAsJsonAsync($"{Api}/git/refs/heads/main", new { sha = side, force = false });
        var forced = await http.PatchAsJsonAsync($"{Api}/git/refs/heads/side", new { sha = main, force = true });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("Update is not a fast forward", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Equal(main, await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "side"));
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task ProtectedBranch_RequirePullRequest_RefusesPushesAsGitHubDoesAndRefUpdatesWith422()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = scenario.Http();
        scenario.GitHub.ProtectBranch(Scenario.Owner, Scenario.Repo, "main");
        var before = await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main");
        var repo = await CloneAndCommitAsync(scenario);

        var push = await GitCommand.RunAsync(repo, "push", "origin", "HEAD:refs/heads/main");
        var other = await GitCommand.RunAsync(repo, "push", "origin", "HEAD:refs/heads/feature");
        var head = (await GitCommand.RunAsync(repo, "rev-parse", "HEAD")).Output.Trim();
        var api = await http.PatchAsJsonAsync($"{Api}/git/refs/heads/main", new { sha = head, force = false });

        Assert.NotEqual(0, push.ExitCode);
        Assert.Contains("protected branch hook declined", push.Output, StringComparison.Ordinal);
        Assert.Contains("GH006: Protected branch update failed for refs/heads/main.", push.Output, StringComparison.Ordinal);
        Assert.True(other.ExitCode == 0, other.Output);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, api.StatusCode);
        Assert.Contains("Changes must be made through a pull request.", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"));
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task ProtectedBranch_RequireSignedCommits_RefusesAPushedCommitButTakesAnApiCommit()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = scenario.Http();
        scenario.GitHub.ProtectBranch(Scenario.Owner, Scenario.Repo, "main", requirePullRequest: false, requireSignedCommits: true);
        var main = (await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"))!;
        var repo = await CloneAndCommitAsync(scenario);

        var push = await GitCommand.RunAsync(repo, "push", "origin", "HEAD:refs/heads/main");
        var pushedUnsigned = (await GitCommand.RunAsync(repo, "rev-parse", "HEAD")).Output.Trim();
        var tree = (await GetJsonAsync(http, $"{Api}/git/commits/{main}"))["tree"]!["sha"]!.GetValue<string>();
        var commit = await PostAsync(http, $"{Api}/git/commits", new JsonObject { ["message"] = "signed by GitHub", ["tree"] = tree, ["parents"] = new JsonArray(main) }, HttpStatusCode.Created);
        var sha = commit["sha"]!.GetValue<string>();
        var api = await http.PatchAsJsonAsync($"{Api}/git/refs/heads/main", new { sha, force = false });

        Assert.NotEqual(0, push.ExitCode);
        Assert.Contains("Commits must have verified signatures.", push.Output, StringComparison.Ordinal);
        Assert.Contains("protected branch hook declined", push.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(sha, await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "main"));
        Assert.NotEqual(sha, pushedUnsigned);
        scenario.GitHub.AssertNoSpecViolations();
    }

    private async Task<string> CloneAndCommitAsync(Scenario scenario)
    {
        var url = GitCommand.WithToken(scenario.Repository.CloneUrl, scenario.Token.Token).ToString();
        Assert.Equal(0, (await GitCommand.RunAsync(_work.FullName, "clone", "--quiet", url, "repo")).ExitCode);
        var repo = Path.Combine(_work.FullName, "repo");
        await File.WriteAllTextAsync(Path.Combine(repo, "README.md"), "pushed\n");
        Assert.Equal(0, (await GitCommand.RunAsync(repo, "commit", "--quiet", "-am", "pushed")).ExitCode);
        return repo;
    }

    private static async Task<JsonNode> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string path, JsonObject body, HttpStatusCode expected)
    {
        using var response = await http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions())!;
    }
}
