using System.Text.Json;

namespace GitOpsBridge.Deploy.Tests.Support;

/// <summary>
/// Runs validate-k8s.mjs: the npm package kubernetes-models (and its Argo CD and Flux siblings)
/// validates each object against its schema. scripts/install-npm-deps.sh installs them.
/// </summary>
internal static class KubernetesModels
{
    public static async Task<ProcessResult> ValidateAsync(IEnumerable<JsonObject> objects)
    {
        Assert.True(
            Directory.Exists(Path.Combine(RepositoryPaths.NodeModules, "kubernetes-models")),
            $"kubernetes-models is missing from {RepositoryPaths.NodeModules}: run scripts/install-npm-deps.sh");
        var script = RepositoryPaths.Of("tests", "GitOpsBridge.Deploy.Tests", "validate-k8s.mjs");
        var input = new JsonArray(objects.Select(o => o.DeepClone()).ToArray()).ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        return await ProcessRunner.RunAsync("node", RepositoryPaths.Root, [script, RepositoryPaths.NodeModules], stdin: input);
    }
}
