namespace GitOpsBridge.Deploy.Tests.Kubernetes;

/// <summary>
/// Dogfooding: the bridge's own CLI moves the image tag in these manifests, the edit it would
/// propose as a pull request when a new bridge image is pushed, and the overlays still render.
/// </summary>
public sealed class SelfUpgradeTests
{
    [KustomizeFact]
    public async Task Apply_NewBridgeImage_EveryOverlayRendersTheNewTag()
    {
        using var temp = new TempDirectory();
        temp.CopyFrom(RepositoryPaths.Manifests, "manifests");
        var cli = Path.Combine(AppContext.BaseDirectory, "gitops-bridge.dll");

        var result = await ProcessRunner.RunAsync(
            "dotnet",
            temp.Path,
            [cli, "apply", "--repo", temp.Path, "--image", "ghcr.io/gitops-bridge/gitops-bridge:0.2.0", "--discover"]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("manifests/overlays/single/kustomization.yaml", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("manifests/overlays/ha/kustomization.yaml", result.StdErr, StringComparison.Ordinal);
        foreach (var overlay in new[] { Overlays.Single, Overlays.Ha })
        {
            var objects = YamlDocuments.Parse(await Kustomize.RenderAsync(Path.Combine(temp.Path, "manifests", "overlays", overlay)));
            Assert.Equal("ghcr.io/gitops-bridge/gitops-bridge:0.2.0", (string)objects.Container()["image"]!);
        }

        // The base names the image without a tag on purpose: the overlays own the version.
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Manifests, "base", "deployment.yaml")),
            await File.ReadAllTextAsync(Path.Combine(temp.Path, "manifests", "base", "deployment.yaml")));
    }
}
