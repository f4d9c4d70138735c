using System.Collections.Concurrent;

namespace GitOpsBridge.Deploy.Tests.Support;

/// <summary>The deployable renders of manifests/: each overlay, and ha with the ingress component.</summary>
internal static class Overlays
{
    public const string Single = "single";
    public const string Ha = "ha";
    public const string HaWithIngress = "ha+ingress";

    public static readonly TheoryData<string> All = new(Single, Ha, HaWithIngress);

    // Rendering is deterministic, so each one runs once per test run.
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Rendered = new();

    public static Task<string> RenderYamlAsync(string overlay) =>
        Rendered.GetOrAdd(overlay, name => new Lazy<Task<string>>(() => RenderUncachedAsync(name))).Value;

    public static async Task<IReadOnlyList<JsonObject>> RenderAsync(string overlay) =>
        YamlDocuments.Parse(await RenderYamlAsync(overlay));

    private static async Task<string> RenderUncachedAsync(string overlay)
    {
        if (overlay != HaWithIngress)
        {
            return await Kustomize.RenderAsync(Path.Combine(RepositoryPaths.Manifests, "overlays", overlay));
        }

        // What docs/deploy-kubernetes.md tells an operator to write: an overlay of ha with the
        // component. kustomize refuses absolute paths, so the temp overlay points back relatively.
        using var temp = new TempDirectory();
        var manifests = Path.GetRelativePath(temp.Path, RepositoryPaths.Manifests);
        temp.Write("kustomization.yaml", $"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: gitops-bridge
            resources:
              - {manifests}/overlays/ha
            components:
              - {manifests}/components/ingress
            """);
        return await Kustomize.RenderAsync(temp.Path);
    }
}

/// <summary>Lookups over rendered objects.</summary>
internal static class RenderedObjects
{
    public static JsonObject Single(this IReadOnlyList<JsonObject> objects, string kind) =>
        Assert.Single(objects, o => Kind(o) == kind);

    public static IEnumerable<JsonObject> OfKind(this IReadOnlyList<JsonObject> objects, string kind) =>
        objects.Where(o => Kind(o) == kind);

    public static string Kind(JsonObject o) => (string)o["kind"]!;

    public static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;

    public static JsonObject PodSpec(this IReadOnlyList<JsonObject> objects) =>
        objects.Single("Deployment")["spec"]!["template"]!["spec"]!.AsObject();

    public static JsonObject Container(this IReadOnlyList<JsonObject> objects) =>
        Assert.Single(objects.PodSpec()["containers"]!.AsArray())!.AsObject();

    /// <summary>The data of the generated ConfigMap the container reads its settings from.</summary>
    public static JsonObject Settings(this IReadOnlyList<JsonObject> objects)
    {
        var name = (string)objects.Container()["envFrom"]![0]!["configMapRef"]!["name"]!;
        return objects.OfKind("ConfigMap").Single(c => Name(c) == name)["data"]!.AsObject();
    }
}
