namespace GitOpsBridge.Deploy.Tests.Kubernetes;

/// <summary>The manifests name Secrets but never hold a secret value.</summary>
public sealed class SecretReferenceTests
{
    [KustomizeTheory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public async Task Render_EveryOverlay_HoldsNoSecretValue(string overlay)
    {
        var objects = await Overlays.RenderAsync(overlay);

        Assert.Empty(objects.OfKind("Secret"));
        Assert.Empty(SecretScan.Find(objects));
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public async Task Render_EveryOverlay_GitHubCredentialsComeFromTheGitHubSecret(string overlay)
    {
        var objects = await Overlays.RenderAsync(overlay);
        var container = objects.Container();

        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e!["valueFrom"]?["secretKeyRef"]);
        Assert.Equal("gitops-bridge-github", (string)env["GitHub__AppId"]!["name"]!);
        Assert.Equal("gitops-bridge-github", (string)env["GitHub__WebhookSecret"]!["name"]!);
        Assert.Equal("gitops-bridge-admin", (string)env["Admin__Token"]!["name"]!);
        Assert.True((bool)env["Admin__Token"]!["optional"]!);

        // The private key is a file from the same Secret, at the path the ConfigMap names.
        var keyPath = (string)objects.Settings()["GitHub__PrivateKeyPath"]!;
        var volume = objects.PodSpec()["volumes"]!.AsArray().Single(v => v!["secret"] is not null)!;
        Assert.Equal("gitops-bridge-github", (string)volume["secret"]!["secretName"]!);
        var file = (string)Assert.Single(volume["secret"]!["items"]!.AsArray())!["path"]!;
        var mount = container["volumeMounts"]!.AsArray().Single(m => (string)m!["name"]! == (string)volume["name"]!)!;
        Assert.True((bool)mount["readOnly"]!);
        Assert.Equal($"{(string)mount["mountPath"]!}/{file}", keyPath);
    }

    [KustomizeFact]
    public async Task Render_OverlayWithASecretGenerator_IsCaught()
    {
        // An operator's overlay that commits a secret: the same scan must flag it.
        using var temp = new TempDirectory();
        var manifests = Path.GetRelativePath(temp.Path, RepositoryPaths.Manifests);
        temp.Write("kustomization.yaml", $"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - {manifests}/overlays/single
            secretGenerator:
              - name: gitops-bridge-github
                literals:
                  - webhook-secret=committed-by-mistake
            """);

        var objects = YamlDocuments.Parse(await Kustomize.RenderAsync(temp.Path));

        Assert.Contains(SecretScan.Find(objects), f => f.Contains("a Secret with data", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "a PEM private key")]
    [InlineData("ghs_16C7e42F292c6912E7710c838347Ae178B4a", "a GitHub token")]
    [InlineData("token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "a GitHub token")]
    [InlineData("c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZy1lbm91Z2gtdG8tbWF0dGVy", "a long base64 value")]
    [InlineData("6f1ed002ab5595859014ebf0951522d9", "a long hex value")]
    public void Find_SecretLookingValue_IsReported(string value, string reason)
    {
        var configMap = JsonNode.Parse("""{"kind":"ConfigMap","metadata":{"name":"c"},"data":{}}""")!.AsObject();
        configMap["data"]!["x"] = value;

        var finding = Assert.Single(SecretScan.Find([configMap]));

        Assert.EndsWith(reason, finding, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_LiteralValueForASecretSetting_IsReported()
    {
        var deployment = JsonNode.Parse("""
            {"kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"c",
              "env":[{"name":"GitHub__WebhookSecret","value":"s3"},{"name":"GitHub__AppId","value":"12"}]}]}}}}
            """)!.AsObject();

        var finding = Assert.Single(SecretScan.Find([deployment]));

        Assert.Contains("GitHub__WebhookSecret", finding, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_PathsNamesAndImages_AreNotSecrets()
    {
        var configMap = JsonNode.Parse("""
            {"kind":"ConfigMap","metadata":{"name":"gitops-bridge-mb9kch8mkf"},"data":{
              "GitHub__PrivateKeyPath":"/var/run/secrets/gitops-bridge/github/private-key.pem",
              "image":"ghcr.io/gitops-bridge/gitops-bridge:0.1.0",
              "client":"00000000-0000-0000-0000-000000000000"}}
            """)!.AsObject();

        Assert.Empty(SecretScan.Find([configMap]));
    }
}
