namespace GitOpsBridge.Deploy.Tests.Kubernetes;

/// <summary>
/// The Argo CD Application and the Flux objects that deploy the bridge. They are custom resources,
/// which KubernetesClient has no types for; @kubernetes-models/argo-cd and @kubernetes-models/flux-cd
/// carry their schemas, and the fields that tie them to this repository are checked here.
/// </summary>
public sealed class GitOpsControllerTests
{
    private static readonly string ArgoCdFile = Path.Combine("manifests", "argocd", "application.yaml");
    private static readonly string FluxFile = Path.Combine("manifests", "flux", "gitops-bridge.yaml");

    [Fact]
    public async Task ArgoCd_Application_ValidatesAndDeploysTheHaOverlay()
    {
        var objects = await LoadAsync(ArgoCdFile);

        var result = await KubernetesModels.ValidateAsync(objects);

        Assert.True(result.ExitCode == 0, result.Output);
        var application = objects.Single("Application");
        Assert.Equal("argoproj.io/v1alpha1", (string)application["apiVersion"]!);
        var source = application["spec"]!["source"]!;
        Assert.Equal("manifests/overlays/ha", (string)source["path"]!);
        Assert.True(File.Exists(RepositoryPaths.Of((string)source["path"]!, "kustomization.yaml")));
        Assert.StartsWith("https://", (string)source["repoURL"]!, StringComparison.Ordinal);
        Assert.Equal("gitops-bridge", (string)application["spec"]!["destination"]!["namespace"]!);
        Assert.True((bool)application["spec"]!["syncPolicy"]!["automated"]!["prune"]!);
    }

    [Fact]
    public async Task ArgoCd_ApplicationWithoutDestination_Fails()
    {
        var application = (await LoadAsync(ArgoCdFile)).Single("Application");
        application["spec"]!.AsObject().Remove("destination");

        var result = await KubernetesModels.ValidateAsync([application]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("must have required property destination", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flux_SourceAndKustomization_ValidateAndDeployTheHaOverlay()
    {
        var objects = await LoadAsync(FluxFile);

        var result = await KubernetesModels.ValidateAsync(objects);

        Assert.True(result.ExitCode == 0, result.Output);
        var repository = objects.Single("GitRepository");
        var kustomization = objects.Single("Kustomization");
        Assert.Equal("source.toolkit.fluxcd.io/v1", (string)repository["apiVersion"]!);
        Assert.Equal("kustomize.toolkit.fluxcd.io/v1", (string)kustomization["apiVersion"]!);
        var sourceRef = kustomization["spec"]!["sourceRef"]!;
        Assert.Equal("GitRepository", (string)sourceRef["kind"]!);
        Assert.Equal(RenderedObjects.Name(repository), (string)sourceRef["name"]!);
        var path = ((string)kustomization["spec"]!["path"]!).TrimStart('.', '/');
        Assert.Equal("manifests/overlays/ha", path);
        Assert.True(File.Exists(RepositoryPaths.Of(path, "kustomization.yaml")));
        Assert.True((bool)kustomization["spec"]!["prune"]!);
    }

    [Fact]
    public async Task Flux_KustomizationWithoutSourceRef_Fails()
    {
        var kustomization = (await LoadAsync(FluxFile)).Single("Kustomization");
        kustomization["spec"]!.AsObject().Remove("sourceRef");

        var result = await KubernetesModels.ValidateAsync([kustomization]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("must have required property sourceRef", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Flux_Directory_HasNoKustomizeBuildFile()
    {
        // A kustomization.yaml here would make kustomize and Flux read the directory as a build,
        // not as the Flux objects it holds.
        Assert.False(File.Exists(RepositoryPaths.Of("manifests", "flux", "kustomization.yaml")));
        Assert.False(File.Exists(RepositoryPaths.Of("manifests", "argocd", "kustomization.yaml")));
    }

    [Fact]
    public async Task GitOpsControllers_Files_HoldNoSecretValue()
    {
        var objects = (await LoadAsync(ArgoCdFile)).Concat(await LoadAsync(FluxFile));

        Assert.Empty(SecretScan.Find(objects));
    }

    private static async Task<IReadOnlyList<JsonObject>> LoadAsync(string relativePath) =>
        YamlDocuments.Parse(await File.ReadAllTextAsync(RepositoryPaths.Of(relativePath)));
}
