using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Registries;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Sources;

/// <summary>
/// Issue 4, acceptance 1: Debian's real CNCF registry (<c>docker-registry</c>) notifies the bridge
/// with an <c>Authorization</c> header; <c>skopeo</c> pushes an OCI image the test builds (no Docker
/// daemon); the bridge opens the PR on the GitHub emulator.
/// </summary>
public sealed class RegistryEndToEndTests
{
    private static Dictionary<string, string> Files(string image, string extra = "") => new()
    {
        [".github/gitops-bridge.yml"] = $"""
            version: 1
            images:
              app:
                repository: {image}
                digest: pin
            {extra}
            environments:
              dev:
                files:
                  - {"{"} path: app.yaml, helm: {"{"} image: app, path: image {"}"} {"}"}
            """,
        ["app.yaml"] = $"image:\n  repository: {image}\n  tag: 0.9.0\n",
    };

    [RegistryFact]
    public async Task RegistryPush_OpensPullRequestPinnedToTheRegistrysDigest_ARepushAndAPullChangeNothing()
    {
        var port = BridgeServer.FreePort();
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions
        {
            NotificationUrl = new Uri($"http://127.0.0.1:{port}/api/registries/local"),
            NotificationHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + SourceScenario.Secret },
        });
        var image = $"{registry.Host}/team/app";
        await using var s = await SourceScenario.StartAsync(Files(image), [("local", "distribution")], port: port);

        var layout = Directory.CreateTempSubdirectory("oci-").FullName;
        var built = OciImage.Create(layout);
        var digest = await registry.PushAsync("team/app", "1.0.0", built);
        var pr = await SourceScenario.EventuallyAsync(() => Task.FromResult(s.GitHub.GetPullRequests("acme", "gitops").SingleOrDefault()), "the pull request");
        var files = await s.GitHub.ReadFilesAsync("acme", "gitops", pr.Head);
        var pushed = await SourceScenario.EventuallyAsync(
            async () => (await s.Store.ListDeliveriesAsync(50)).SingleOrDefault(d => d.Source == "local" && d.Status == DeliveryStatus.Done), "the push's outcome");
        var commits = (await s.GitHub.GetCommitsAsync("acme", "gitops", pr.Head)).Count;

        Assert.Equal($"image:\n  repository: {image}\n  tag: 1.0.0@{digest}\n", files["app.yaml"]);
        Assert.Equal(digest, await registry.InspectDigestAsync("team/app", "1.0.0"));
        Assert.Empty(s.GitHub.GetPullRequests("othercorp", "gitops"));

        // The same image pushed again under the same tag, and a pull: stored, explained, nothing changes.
        await registry.PushAsync("team/app", "1.0.0", built);
        var repeat = await SourceScenario.EventuallyAsync(
            async () => (await s.Store.ListDeliveriesAsync(50)).FirstOrDefault(d => d.Source == "local" && d.Id != pushed.Id && d.Status == DeliveryStatus.Skipped),
            "the repeated push's outcome");
        await registry.PullManifestAsync("team/app", "1.0.0");
        var pull = await SourceScenario.EventuallyAsync(
            async () => (await s.Store.ListDeliveriesAsync(50)).FirstOrDefault(d => d.Source == "local" && d.Status == DeliveryStatus.Ignored && d.ReasonCode == "not-a-push"),
            "the pull's outcome");

        Assert.Equal("duplicate", repeat.ReasonCode);
        Assert.Contains("pull", pull.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Single(s.GitHub.GetPullRequests("acme", "gitops"));
        Assert.Equal(commits, (await s.GitHub.GetCommitsAsync("acme", "gitops", pr.Head)).Count);
        Assert.DoesNotContain(SourceScenario.Secret, s.Bridge.Logs.Text, StringComparison.Ordinal);
        s.GitHub.AssertNoSpecViolations();
    }

    [RegistryFact]
    public async Task CiRunWithVerify_WaitsUntilTheRegistryHasTheTag_ThenPinsTheResolvedDigest()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions());
        var image = $"{registry.Host}/gitlab-org/gitlab-test";
        var ci = "    ci: { repository: gitlab-org/gitlab-test, tag: \"sha-{sha:8}\", verify: true }";
        await using var s = await SourceScenario.StartAsync(Files(image, ci), [("gitlab", "gitlab")], new Dictionary<string, string?>
        {
            ["Registries:Hosts:local:Host"] = registry.Host,
            ["Registries:Hosts:local:Insecure"] = "true",
            ["Registries:CacheDuration"] = "00:00:00",
        });
        var pipeline = File.ReadAllText(Path.Combine(Fixtures.Root, "payloads", "gitlab", "pipeline-hook.go-playground.json"));

        var response = await s.PostAsync($"/api/ci/gitlab?token={SourceScenario.Secret}", pipeline);
        var id = await s.IdOfAsync(response);
        var waiting = await SourceScenario.EventuallyAsync(
            async () => (await s.Store.ListJobsAsync(10)).FirstOrDefault(j => j.Key == id && j.LastError is not null), "a retry while the tag is missing");
        var digest = await registry.PushAsync("gitlab-org/gitlab-test", "sha-bcbb5ec3");
        var delivery = await s.Bridge.WaitForDeliveryAsync(id, TimeSpan.FromSeconds(60));

        Assert.Contains("not in the registry yet", waiting.LastError, StringComparison.Ordinal);
        Assert.Equal("done", delivery.GetProperty("status").GetString());
        var pr = Assert.Single(s.GitHub.GetPullRequests("acme", "gitops"));
        var files = await s.GitHub.ReadFilesAsync("acme", "gitops", pr.Head);
        Assert.Equal($"image:\n  repository: {image}\n  tag: sha-bcbb5ec3@{digest}\n", files["app.yaml"]);
    }
}
