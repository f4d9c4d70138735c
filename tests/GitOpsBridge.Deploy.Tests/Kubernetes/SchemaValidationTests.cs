using k8s;
using k8s.Models;

namespace GitOpsBridge.Deploy.Tests.Kubernetes;

/// <summary>
/// Every rendered object is valid against the Kubernetes schema, offline, by two checks that
/// catch different mistakes: KubernetesClient's strict load rejects unknown fields (a typo such as
/// `readOnlyRootFileSystem` would otherwise be silently dropped by the API server), and
/// kubernetes-models' validate() rejects missing required fields and wrong types.
/// </summary>
public sealed class SchemaValidationTests
{
    [KustomizeTheory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public async Task StrictLoad_EveryOverlay_EveryObjectIsTyped(string overlay)
    {
        var yaml = await Overlays.RenderYamlAsync(overlay);
        var documents = YamlDocuments.Parse(yaml);

        var loaded = KubernetesYaml.LoadAllFromString(yaml, strict: true);

        Assert.Equal(documents.Count, loaded.Count);
        Assert.All(loaded, o => Assert.IsAssignableFrom<IKubernetesObject>(o));
        Assert.Equal(
            documents.Select(RenderedObjects.Kind),
            loaded.Cast<IKubernetesObject>().Select(o => o.Kind));
        var deployment = Assert.Single(loaded.OfType<V1Deployment>());
        Assert.True(deployment.Spec.Template.Spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem);
    }

    [KustomizeFact]
    public async Task StrictLoad_UnknownField_Fails()
    {
        var yaml = await Overlays.RenderYamlAsync(Overlays.Single);
        var misspelt = yaml.Replace("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true", StringComparison.Ordinal);
        Assert.NotEqual(yaml, misspelt);

        var error = Assert.ThrowsAny<YamlDotNet.Core.YamlException>(() => KubernetesYaml.LoadAllFromString(misspelt, strict: true));

        Assert.Contains("readOnlyRootFileSystem", error.ToString(), StringComparison.Ordinal);
        // The lenient load, like a server without field validation, accepts it and loses the setting.
        var lenient = KubernetesYaml.LoadAllFromString(misspelt).OfType<V1Deployment>().Single();
        Assert.Null(lenient.Spec.Template.Spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem);
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public async Task Models_EveryOverlay_EveryObjectValidates(string overlay)
    {
        var objects = await Overlays.RenderAsync(overlay);

        var result = await KubernetesModels.ValidateAsync(objects);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(objects.Count, result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }

    [KustomizeFact]
    public async Task Models_DeploymentWithoutSelector_Fails()
    {
        var deployment = (await Overlays.RenderAsync(Overlays.Single)).Single("Deployment").DeepClone().AsObject();
        deployment["spec"]!.AsObject().Remove("selector");

        var result = await KubernetesModels.ValidateAsync([deployment]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("must have required property selector", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_UnknownKind_FailsRatherThanPasses()
    {
        var unknown = JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}""")!.AsObject();

        var result = await KubernetesModels.ValidateAsync([unknown]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no model for apiVersion example.com/v1 kind Widget", result.StdOut, StringComparison.Ordinal);
    }
}
