using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Octokit;

namespace GitOpsBridge.GitHubEmulator.Tests.GraphQl;

public sealed class GraphQlApiTests
{
    private const string Enable = """
        mutation Enable($id: ID!, $method: PullRequestMergeMethod!) {
          enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: $method, commitHeadline: "Update api"}) {
            clientMutationId
            pullRequest { id number state ...AutoMerge }
          }
        }
        fragment AutoMerge on PullRequest { autoMergeRequest { mergeMethod enabledAt enabledBy { login } commitHeadline } }
        """;

    private const string Disable = """
        mutation Disable($id: ID!) {
          off: disablePullRequestAutoMerge(input: {pullRequestId: $id}) { pullRequest { id autoMergeRequest { mergeMethod } } }
        }
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static async Task<(Scenario Scenario, int Number, string NodeId)> OpenPullRequestAsync()
    {
        var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("gitops-bridge/dev");
        var pull = await scenario.Octokit().PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("Update api to 1.5.0", "gitops-bridge/dev", "main"));
        return (scenario, pull.Number, pull.NodeId);
    }

    private static async Task<JsonObject> PostAsync(HttpClient http, string query, JsonObject? variables = null, string path = "graphql")
    {
        using var response = await http.PostAsJsonAsync(path, new JsonObject { ["query"] = query, ["variables"] = variables ?? [] }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<JsonObject> RestPullAsync(Scenario scenario, int number)
    {
        using var http = scenario.Http();
        return (await http.GetFromJsonAsync<JsonObject>($"repos/{Scenario.Owner}/{Scenario.Repo}/pulls/{number}").WaitAsync(Timeout))!;
    }

    [Fact]
    public async Task Enable_AllowedRepository_StoresRequestAndAnswersSelection()
    {
        var (scenario, number, nodeId) = await OpenPullRequestAsync();
        await using var _ = scenario;
        using var http = scenario.Http("bearer");

        var answer = await PostAsync(http, Enable, new JsonObject { ["id"] = nodeId, ["method"] = "SQUASH" });

        Assert.Null(answer["errors"]);
        var pullRequest = answer["data"]!["enablePullRequestAutoMerge"]!["pullRequest"]!;
        Assert.Equal(nodeId, (string?)pullRequest["id"]);
        Assert.Equal(number, (int)pullRequest["number"]!);
        Assert.Equal("OPEN", (string?)pullRequest["state"]);
        Assert.Equal("SQUASH", (string?)pullRequest["autoMergeRequest"]!["mergeMethod"]);
        Assert.Equal("gitops-bridge[bot]", (string?)pullRequest["autoMergeRequest"]!["enabledBy"]!["login"]);
        Assert.Equal("Update api", (string?)pullRequest["autoMergeRequest"]!["commitHeadline"]);
        Assert.Null(answer["data"]!["enablePullRequestAutoMerge"]!["clientMutationId"]);
        var stored = scenario.GitHub.GetAutoMergeRequest(Scenario.Owner, Scenario.Repo, number);
        Assert.NotNull(stored);
        Assert.Equal("SQUASH", stored.MergeMethod);
        Assert.Equal(scenario.GitHub.GetPullRequestNodeId(Scenario.Owner, Scenario.Repo, number), nodeId);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Enable_ThenRestGet_ShowsAutoMerge()
    {
        var (scenario, number, nodeId) = await OpenPullRequestAsync();
        await using var _ = scenario;
        using var http = scenario.Http("bearer");
        await PostAsync(http, Enable, new JsonObject { ["id"] = nodeId, ["method"] = "REBASE" });

        var pull = await RestPullAsync(scenario, number);

        Assert.Equal("rebase", (string?)pull["auto_merge"]!["merge_method"]);
        Assert.Equal("gitops-bridge[bot]", (string?)pull["auto_merge"]!["enabled_by"]!["login"]);
        Assert.Equal("Update api", (string?)pull["auto_merge"]!["commit_title"]);
        scenario.GitHub.AssertNoSpecViolations(); // the REST answer with auto_merge set still fits the description
    }

    [Fact]
    public async Task Disable_AfterEnable_ClearsRequest()
    {
        var (scenario, number, nodeId) = await OpenPullRequestAsync();
        await using var _ = scenario;
        using var http = scenario.Http("bearer");
        await PostAsync(http, Enable, new JsonObject { ["id"] = nodeId, ["method"] = "MERGE" });

        var answer = await PostAsync(http, Disable, new JsonObject { ["id"] = nodeId }, path: "api/graphql");

        Assert.Null(answer["errors"]);
        Assert.Null(answer["data"]!["off"]!["pullRequest"]!["autoMergeRequest"]);
        Assert.Null(scenario.GitHub.GetAutoMergeRequest(Scenario.Owner, Scenario.Repo, number));
        Assert.Null((await RestPullAsync(scenario, number))["auto_merge"]);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Enable_RepositoryDisallowsAutoMerge_RefusedWithGitHubsError()
    {
        var (scenario, number, nodeId) = await OpenPullRequestAsync();
        await using var _ = scenario;
        scenario.GitHub.SetAllowAutoMerge(Scenario.Owner, Scenario.Repo, false);
        using var http = scenario.Http("bearer");

        var answer = await PostAsync(http, Enable, new JsonObject { ["id"] = nodeId, ["method"] = "SQUASH" });

        Assert.Null(answer["data"]!["enablePullRequestAutoMerge"]);
        var error = Assert.Single(answer["errors"]!.AsArray())!;
        Assert.Equal("UNPROCESSABLE", (string?)error["type"]);
        Assert.Equal("Pull request Auto merge is not allowed for this repository", (string?)error["message"]);
        Assert.Equal("enablePullRequestAutoMerge", (string?)error["path"]![0]);
        Assert.Null(scenario.GitHub.GetAutoMergeRequest(Scenario.Owner, Scenario.Repo, number));
        Assert.False((await scenario.Octokit().Repository.Get(Scenario.Owner, Scenario.Repo)).AllowAutoMerge);
        scenario.GitHub.AssertNoSpecViolations(); // a refusal is GitHub's behaviour, not a breach
    }

    [Fact]
    public async Task Enable_ClosedPullRequest_Refused()
    {
        var (scenario, number, nodeId) = await OpenPullRequestAsync();
        await using var _ = scenario;
        await scenario.Octokit().PullRequest.Update(Scenario.Owner, Scenario.Repo, number, new PullRequestUpdate { State = ItemState.Closed });
        using var http = scenario.Http("bearer");

        var answer = await PostAsync(http, Enable, new JsonObject { ["id"] = nodeId, ["method"] = "SQUASH" });

        Assert.Equal("Pull request is not in the correct state to enable auto-merge", (string?)answer["errors"]![0]!["message"]);
        Assert.Null(scenario.GitHub.GetAutoMergeRequest(Scenario.Owner, Scenario.Repo, number));
    }

    [Fact]
    public async Task Enable_UnknownNodeId_NotFound()
    {
        var (scenario, _, _) = await OpenPullRequestAsync();
        await using var __ = scenario;
        using var http = scenario.Http("bearer");

        var answer = await PostAsync(http, Enable, new JsonObject { ["id"] = "PR_doesNotExist", ["method"] = "SQUASH" });

        var error = answer["errors"]![0]!;
        Assert.Equal("NOT_FOUND", (string?)error["type"]);
        Assert.Equal("Could not resolve to a node with the global id of 'PR_doesNotExist'", (string?)error["message"]);
    }

    [Fact]
    public async Task Enable_TokenOfAnotherInstallation_NotFound()
    {
        var (scenario, number, nodeId) = await OpenPullRequestAsync();
        await using var _ = scenario;
        await scenario.GitHub.CreateRepositoryAsync("other", "repo", new Dictionary<string, string> { ["README.md"] = "x\n" });
        var other = scenario.GitHub.CreateInstallationToken(scenario.GitHub.CreateInstallation("other", "repo").Id);
        using var http = scenario.Http("bearer", other.Token);

        var answer = await PostAsync(http, Enable, new JsonObject { ["id"] = nodeId, ["method"] = "SQUASH" });

        Assert.Equal("NOT_FOUND", (string?)answer["errors"]![0]!["type"]);
        Assert.Null(scenario.GitHub.GetAutoMergeRequest(Scenario.Owner, Scenario.Repo, number));
    }

    [Fact]
    public async Task Post_DocumentBreakingSchema_AnsweredWithErrorsAndRecorded()
    {
        var (scenario, number, nodeId) = await OpenPullRequestAsync();
        await using var _ = scenario;
        using var http = scenario.Http("bearer");
        var misspelt = Enable.Replace("enabledAt", "enabledOn", StringComparison.Ordinal);

        var answer = await PostAsync(http, misspelt, new JsonObject { ["id"] = nodeId, ["method"] = "SQUASH" });

        Assert.Null(answer["data"]);
        Assert.Contains("enabledOn", (string?)answer["errors"]![0]!["message"], StringComparison.Ordinal);
        var violation = Assert.Single(scenario.GitHub.SpecViolations);
        Assert.Equal(SpecViolationKind.Request, violation.Kind);
        Assert.Contains("breaks GitHub's GraphQL schema", violation.Message, StringComparison.Ordinal);
        Assert.Null(scenario.GitHub.GetAutoMergeRequest(Scenario.Owner, Scenario.Repo, number));
    }

    [Fact]
    public async Task Post_ValidButNotEmulatedQuery_ErrorAndViolation()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = scenario.Http("bearer");

        var answer = await PostAsync(http, "query { viewer { login } }");

        Assert.Null(answer["data"]!["viewer"]);
        Assert.Equal("NOT_EMULATED", (string?)answer["errors"]![0]!["type"]);
        Assert.Contains("query field viewer", Assert.Single(scenario.GitHub.SpecViolations).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NoQuery_ErrorAndViolation()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = scenario.Http("bearer");

        using var response = await http.PostAsJsonAsync("graphql", new JsonObject { ["variables"] = new JsonObject() }).WaitAsync(Timeout);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal("A query attribute must be specified and must be a string.", (string?)answer["errors"]![0]!["message"]);
        Assert.Single(scenario.GitHub.SpecViolations);
    }

    [Fact]
    public async Task Post_WithoutToken_Unauthorized()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = new HttpClient { BaseAddress = scenario.GitHub.BaseAddress };

        using var response = await http.PostAsJsonAsync("graphql", new JsonObject { ["query"] = Disable }).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Post_CountedUnderGraphQlRoute()
    {
        var (scenario, _, nodeId) = await OpenPullRequestAsync();
        await using var _ = scenario;
        using var http = scenario.Http("bearer");
        scenario.GitHub.Calls.Reset();

        await PostAsync(http, Disable, new JsonObject { ["id"] = nodeId });

        Assert.Equal(1, scenario.GitHub.Calls[GitHubRoutes.GraphQl]);
    }
}
