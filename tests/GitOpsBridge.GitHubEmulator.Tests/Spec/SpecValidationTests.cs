using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GitOpsBridge.GitHubEmulator.Tests.Spec;

public sealed class SpecValidationTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Request_BodyWithWrongType_FailsWith500AndIsRecorded()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("feature");
        using var http = scenario.Http();

        // draft must be a boolean.
        using var response = await http.PostAsync("repos/acme/gitops/pulls", Json("""{"title":"t","head":"feature","base":"main","draft":"yes"}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("request body $.draft: expected boolean, got string", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var violation = Assert.Single(scenario.GitHub.SpecViolations);
        Assert.Equal(SpecViolationKind.Request, violation.Kind);
        Assert.Equal("pulls/create", violation.OperationId);
        Assert.Empty(scenario.GitHub.GetPullRequests(Scenario.Owner, Scenario.Repo));
    }

    [Fact]
    public async Task Request_MissingRequiredBodyField_IsRecorded()
    {
        await using var scenario = await Scenario.StartAsync(new GitHubEmulatorOptions { ViolationMode = SpecViolationMode.Record });
        var pull = await OpenPullRequestAsync(scenario);
        using var http = scenario.Http();

        using var response = await http.PostAsync($"repos/acme/gitops/issues/{pull}/comments", Json("""{"text":"hello"}"""));

        var violation = Assert.Single(scenario.GitHub.SpecViolations);
        Assert.Contains("required property 'body' is missing", violation.Message, StringComparison.Ordinal);
        // In Record mode the emulator still answers as GitHub would.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Request_UndocumentedQueryParameterAndBadInteger_AreRecorded()
    {
        await using var scenario = await Scenario.StartAsync(new GitHubEmulatorOptions { ViolationMode = SpecViolationMode.Record });
        using var http = scenario.Http();

        using var response = await http.GetAsync("repos/acme/gitops/pulls?status=open&per_page=ten");

        var message = Assert.Single(scenario.GitHub.SpecViolations).Message;
        Assert.Contains("query parameter 'status' is not documented", message, StringComparison.Ordinal);
        Assert.Contains("query parameter 'per_page': \"ten\" is not a integer", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_UndocumentedPath_IsViolation()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = scenario.Http();

        using var response = await http.GetAsync("repos/acme/gitops/pull-requests");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(SpecViolationKind.UndocumentedOperation, Assert.Single(scenario.GitHub.SpecViolations).Kind);
    }

    [Fact]
    public async Task Request_DocumentedButNotEmulated_IsViolation()
    {
        await using var scenario = await Scenario.StartAsync(new GitHubEmulatorOptions { ViolationMode = SpecViolationMode.Record });
        using var http = scenario.Http();

        using var response = await http.GetAsync("repos/acme/gitops/branches");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var violation = Assert.Single(scenario.GitHub.SpecViolations);
        Assert.Equal(SpecViolationKind.NotEmulated, violation.Kind);
        Assert.Equal("repos/list-branches", violation.OperationId);
    }

    [Fact]
    public async Task Response_MissingRequiredField_IsCaught()
    {
        await using var scenario = await Scenario.StartAsync();
        var number = await OpenPullRequestAsync(scenario);
        scenario.GitHub.ResponseTamper = (route, body) =>
        {
            if (route != GitHubRoutes.GetPullRequest)
            {
                return body;
            }

            var json = JsonNode.Parse(body)!.AsObject();
            json.Remove("mergeable_state");
            json["head"]!["sha"] = 42;
            return Encoding.UTF8.GetBytes(json.ToJsonString());
        };
        using var http = scenario.Http();

        using var response = await http.GetAsync($"repos/acme/gitops/pulls/{number}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var violation = Assert.Single(scenario.GitHub.SpecViolations);
        Assert.Equal(SpecViolationKind.Response, violation.Kind);
        Assert.Contains("$: required property 'mergeable_state' is missing", violation.Message, StringComparison.Ordinal);
        Assert.Contains("$.head.sha: expected string, got integer 42", violation.Message, StringComparison.Ordinal);
        Assert.Throws<SpecViolationException>(scenario.GitHub.AssertNoSpecViolations);
    }

    [Fact]
    public async Task Response_UndocumentedStatus_IsCaught()
    {
        await using var scenario = await Scenario.StartAsync(new GitHubEmulatorOptions { ViolationMode = SpecViolationMode.Record });
        scenario.GitHub.ResponseTamper = (route, body) => body;
        using var http = scenario.Http();

        // pulls/create documents 201, 403 and 422; a 400 for bad JSON is not among them.
        using var response = await http.PostAsync("repos/acme/gitops/pulls", Json("{not json"));

        Assert.Contains(scenario.GitHub.SpecViolations, v => v.Kind == SpecViolationKind.Response && v.Message.Contains("status 400 is not documented", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validation_Off_RecordsNothing()
    {
        await using var scenario = await Scenario.StartAsync(new GitHubEmulatorOptions { ValidateAgainstSpec = false });
        using var http = scenario.Http();

        using var response = await http.GetAsync("repos/acme/gitops/pull-requests");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(scenario.GitHub.SpecViolations);
    }

    [Fact]
    public void SpecLoad_IsOncePerProcess()
    {
        Assert.Same(GitOpsBridge.GitHubEmulator.Spec.OpenApiDescription.Instance, GitOpsBridge.GitHubEmulator.Spec.OpenApiDescription.Instance);
        Assert.NotNull(GitHubEmulator.SpecLoadTime);
    }

    private static async Task<int> OpenPullRequestAsync(Scenario scenario)
    {
        await scenario.PushBranchAsync("feature");
        var pull = await scenario.Octokit().PullRequest.Create(Scenario.Owner, Scenario.Repo, new Octokit.NewPullRequest("Update api", "feature", "main"));
        return pull.Number;
    }
}
