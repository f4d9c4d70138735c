namespace GitOpsBridge.Deploy.Tests.Kubernetes;

/// <summary>What manifests/ renders to with real kustomize: the pod is hardened, healthy and wired.</summary>
public sealed class ManifestRenderingTests
{
    private const string BridgeNamespace = "gitops-bridge";
    private const int AppUid = 1654;

    [KustomizeTheory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public async Task Render_EveryOverlay_PodRunsHardened(string overlay)
    {
        var objects = await Overlays.RenderAsync(overlay);

        var pod = objects.PodSpec();
        var podSecurity = pod["securityContext"]!;
        Assert.True((bool)podSecurity["runAsNonRoot"]!);
        Assert.Equal(AppUid, (int)podSecurity["runAsUser"]!);
        Assert.Equal("RuntimeDefault", (string)podSecurity["seccompProfile"]!["type"]!);
        Assert.False((bool)pod["automountServiceAccountToken"]!);

        var container = objects.Container();
        var security = container["securityContext"]!;
        Assert.True((bool)security["readOnlyRootFilesystem"]!);
        Assert.False((bool)security["allowPrivilegeEscalation"]!);
        Assert.True((bool)security["runAsNonRoot"]!);
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!));
        Assert.Null(security["capabilities"]!["add"]);
        Assert.Equal("RuntimeDefault", (string)security["seccompProfile"]!["type"]!);

        // A read-only root needs writable /tmp and /data, both from volumes.
        var mounts = container["volumeMounts"]!.AsArray().ToDictionary(m => (string)m!["mountPath"]!, m => (string)m!["name"]!);
        var volumes = pod["volumes"]!.AsArray().ToDictionary(v => (string)v!["name"]!, v => v!.AsObject());
        Assert.NotNull(volumes[mounts["/tmp"]]["emptyDir"]);
        Assert.Contains(mounts["/data"], volumes.Keys);

        var resources = container["resources"]!;
        Assert.NotNull(resources["requests"]!["cpu"]);
        Assert.NotNull(resources["requests"]!["memory"]);
        Assert.NotNull(resources["limits"]!["memory"]);
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public async Task Render_EveryOverlay_ProbesAndServiceReachPort8080(string overlay)
    {
        var objects = await Overlays.RenderAsync(overlay);
        var container = objects.Container();

        var port = Assert.Single(container["ports"]!.AsArray())!;
        Assert.Equal(8080, (int)port["containerPort"]!);
        var portName = (string)port["name"]!;
        Assert.Equal("8080", (string)objects.Settings()["ASPNETCORE_HTTP_PORTS"]!);

        Assert.Equal("/healthz", (string)container["livenessProbe"]!["httpGet"]!["path"]!);
        Assert.Equal("/readyz", (string)container["readinessProbe"]!["httpGet"]!["path"]!);
        Assert.Equal("/healthz", (string)container["startupProbe"]!["httpGet"]!["path"]!);
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            Assert.Equal(portName, (string)container[probe]!["httpGet"]!["port"]!);
        }

        var service = objects.Single("Service");
        Assert.Equal(portName, (string)Assert.Single(service["spec"]!["ports"]!.AsArray())!["targetPort"]!);
        AssertSelects(service["spec"]!["selector"]!.AsObject(), objects);
        AssertSelects(objects.Single("PodDisruptionBudget")["spec"]!["selector"]!["matchLabels"]!.AsObject(), objects);
        AssertSelects(objects.Single("NetworkPolicy")["spec"]!["podSelector"]!["matchLabels"]!.AsObject(), objects);
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public async Task Render_EveryOverlay_ObjectsLiveInTheBridgeNamespace(string overlay)
    {
        var objects = await Overlays.RenderAsync(overlay);

        Assert.Equal(BridgeNamespace, RenderedObjects.Name(objects.Single("Namespace")));
        Assert.Equal("restricted", (string)objects.Single("Namespace")["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]!);
        Assert.All(objects.Where(o => RenderedObjects.Kind(o) != "Namespace"), o =>
            Assert.Equal(BridgeNamespace, (string?)o["metadata"]!["namespace"]));
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public async Task Render_EveryOverlay_ServiceAccountCarriesWorkloadIdentity(string overlay)
    {
        var objects = await Overlays.RenderAsync(overlay);

        var account = objects.Single("ServiceAccount");
        Assert.Equal(RenderedObjects.Name(account), (string)objects.PodSpec()["serviceAccountName"]!);
        Assert.True(Guid.TryParse((string?)account["metadata"]!["annotations"]!["azure.workload.identity/client-id"], out _));
        Assert.Equal("true", (string)objects.Single("Deployment")["spec"]!["template"]!["metadata"]!["labels"]!["azure.workload.identity/use"]!);
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public async Task Render_EveryOverlay_ImageTagComesFromKustomizeImages(string overlay)
    {
        var objects = await Overlays.RenderAsync(overlay);
        var directory = overlay == Overlays.HaWithIngress ? Overlays.Ha : overlay;
        var kustomization = YamlDocuments.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Manifests, "overlays", directory, "kustomization.yaml")))[0];
        var entry = Assert.Single(kustomization["images"]!.AsArray())!;

        Assert.Equal($"ghcr.io/gitops-bridge/gitops-bridge:{(string)entry["newTag"]!}", (string)objects.Container()["image"]!);
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public async Task Render_EveryOverlay_NetworkPolicyOpensOnlyTheNeededPorts(string overlay)
    {
        var objects = await Overlays.RenderAsync(overlay);
        var spec = objects.Single("NetworkPolicy")["spec"]!;

        Assert.Equal(["Ingress", "Egress"], spec["policyTypes"]!.AsArray().Select(p => (string)p!));
        var ingressPorts = spec["ingress"]!.AsArray().SelectMany(r => r!["ports"]!.AsArray()).Select(p => (int)p!["port"]!);
        Assert.Equal([8080], ingressPorts);
        var egressPorts = spec["egress"]!.AsArray()
            .SelectMany(r => r!["ports"]!.AsArray())
            .Select(p => $"{(string)p!["protocol"]!}/{(int)p["port"]!}")
            .Order()
            .ToArray();
        Assert.Equal(["TCP/443", "TCP/53", "TCP/5432", "UDP/53"], egressPorts);
    }

    [KustomizeFact]
    public async Task Render_Single_OneReplicaRecreatedWithSqliteOnAClaim()
    {
        var objects = await Overlays.RenderAsync(Overlays.Single);

        var deployment = objects.Single("Deployment")["spec"]!;
        Assert.Equal(1, (int)deployment["replicas"]!);
        Assert.Equal("Recreate", (string)deployment["strategy"]!["type"]!);
        Assert.Null(deployment["strategy"]!["rollingUpdate"]);

        var settings = objects.Settings();
        Assert.Equal("sqlite", (string)settings["Storage__Provider"]!);
        Assert.StartsWith("/data/", (string)settings["Storage__Path"]!);

        var data = objects.PodSpec()["volumes"]!.AsArray().Single(v => (string)v!["name"]! == "data")!;
        Assert.Null(data["emptyDir"]);
        var claim = (string)data["persistentVolumeClaim"]!["claimName"]!;
        var pvc = objects.Single("PersistentVolumeClaim");
        Assert.Equal(claim, RenderedObjects.Name(pvc));
        Assert.Equal(["ReadWriteOnce"], pvc["spec"]!["accessModes"]!.AsArray().Select(m => (string)m!));
        Assert.Empty(objects.OfKind("Ingress"));
    }

    [KustomizeFact]
    public async Task Render_Ha_ThreeSpreadReplicasOnPostgres()
    {
        var objects = await Overlays.RenderAsync(Overlays.Ha);

        var deployment = objects.Single("Deployment")["spec"]!;
        Assert.Equal(3, (int)deployment["replicas"]!);
        Assert.Equal("RollingUpdate", (string)deployment["strategy"]!["type"]!);
        Assert.Equal("postgres", (string)objects.Settings()["Storage__Provider"]!);

        var connection = objects.Container()["env"]!.AsArray().Single(e => (string)e!["name"]! == "Storage__ConnectionString")!;
        Assert.Equal("gitops-bridge-postgres", (string)connection["valueFrom"]!["secretKeyRef"]!["name"]!);
        Assert.Null(connection["value"]);

        var pod = objects.PodSpec();
        var spreadKeys = pod["topologySpreadConstraints"]!.AsArray().Select(c => (string)c!["topologyKey"]!);
        Assert.Equal(["topology.kubernetes.io/zone", "kubernetes.io/hostname"], spreadKeys);
        foreach (var constraint in pod["topologySpreadConstraints"]!.AsArray())
        {
            AssertSelects(constraint!["labelSelector"]!["matchLabels"]!.AsObject(), objects);
        }

        var antiAffinity = Assert.Single(pod["affinity"]!["podAntiAffinity"]!["preferredDuringSchedulingIgnoredDuringExecution"]!.AsArray())!;
        Assert.Equal("kubernetes.io/hostname", (string)antiAffinity["podAffinityTerm"]!["topologyKey"]!);

        var budget = objects.Single("PodDisruptionBudget")["spec"]!;
        Assert.Equal(2, (int)budget["minAvailable"]!);
        Assert.Null(budget["maxUnavailable"]);
        Assert.Empty(objects.OfKind("PersistentVolumeClaim"));
    }

    [KustomizeFact]
    public async Task Render_HaWithIngress_RoutesWebhooksToTheService()
    {
        var objects = await Overlays.RenderAsync(Overlays.HaWithIngress);

        var service = objects.Single("Service");
        var servicePort = (string)Assert.Single(service["spec"]!["ports"]!.AsArray())!["name"]!;
        var paths = objects.Single("Ingress")["spec"]!["rules"]!.AsArray()
            .SelectMany(r => r!["http"]!["paths"]!.AsArray())
            .ToList();
        Assert.Contains(paths, p => (string)p!["path"]! == "/api/github/webhooks");
        Assert.All(paths, p =>
        {
            Assert.Equal(RenderedObjects.Name(service), (string)p!["backend"]!["service"]!["name"]!);
            Assert.Equal(servicePort, (string)p["backend"]!["service"]!["port"]!["name"]!);
        });
        Assert.Equal(3, (int)objects.Single("Deployment")["spec"]!["replicas"]!);
    }

    // Every label the selector asks for is on the Deployment's pod template.
    private static void AssertSelects(JsonObject selector, IReadOnlyList<JsonObject> objects)
    {
        var podLabels = objects.Single("Deployment")["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.NotEmpty(selector);
        foreach (var (key, value) in selector)
        {
            Assert.Equal((string)value!, (string?)podLabels[key]);
        }
    }
}
