using System.Text.Json.Nodes;

namespace GitOpsBridge.Tests.Sources;

/// <summary>
/// Each CI source through the real service: its fixture (or, for Jenkins and Spinnaker, which have
/// none, a body in the documented format) succeeds into a PR with the config's tag template, and the
/// same body as a failure is skipped.
/// </summary>
public sealed class CiSourceTests
{
    private const string JenkinsFinalized = """
        {"name":"api","display_name":"api","url":"job/platform/job/api/",
         "build":{"full_url":"https://ci.example.com/job/platform/job/api/57/","number":57,"phase":"FINALIZED","status":"SUCCESS","url":"job/platform/job/api/57/",
                  "scm":{"url":"https://github.com/acme/api.git","branch":"origin/main","commit":"9f2c1e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e"}}}
        """;

    // echo's webhook notification (https://spinnaker.io/docs/guides/user/pipeline/notifications/), git-triggered.
    private const string SpinnakerComplete = """
        {"details":{"source":"orca","type":"orca:pipeline:complete","application":"api"},
         "content":{"execution":{"type":"PIPELINE","id":"01JDQ6W4N4S5Y2V8R3T1K9M7PA","application":"api","name":"deploy-staging","status":"SUCCEEDED",
           "trigger":{"type":"git","user":"jane","source":"github","project":"acme","slug":"api","branch":"main","hash":"0123456789abcdef0123456789abcdef01234567","action":"push","buildNumber":12}},
          "executionId":"01JDQ6W4N4S5Y2V8R3T1K9M7PA"}}
        """;

    public static TheoryData<string, string, string, string> Runs() => new()
    {
        // kind, project as the parser reports it, the commit, the failure's JSON path and value
        { "gitlab", "gitlab-org/gitlab-test", "bcbb5ec", "object_attributes.status=failed" },
        { "azuredevops", "be9b3917-87e6-42a4-a549-2bc06a7a878f", "600c52d", "resource.status=failed" },
        { "circleci", "circleci/webhook-service", "1dc6aa6", "workflow.status=failed" },
        { "jenkins", "platform/api", "9f2c1e8", "build.status=FAILURE" },
        { "spinnaker", "api", "0123456", "content.execution.status=TERMINAL" },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task CiSource_SuccessOpensPullRequestWithTemplatedTag_FailureIsSkipped(string kind, string project, string sha7, string failure)
    {
        var config = $"""
            version: 1
            images:
              app:
                repository: registry.example.com/acme/app
                ci: {"{"} repository: "{project}", tag: "sha-{"{"}sha:7{"}"}" {"}"}
            environments:
              dev:
                files:
                  - {"{"} path: app.yaml, helm: {"{"} image: app, path: image {"}"} {"}"}
            """;
        var files = new Dictionary<string, string>
        {
            [".github/gitops-bridge.yml"] = config,
            ["app.yaml"] = "image:\n  repository: registry.example.com/acme/app\n  tag: sha-0000000\n",
        };
        await using var s = await SourceScenario.StartAsync(files, [("ci", kind)]);
        var success = Body(kind);
        var failed = JsonNode.Parse(success)!;
        var (path, value) = (failure[..failure.IndexOf('=', StringComparison.Ordinal)], failure[(failure.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var node = failed;
        foreach (var part in path.Split('.')[..^1])
        {
            node = node[part]!;
        }

        node[path.Split('.')[^1]] = value;
        // A failed run is another delivery: another vendor id where the body carries one.
        if (failed["id"] is not null)
        {
            failed["id"] = Guid.NewGuid().ToString();
        }

        if (kind == "spinnaker")
        {
            failed["details"]!["type"] = "orca:pipeline:failed";
        }

        var path2 = $"/api/ci/ci?token={SourceScenario.Secret}";
        var failedId = await s.IdOfAsync(await s.PostAsync(path2, failed.ToJsonString()));
        var okId = await s.IdOfAsync(await s.PostAsync(path2, success));
        var failedDelivery = await s.Bridge.WaitForDeliveryAsync(failedId);
        var okDelivery = await s.Bridge.WaitForDeliveryAsync(okId);

        Assert.Equal(("skipped", "ci-not-successful"), (failedDelivery.GetProperty("status").GetString(), failedDelivery.GetProperty("reasonCode").GetString()));
        Assert.True(okDelivery.GetProperty("status").GetString() == "done", okDelivery.ToString());
        var pr = Assert.Single(s.GitHub.GetPullRequests("acme", "gitops"));
        var edited = await s.GitHub.ReadFilesAsync("acme", "gitops", pr.Head);
        Assert.Equal($"image:\n  repository: registry.example.com/acme/app\n  tag: sha-{sha7}\n", edited["app.yaml"]);
        Assert.Empty(s.GitHub.GetPullRequests("othercorp", "gitops"));
    }

    private static string Body(string kind) => kind switch
    {
        "gitlab" => Fixture("gitlab", "pipeline-hook.go-playground.json"),
        "azuredevops" => Fixture("azuredevops", "build.complete.go-playground.json"),
        "circleci" => Fixture("circleci", "workflow-completed.github-oauth.docs.json"),
        "jenkins" => JenkinsFinalized,
        _ => SpinnakerComplete,
    };

    private static string Fixture(string vendor, string file) => File.ReadAllText(Path.Combine(Fixtures.Root, "payloads", vendor, file));
}
