using System.Text.Json;

namespace GitOpsBridge.Tests.Cli;

public sealed class PlanCommandTests
{
    private const string Config = """
        version: 1
        images:
          eshop:
            repository: qrssredevcontainerregistryeshop.azurecr.io/qrssredevakseshop
          nginx:
            repository: docker.io/bitnami/nginx
            policy: { semver: ">=1.29.0", prerelease: true }
        environments:
          dev:
            files:
              - path: eshop/deployment.yml
                manifest: { image: eshop }
              - path: charts/nginx/values.yaml
                helm: { image: nginx, path: image }
        """;

    /// <summary>A real git repository holding fixtures with CRLF, no final newline, 35 documents and a BOM.</summary>
    private static TempRepository FixtureRepository()
    {
        var repo = new TempRepository(git: true);
        repo.Write(".github/gitops-bridge.yml", Config);
        repo.Write("eshop/deployment.yml", Fixtures.Yaml("eShopOnContainers/manifests__deployment.yml"));
        repo.Write("charts/nginx/values.yaml", Fixtures.Yaml("bitnami-charts/bitnami__nginx__values.yaml"));
        repo.Write("release/kubernetes-manifests.yaml", Fixtures.Yaml("microservices-demo/release__kubernetes-manifests.yaml"));
        repo.Write("kustomize/images/kustomization.yaml", Fixtures.Yaml("kustomize/examples__transformerconfigs__images__kustomization.yaml"));
        repo.Write("argocd/.argocd-source.yaml", Fixtures.Yaml("argo-cd/reposerver__repository__testdata__app-parameters__multi__.argocd-source.yaml"));
        repo.Write("bom/values.yaml", "\uFEFFimage:\n  repository: docker.io/bitnami/nginx\n  tag: 1.29.1-debian-12-r0\n");
        repo.CommitAll();
        return repo;
    }

    [Theory]
    [InlineData("qrssredevcontainerregistryeshop.azurecr.io/qrssredevakseshop:1.0.0", "eshop/deployment.yml")]
    [InlineData("docker.io/bitnami/nginx:1.29.2-debian-12-r0", "charts/nginx/values.yaml")]
    public void Plan_Diff_IsAcceptedByGitApplyAndMatchesApply(string image, string file)
    {
        using var repo = FixtureRepository();

        var (exit, diff, stderr) = CliRunner.Run("plan", "--repo", repo.Root, "--image", image);

        Assert.Equal(0, exit);
        Assert.Contains($"--- a/{file}", diff, StringComparison.Ordinal);
        Assert.Contains($"+++ b/{file}", diff, StringComparison.Ordinal);
        Assert.Contains("dev: " + file, stderr, StringComparison.Ordinal);
        var check = TempRepository.Run("git", repo.Root, diff, "apply", "--check", "-");
        Assert.True(check.Exit == 0, check.StdErr);
        TempRepository.Run("git", repo.Root, diff, "apply", "-");
        var applied = repo.Read(file);

        repo.Git("checkout", "--", ".");
        Assert.Equal(0, CliRunner.Run("apply", "--repo", repo.Root, "--image", image).Exit);
        Assert.Equal(applied, repo.Read(file));
        Assert.Single(repo.Git("status", "--porcelain").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Plan_CrlfFileWithExplicitTarget_AddsTagAndKeepsCrlfAndQuotes()
    {
        using var repo = FixtureRepository();

        CliRunner.Run("apply", "--repo", repo.Root, "--image", "qrssredevcontainerregistryeshop.azurecr.io/qrssredevakseshop:1.0.0");

        var before = Fixtures.Yaml("eShopOnContainers/manifests__deployment.yml");
        var after = repo.Read("eshop/deployment.yml");
        Assert.Equal(
            before.Replace("\"qrssredevcontainerregistryeshop.azurecr.io/qrssredevakseshop\"", "\"qrssredevcontainerregistryeshop.azurecr.io/qrssredevakseshop:1.0.0\"", StringComparison.Ordinal),
            after);
        Assert.Equal(before.Split("\r\n").Length, after.Split("\r\n").Length);
    }

    [Fact]
    public void Plan_Discover_DiffAppliesToEveryFormat()
    {
        using var repo = FixtureRepository();

        var (exit, diff, stderr) = CliRunner.Run("plan", "--repo", repo.Root, "--image", "docker.io/bitnami/nginx:1.29.2-debian-12-r0", "--discover");

        Assert.Equal(0, exit);
        Assert.Contains("discovered: bom/values.yaml", stderr, StringComparison.Ordinal);
        var check = TempRepository.Run("git", repo.Root, diff, "apply", "-");
        Assert.True(check.Exit == 0, check.StdErr + diff);
        Assert.Equal("\uFEFFimage:\n  repository: docker.io/bitnami/nginx\n  tag: 1.29.2-debian-12-r0\n", repo.Read("bom/values.yaml"));
    }

    [Fact]
    public void Plan_NoFinalNewline_DiffAppliesAndKeepsIt()
    {
        using var repo = FixtureRepository();

        var (_, diff, _) = CliRunner.Run("plan", "--repo", repo.Root, "--image", "quay.io/argoprojlabs/argocd-e2e-container:0.3", "--discover");

        Assert.Contains("\\ No newline at end of file", diff, StringComparison.Ordinal);
        Assert.Equal(0, TempRepository.Run("git", repo.Root, diff, "apply", "-").Exit);
        Assert.Equal("kustomize:\n  images:\n    - quay.io/argoprojlabs/argocd-e2e-container:0.3", repo.Read("argocd/.argocd-source.yaml"));
    }

    [Fact]
    public void Plan_MultiDocument_DiffTouchesOneLine()
    {
        using var repo = FixtureRepository();

        var (_, diff, _) = CliRunner.Run("plan", "--repo", repo.Root, "--image", "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/cartservice:v0.10.7", "--discover");

        var lines = diff.Split('\n');
        Assert.Equal(1, lines.Count(l => l.StartsWith('-') && !l.StartsWith("---", StringComparison.Ordinal)));
        Assert.Equal(1, lines.Count(l => l.StartsWith('+') && !l.StartsWith("+++", StringComparison.Ordinal)));
        Assert.Contains("@@ -326,7 +326,7 @@", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Json_HasTheDocumentedShape()
    {
        using var repo = FixtureRepository();

        var (exit, stdout, _) = CliRunner.Run("plan", "--repo", repo.Root, "--image", "docker.io/bitnami/nginx:1.29.2-debian-12-r0", "--format", "json", "--discover");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var changes = doc.RootElement.GetProperty("changes").EnumerateArray().ToList();
        var dev = Assert.Single(changes, c => c.GetProperty("environment").ValueKind == JsonValueKind.String);
        Assert.Equal("dev", dev.GetProperty("environment").GetString());
        Assert.Equal("charts/nginx/values.yaml", dev.GetProperty("file").GetString());
        Assert.Equal("image.tag", dev.GetProperty("yamlPath").GetString());
        Assert.Equal(89, dev.GetProperty("line").GetInt32());
        Assert.Equal("1.29.1-debian-12-r0", dev.GetProperty("old").GetString());
        Assert.Equal("1.29.2-debian-12-r0", dev.GetProperty("new").GetString());
        var discovered = Assert.Single(changes, c => c.GetProperty("environment").ValueKind == JsonValueKind.Null);
        Assert.Equal("bom/values.yaml", discovered.GetProperty("file").GetString());
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("skipped").ValueKind);
    }

    [Fact]
    public void Plan_EveryTargetRefused_ExitsZeroWithReasons()
    {
        using var repo = FixtureRepository();

        var (exit, stdout, stderr) = CliRunner.Run("plan", "--repo", repo.Root, "--image", "docker.io/bitnami/nginx:1.28.0", "--format", "json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Empty(doc.RootElement.GetProperty("changes").EnumerateArray());
        var skip = Assert.Single(doc.RootElement.GetProperty("skipped").EnumerateArray());
        Assert.Equal("policy", skip.GetProperty("reasonCode").GetString());
        Assert.Contains("skipped (policy)", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ghcr.io/acme/api:1.0\nimage: evil")]
    [InlineData("ghcr.io/acme/api:\"1.0\"")]
    [InlineData("ghcr.io/Acme/api:1.0")]
    [InlineData("ghcr.io/acme/api")]
    [InlineData("ghcr.io/acme/api@sha256:abc")]
    public void Plan_BadImageReference_ExitsOneWithReason(string image)
    {
        using var repo = FixtureRepository();

        var (exit, stdout, stderr) = CliRunner.Run("plan", "--repo", repo.Root, "--image", image);

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.StartsWith("error: --image:", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\nimage: evil", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plan", "--image", "nginx:1")]
    [InlineData("plan", "--repo", ".", "--image", "nginx:1", "--format", "yaml")]
    [InlineData("plan", "--repo", ".", "--image", "nginx:1", "--bogus")]
    [InlineData("frobnicate")]
    [InlineData("validate")]
    public void Run_UsageError_ExitsTwo(params string[] args)
    {
        var (exit, _, stderr) = CliRunner.Run(args);

        Assert.Equal(2, exit);
        Assert.Contains("error:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_InvalidConfig_ExitsOneWithPositions()
    {
        using var repo = new TempRepository();
        repo.Write(".github/gitops-bridge.yml", "version: 1\nimages:\n  api:\n    repository: ghcr.io/acme/api\n    digets: pin\n");

        var (exit, _, stderr) = CliRunner.Run("plan", "--repo", repo.Root, "--image", "ghcr.io/acme/api:1.0.0");

        Assert.Equal(1, exit);
        Assert.Matches(@"^\.github/gitops-bridge\.yml:5:5: ", stderr);
    }

    [Fact]
    public void Plan_MissingRepository_ExitsOne()
    {
        var (exit, _, stderr) = CliRunner.Run("plan", "--repo", "/nonexistent/gitops-bridge", "--image", "nginx:1.0");

        Assert.Equal(1, exit);
        Assert.Contains("cannot read the repository", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_UnknownEnvironment_ExitsOneNamingTheKnownOnes()
    {
        using var repo = FixtureRepository();

        var (exit, _, stderr) = CliRunner.Run("plan", "--repo", repo.Root, "--image", "nginx:1.0", "--environment", "prod");

        Assert.Equal(1, exit);
        Assert.Contains("(have: dev)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_SameFileInTwoEnvironments_RefusesWithoutWriting()
    {
        using var repo = new TempRepository();
        repo.Write(".github/gitops-bridge.yml", """
            version: 1
            images:
              api: { repository: ghcr.io/acme/api }
            environments:
              dev:
                files: [ { path: values.yaml, helm: { image: api, path: image } } ]
              qa:
                files: [ { path: values.yaml, helm: { image: api, path: image } } ]
            """);
        var values = "image:\n  repository: ghcr.io/acme/api\n  tag: 1.0.0\n";
        repo.Write("values.yaml", values);

        var (exit, _, stderr) = CliRunner.Run("apply", "--repo", repo.Root, "--image", "ghcr.io/acme/api:1.1.0");

        Assert.Equal(1, exit);
        Assert.Contains("choose one with --environment", stderr, StringComparison.Ordinal);
        Assert.Equal(values, repo.Read("values.yaml"));
        Assert.Equal(0, CliRunner.Run("apply", "--repo", repo.Root, "--image", "ghcr.io/acme/api:1.1.0", "--environment", "qa").Exit);
        Assert.Equal(values.Replace("1.0.0", "1.1.0", StringComparison.Ordinal), repo.Read("values.yaml"));
    }

    [Fact]
    public void Plan_AsRealProcessFromRepositoryRoot_UsageErrorExitsTwo()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "gitops-bridge.dll");

        var usage = TempRepository.Run("dotnet", Fixtures.RepositoryRoot(), null, dll, "plan", "--format", "xml");
        var help = TempRepository.Run("dotnet", Fixtures.RepositoryRoot(), null, dll, "plan", "--help");

        Assert.Equal(2, usage.Exit);
        Assert.Equal(0, help.Exit);
        Assert.Contains("--environment", help.StdOut, StringComparison.Ordinal);
    }
}
