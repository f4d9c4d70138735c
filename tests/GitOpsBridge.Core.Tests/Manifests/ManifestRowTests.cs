using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Planning;

namespace GitOpsBridge.Core.Tests.Manifests;

/// <summary>
/// Every row of ../shared/fixtures/yaml/MANIFEST.tsv: supported references are bumped to a new
/// value with a byte-exact diff; unsupported, empty and placeholder ones are skipped with a reason.
/// </summary>
public sealed class ManifestRowTests
{
    private const string NewDigest = "sha256:2b7ef9c6a7d8e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0";

    /// <summary>What a row's test does.</summary>
    public abstract record Scenario(string Image, string? Config);

    /// <summary>The row's scalar changes to <paramref name="NewValue"/>.</summary>
    public sealed record Bump(string Image, string NewValue, string? Config = null) : Scenario(Image, Config);

    /// <summary>Bumping the image leaves the row's scalar (a name) byte-identical while another scalar of the entry changes.</summary>
    public sealed record Kept(string Image, string? Config = null) : Scenario(Image, Config);

    /// <summary>The row is skipped with this reason code.</summary>
    public sealed record Skipped(string Image, string Code, string? Config = null) : Scenario(Image, Config);

    /// <summary>The file has no reference: nothing changes and nothing is claimed.</summary>
    public sealed record Nothing(string Image) : Scenario(Image, null);

    private const string FluxConfig = """
        version: 1
        images:
          app:
            repository: index.repo.fake/updated
            fluxPolicy: automation-ns:policy
          withdigest:
            repository: index.repo.fake/withdigest
            fluxPolicy: automation-ns:policy-with-digest
            digest: pin
        """;

    private static string HelmTarget(string image, string target, string file) => $$"""
        version: 1
        images:
          app:
            repository: {{image}}
        environments:
          dev:
            files:
              - path: {{file}}
                helm: { image: app, {{target}} }
        """;

    private static string Target(string image, string kind, string file) => $$"""
        version: 1
        images:
          app:
            repository: {{image}}
        environments:
          dev:
            files:
              - path: {{file}}
                {{kind}}: { image: app }
        """;

    private static Scenario ScenarioFor(ManifestRow row)
    {
        const string argocd = "charts/argo-cd/values.yaml";
        return row.Number switch
        {
            2 => new Bump("fluxcd/image-automation-controller:v1.3.0", "v1.3.0"),
            3 => new Kept("fluxcd/image-automation-controller:v1.3.0"),
            4 => new Bump("used:v1.1.0", "used:v1.1.0"),
            5 => new Bump("index.repo.fake/updated:v1.0.1", "index.repo.fake/updated:v1.0.1", FluxConfig),
            6 => new Kept("index.repo.fake/updated:v1.0.1", FluxConfig),
            7 => new Skipped("index.repo.fake/updated:v1.0.1", ReasonCodes.AlreadyCurrent, FluxConfig),
            8 => new Nothing("index.repo.fake/updated:v1.0.1"),
            9 => new Bump("index.repo.fake/updated:v2", "v2", FluxConfig),
            10 => new Bump("index.repo.fake/withdigest:v3@" + NewDigest, NewDigest, FluxConfig),
            11 => new Bump("index.repo.fake/updated:v2", "index.repo.fake/updated", FluxConfig),
            12 => new Bump("index.repo.fake/withdigest:v3@" + NewDigest, "index.repo.fake/withdigest:v3@" + NewDigest, FluxConfig),
            13 => new Bump("docker.io/bitnami/nginx:1.29.2-debian-12-r0", "1.29.2-debian-12-r0"),
            14 => new Bump("docker.io/bitnami/git:2.51.1-debian-12-r0", "2.51.1-debian-12-r0"),
            15 => new Bump("docker.io/bitnami/nginx-exporter:1.4.3-debian-12-r0", "1.4.3-debian-12-r0"),
            16 => new Bump("quay.io/argoproj/argocd:v3.2.0", "v3.2.0"),
            17 => new Kept("quay.io/argoproj/argocd:v3.2.0"),
            18 or 21 => new Bump("quay.io/argoprojlabs/argocd-e2e-container:0.3", "quay.io/argoprojlabs/argocd-e2e-container:0.3"),
            19 => new Skipped("quay.io/argoprojlabs/argocd-e2e-container:0.3", ReasonCodes.InvalidYaml),
            20 => new Bump("ghcr.io/acme/guestbook:0.2", "0.2", HelmTarget("ghcr.io/acme/guestbook", "tag: image.tag", row.RepoPath)),
            22 => new Bump("gcr.io/my-repo/my-app:0.2", "my-app=gcr.io/my-repo/my-app:0.2"),
            23 => new Skipped("quay.io/argoproj/argocd:v3.2.0", "empty-tag"),
            24 or 26 or 32 or 33 or 35 or 36 or 37 or 38 =>
                new Bump("quay.io/argoproj/argocd:v3.2.0", "v3.2.0", HelmTarget("quay.io/argoproj/argocd", "tag: " + row.TagYamlPath, argocd)),
            25 => new Bump("ghcr.io/dexidp/dex:v2.46.0", "v2.46.0"),
            27 or 29 => new Bump("ecr-public.aws.com/docker/library/redis:8.2.4-alpine", "8.2.4-alpine"),
            28 or 30 => new Bump("ghcr.io/oliver006/redis_exporter:v1.87.0", "v1.87.0"),
            31 => new Kept("ghcr.io/oliver006/redis_exporter:v1.87.0"),
            34 => new Bump("quay.io/argoprojlabs/argocd-extension-installer:v1.0.2", "v1.0.2"),
            39 => new Skipped("quay.io/argoprojlabs/argocd-image-updater:v1.0.0", "empty-tag"),
            40 => new Skipped("us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo:v0.10.7", "empty-tag"),
            >= 41 and <= 52 => new Skipped(row.Image + ":v0.10.7", ReasonCodes.MapsElsewhere),
            >= 53 and <= 63 => new Skipped(row.Image + ":v0.10.7", "placeholder"),
            68 => new Bump("redis:7.4-alpine", "redis:7.4-alpine"),
            69 => new Bump("busybox:1.38.1@" + NewDigest, "busybox:1.38.1@" + NewDigest),
            >= 64 and <= 76 => new Bump(row.CurrentValue.Replace(":v0.10.6", ":v0.10.7", StringComparison.Ordinal), row.CurrentValue.Replace(":v0.10.6", ":v0.10.7", StringComparison.Ordinal)),
            77 => new Nothing("ghcr.io/stefanprodan/podinfo:6.15.0"),
            78 => new Bump("public.ecr.aws/docker/library/redis:8.6.3", "8.6.3"),
            79 => new Skipped("qrssredevcontainerregistryeshop.azurecr.io/qrssredevakseshop:1.0.0", "no-tag"),
            80 => new Bump("new-crd-image:new-v2-tag", "new-v2-tag"),
            81 => new Kept("new-crd-image:new-v2-tag"),
            82 => new Bump("new-app-1:MYNEWTAG-2", "MYNEWTAG-2"),
            83 => new Kept("new-app-1:MYNEWTAG-2"),
            84 => new Bump("prod-mysql:v4", "v4"),
            85 => new Kept("prod-mysql:v4"),
            86 => new Bump("my-docker2@" + NewDigest, NewDigest),
            87 => new Kept("my-docker2@" + NewDigest),
            88 or 90 => new Bump("ghcr.io/stefanprodan/podinfo:6.15.0", "6.15.0"),
            89 or 91 => new Bump("redis:8.8.1", "8.8.1"),
            92 => new Bump("ghcr.io/stefanprodan/podinfo:6.15.0", "6.15.0", Target("ghcr.io/stefanprodan/podinfo", "kustomize", row.RepoPath)),
            93 => new Bump("ghcr.io/stefanprodan/podinfo:6.15.0", "ghcr.io/stefanprodan/podinfo:6.15.0"),
            _ => throw new InvalidOperationException($"{row} has no scenario"),
        };
    }

    public static TheoryData<int> Rows()
    {
        var data = new TheoryData<int>();
        foreach (var row in Fixtures.ManifestRows())
        {
            data.Add(row.Number);
        }

        return data;
    }

    [Fact]
    public void Manifest_HasTheRowsThisSuiteCovers()
    {
        var rows = Fixtures.ManifestRows();

        Assert.Equal(92, rows.Count);
        Assert.All(rows, row => ScenarioFor(row));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Row_IsBumpedByteExactOrSkippedWithReason(int number)
    {
        var row = Fixtures.ManifestRows().Single(r => r.Number == number);
        var scenario = ScenarioFor(row);
        var files = new MemoryFiles((row.RepoPath, Fixtures.YamlExact(row.LocalFile)));
        var config = scenario.Config is null ? null : ConfigParser.Parse(scenario.Config);
        var discover = config is null || config.Environments.Count == 0;

        var plan = Planner.Create(new PlanRequest(ImageReference.Parse(scenario.Image), config, Discover: discover), files);

        var expectedPath = row.TagYamlPath;
        switch (scenario)
        {
            case Bump bump:
                var change = Assert.Single(plan.Changes, c => c.YamlPath == ExpectedChangePath(row));
                Assert.Equal(bump.NewValue, change.New);
                Assert.Equal(row.CurrentValue, change.Old);
                if (row.Line is { } line && row.Number != 92)
                {
                    Assert.Equal(line, change.Line);
                }

                if (row.Number != 92)
                {
                    PlanAssert.OnlyScalarsChanged(plan, Assert.Single(plan.Edits));
                }

                break;
            case Kept:
                var edit = Assert.Single(plan.Edits);
                Assert.DoesNotContain(plan.Changes, c => c.YamlPath == expectedPath);
                Assert.Equal(PlanAssert.Lines(edit.OldText)[row.Line!.Value - 1], PlanAssert.Lines(edit.NewText)[row.Line.Value - 1]);
                PlanAssert.OnlyScalarsChanged(plan, edit);
                break;
            case Skipped skipped:
                Assert.DoesNotContain(plan.Changes, c => c.YamlPath == expectedPath);
                var skip = Assert.Single(plan.Skipped, s => s.ReasonCode == skipped.Code && (s.YamlPath is null || s.YamlPath.StartsWith(expectedPath.Split('.')[0], StringComparison.Ordinal)));
                Assert.False(string.IsNullOrWhiteSpace(skip.Reason));
                break;
            case Nothing:
                Assert.DoesNotContain(plan.Changes, c => c.File == row.RepoPath && c.YamlPath == expectedPath);
                break;
        }
    }

    /// <summary>The manifest names a Kustomize entry by the path of newTag; an added entry is named the same way.</summary>
    private static string ExpectedChangePath(ManifestRow row) => row.Number switch
    {
        92 => "images[name=ghcr.io/stefanprodan/podinfo].newTag",
        _ => row.TagYamlPath,
    };
}
