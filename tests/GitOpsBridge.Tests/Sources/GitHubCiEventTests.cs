using System.Net;
using System.Text.Json.Nodes;

namespace GitOpsBridge.Tests.Sources;

/// <summary>CI signals that arrive as GitHub App events: <c>check_suite</c> and <c>repository_dispatch</c>.</summary>
public sealed class GitHubCiEventTests
{
    private const string Config = """
        version: 1
        images:
          hook:
            repository: svendowideit/testhook
          hello:
            repository: registry.example.com/codertocat/hello-world
            ci: { repository: Codertocat/Hello-World, tag: "sha-{sha:7}" }
        environments:
          dev:
            files:
              - { path: envs/dev/hook.yaml, helm: { image: hook, path: image } }
              - { path: envs/dev/hello.yaml, helm: { image: hello, path: image } }
          prod:
            files:
              - { path: envs/prod/hook.yaml, helm: { image: hook, path: image } }
        """;

    private static readonly IReadOnlyDictionary<string, string> Files = new Dictionary<string, string>
    {
        [".github/gitops-bridge.yml"] = Config,
        ["envs/dev/hook.yaml"] = "image:\n  repository: svendowideit/testhook\n  tag: 1.0.0\n",
        ["envs/prod/hook.yaml"] = "image:\n  repository: svendowideit/testhook\n  tag: 1.0.0\n",
        ["envs/dev/hello.yaml"] = "image:\n  repository: registry.example.com/codertocat/hello-world\n  tag: sha-0000000\n",
    };

    private static JsonObject Fixture(string name, long installationId)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "payloads", "github", name)))!.AsObject();
        json["installation"] = new JsonObject { ["id"] = installationId };
        return json;
    }

    [Fact]
    public async Task RepositoryDispatch_WithImageAndEnvironment_UpdatesOnlyThatEnvironment()
    {
        await using var s = await SourceScenario.StartAsync(Files, []);
        var dispatch = Fixture("repository_dispatch.json", s.AcmeInstallationId);
        dispatch["action"] = "gitops-bridge";
        dispatch["client_payload"] = new JsonObject { ["image"] = "svendowideit/testhook", ["tag"] = "1.1.0", ["environment"] = "prod" };
        var empty = Fixture("repository_dispatch.json", s.AcmeInstallationId);
        var unsafeTag = Fixture("repository_dispatch.json", s.AcmeInstallationId);
        unsafeTag["client_payload"] = new JsonObject { ["image"] = "svendowideit/testhook", ["tag"] = "1.1.0\nx: y" };

        await s.Bridge.PostAsync("repository_dispatch", dispatch.ToJsonString(), "dispatch");
        await s.Bridge.PostAsync("repository_dispatch", empty.ToJsonString(), "empty");
        await s.Bridge.PostAsync("repository_dispatch", unsafeTag.ToJsonString(), "unsafe");
        var delivery = await s.Bridge.WaitForDeliveryAsync("dispatch");

        Assert.Equal("done", delivery.GetProperty("status").GetString());
        var target = Assert.Single(delivery.GetProperty("targets").EnumerateArray());
        Assert.Equal("prod", target.GetProperty("environment").GetString());
        var pr = Assert.Single(s.GitHub.GetPullRequests("acme", "gitops"));
        var files = await s.GitHub.ReadFilesAsync("acme", "gitops", pr.Head);
        Assert.Contains("tag: 1.1.0", files["envs/prod/hook.yaml"], StringComparison.Ordinal);
        Assert.Contains("tag: 1.0.0", files["envs/dev/hook.yaml"], StringComparison.Ordinal);
        Assert.Equal("not-an-image", (await s.Bridge.WaitForDeliveryAsync("empty")).GetProperty("reasonCode").GetString());
        var rejected = await s.Bridge.WaitForDeliveryAsync("unsafe");
        Assert.Equal(("rejected", "invalid-event"), (rejected.GetProperty("status").GetString(), rejected.GetProperty("reasonCode").GetString()));
    }

    [Fact]
    public async Task CheckSuite_FromAnotherCi_OpensPullRequest_AndTheWorkflowRunOfTheSameCommitIsADuplicate()
    {
        await using var s = await SourceScenario.StartAsync(Files, []);
        var suite = Fixture("check_suite.completed.json", s.AcmeInstallationId);
        var failedSuite = Fixture("check_suite.completed.json", s.AcmeInstallationId);
        failedSuite["check_suite"]!["conclusion"] = "failure";
        var run = Fixture("workflow_run.completed.json", s.AcmeInstallationId);
        run["repository"]!["full_name"] = "Codertocat/Hello-World";
        run["workflow_run"]!["head_sha"] = suite["check_suite"]!["head_sha"]!.GetValue<string>();

        await s.Bridge.PostAsync("check_suite", failedSuite.ToJsonString(), "suite-failed");
        await s.Bridge.PostAsync("check_suite", suite.ToJsonString(), "suite");
        var suiteDelivery = await s.Bridge.WaitForDeliveryAsync("suite");
        await s.Bridge.PostAsync("workflow_run", run.ToJsonString(), "run");
        var runDelivery = await s.Bridge.WaitForDeliveryAsync("run");

        Assert.Equal("ci-not-successful", (await s.Bridge.WaitForDeliveryAsync("suite-failed")).GetProperty("reasonCode").GetString());
        Assert.Equal("done", suiteDelivery.GetProperty("status").GetString());
        var pr = Assert.Single(s.GitHub.GetPullRequests("acme", "gitops"));
        var files = await s.GitHub.ReadFilesAsync("acme", "gitops", pr.Head);
        Assert.Contains("tag: sha-ec26c3e", files["envs/dev/hello.yaml"], StringComparison.Ordinal);
        Assert.Equal(("skipped", "duplicate"), (runDelivery.GetProperty("status").GetString(), runDelivery.GetProperty("reasonCode").GetString()));
    }

    [Fact]
    public async Task CheckSuite_OfGitHubActions_IsLeftToItsWorkflowRun()
    {
        await using var s = await SourceScenario.StartAsync(Files, []);
        var suite = Fixture("check_suite.completed.json", s.AcmeInstallationId);
        suite["check_suite"]!["app"]!["slug"] = "github-actions";

        var response = await s.Bridge.PostAsync("check_suite", suite.ToJsonString(), "actions-suite");
        var delivery = await s.Bridge.WaitForDeliveryAsync("actions-suite");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(("ignored", "duplicate"), (delivery.GetProperty("status").GetString(), delivery.GetProperty("reasonCode").GetString()));
    }
}
