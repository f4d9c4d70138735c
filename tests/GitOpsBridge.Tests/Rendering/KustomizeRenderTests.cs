namespace GitOpsBridge.Tests.Rendering;

/// <summary>Kustomizations edited by the bridge, rendered by the real kustomize v5.</summary>
public sealed class KustomizeRenderTests
{
    private const string Service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo\nspec:\n  ports:\n  - port: 9898\n";
    private const string Hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: podinfo\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: podinfo\n  maxReplicas: 4\n";

    [KustomizeFact]
    public void Apply_KustomizationWithoutImages_AddedEntryRendersTheNewImage()
    {
        using var repo = new TempRepository();
        repo.Write(".github/gitops-bridge.yml", "version: 1\nimages:\n  podinfo: { repository: ghcr.io/stefanprodan/podinfo }\nenvironments:\n  dev:\n    files: [ { path: kustomize/kustomization.yaml, kustomize: { image: podinfo } } ]\n");
        repo.Write("kustomize/kustomization.yaml", Fixtures.Yaml("podinfo/kustomize__kustomization.yaml"));
        repo.Write("kustomize/deployment.yaml", Fixtures.Yaml("podinfo/kustomize__deployment.yaml"));
        repo.Write("kustomize/service.yaml", Service);
        repo.Write("kustomize/hpa.yaml", Hpa);
        Assert.Contains("image: ghcr.io/stefanprodan/podinfo:6.14.1", Kustomize.Render(Path.Combine(repo.Root, "kustomize")), StringComparison.Ordinal);

        var (exit, _, stderr) = CliRunner.Run("apply", "--repo", repo.Root, "--image", "ghcr.io/stefanprodan/podinfo:6.15.0");

        Assert.Equal(0, exit);
        Assert.DoesNotContain("skipped", stderr, StringComparison.Ordinal);
        var rendered = Kustomize.Render(Path.Combine(repo.Root, "kustomize"));
        Assert.Contains("image: ghcr.io/stefanprodan/podinfo:6.15.0", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("podinfo:6.14.1", rendered, StringComparison.Ordinal);
    }

    [KustomizeFact]
    public void Apply_OverlayEntryThroughNewName_RendersNewNameAndTag()
    {
        using var repo = new TempRepository();
        repo.Write("base/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n");
        repo.Write("base/deployment.yaml", Fixtures.Yaml("podinfo/kustomize__deployment.yaml"));
        repo.Write("overlays/prod/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\nimages:\n  - name: ghcr.io/stefanprodan/podinfo\n    newName: registry.example.com/mirror/podinfo # our mirror\n    newTag: 6.14.1\n");

        var (exit, _, _) = CliRunner.Run("apply", "--repo", repo.Root, "--image", "registry.example.com/mirror/podinfo:6.15.0", "--discover");

        Assert.Equal(0, exit);
        Assert.Contains("newName: registry.example.com/mirror/podinfo # our mirror\n    newTag: 6.15.0\n", repo.Read("overlays/prod/kustomization.yaml"), StringComparison.Ordinal);
        Assert.Contains("image: registry.example.com/mirror/podinfo:6.15.0", Kustomize.Render(Path.Combine(repo.Root, "overlays", "prod")), StringComparison.Ordinal);
    }

    [KustomizeFact]
    public void Apply_FixtureKustomizationsWithDigest_RenderPinnedImage()
    {
        using var repo = new TempRepository();
        var digest = "sha256:" + new string('c', 64);
        repo.Write(".github/gitops-bridge.yml", "version: 1\nimages:\n  podinfo: { repository: ghcr.io/stefanprodan/podinfo, digest: pin }\nenvironments:\n  dev:\n    files: [ { path: app/kustomization.yaml, kustomize: { image: podinfo } } ]\n");
        repo.Write("app/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\nimages:\n- name: ghcr.io/stefanprodan/podinfo\n  newTag: 6.14.1\n");
        repo.Write("app/deployment.yaml", Fixtures.Yaml("podinfo/kustomize__deployment.yaml"));

        Assert.Equal(0, CliRunner.Run("apply", "--repo", repo.Root, "--image", $"ghcr.io/stefanprodan/podinfo:6.15.0@{digest}").Exit);

        Assert.Contains($"image: ghcr.io/stefanprodan/podinfo:6.15.0@{digest}", Kustomize.Render(Path.Combine(repo.Root, "app")), StringComparison.Ordinal);
    }

    [KustomizeFact]
    public void Apply_ComponentWithEntries_RendersThroughTheComponent()
    {
        using var repo = new TempRepository();
        repo.Write("app/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\ncomponents:\n- ../tag\n");
        repo.Write("app/deployment.yaml", Fixtures.Yaml("podinfo/kustomize__deployment.yaml"));
        repo.Write("tag/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n- name: ghcr.io/stefanprodan/podinfo\n  newTag: 6.14.1\n");

        Assert.Equal(0, CliRunner.Run("apply", "--repo", repo.Root, "--image", "ghcr.io/stefanprodan/podinfo:6.15.0").Exit);

        Assert.Contains("image: ghcr.io/stefanprodan/podinfo:6.15.0", Kustomize.Render(Path.Combine(repo.Root, "app")), StringComparison.Ordinal);
    }
}
