using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Planning;

namespace GitOpsBridge.Core.Tests.Planning;

public sealed class PlannerTests
{
    private static readonly string DigestA = "sha256:" + new string('a', 64);
    private static readonly string DigestB = "sha256:" + new string('b', 64);

    private static Plan PlanFor(string image, string? config, params (string Path, string Text)[] files) =>
        Planner.Create(new PlanRequest(ImageReference.Parse(image), config is null ? null : ConfigParser.Parse(config)), new MemoryFiles(files));

    private static string HelmConfig(string extra = "", string target = "path: image") => $$"""
        version: 1
        images:
          api:
            repository: ghcr.io/acme/api
        {{extra}}
        environments:
          dev:
            files:
              - path: values.yaml
                helm: { image: api, {{target}} }
        """;

    private const string Values = "image:\n  repository: ghcr.io/acme/api\n  tag: 1.4.2 # the api\n";

    [Theory]
    [InlineData("1.5.0", null, "1.5.0")]
    [InlineData("2.0.0", "policy", null)]
    [InlineData("1.4.1", "downgrade", null)]
    [InlineData("1.3.0", "policy", null)]
    [InlineData("1.4.2", "already-current", null)]
    public void Plan_SemverPolicy_BumpsOrExplains(string tag, string? code, string? newValue)
    {
        var config = HelmConfig("    policy: { semver: \"^1.4\" }");

        var plan = PlanFor("ghcr.io/acme/api:" + tag, config, ("values.yaml", Values));

        if (newValue is null)
        {
            Assert.Empty(plan.Edits);
            var skip = Assert.Single(plan.Skipped);
            Assert.Equal(code, skip.ReasonCode);
            Assert.Equal("dev", skip.Environment);
            Assert.Equal("image.tag", skip.YamlPath);
        }
        else
        {
            var change = Assert.Single(plan.Changes);
            Assert.Equal(new PlannedChange("dev", "values.yaml", "image.tag", 3, "1.4.2", newValue), change);
            Assert.Equal("image:\n  repository: ghcr.io/acme/api\n  tag: 1.5.0 # the api\n", Assert.Single(plan.Edits).NewText);
        }
    }

    [Fact]
    public void Plan_CurrentAboveSemverRange_IsNeverMovedDown()
    {
        var values = "image:\n  repository: ghcr.io/acme/api\n  tag: 2.0.0\n";

        var plan = PlanFor("ghcr.io/acme/api:1.5.0", HelmConfig("    policy: { semver: \"^1.4\" }"), ("values.yaml", values));

        Assert.Empty(plan.Edits);
        Assert.Equal("downgrade", Assert.Single(plan.Skipped).ReasonCode);
    }

    [Fact]
    public void Plan_PatternPolicyNumerical_OrdersBuildNumbers()
    {
        var config = HelmConfig("    policy: { pattern: '^main-(?<n>\\d+)-[0-9a-f]{7}$', extract: n, order: numerical }");
        var values = "image:\n  repository: ghcr.io/acme/api\n  tag: main-99-abcdef0\n";

        var up = PlanFor("ghcr.io/acme/api:main-1234-0123456", config, ("values.yaml", values));
        var down = PlanFor("ghcr.io/acme/api:main-98-0123456", config, ("values.yaml", values));

        Assert.Equal("main-1234-0123456", Assert.Single(up.Changes).New);
        Assert.Equal("downgrade", Assert.Single(down.Skipped).ReasonCode);
    }

    [Theory]
    [InlineData("keep", "app: nginx:1.25.3", "nginx:1.25.4@DIGEST", "app: nginx:1.25.4")]
    [InlineData("keep", "app: nginx:1.25.3@OLD", "nginx:1.25.4@DIGEST", "app: nginx:1.25.4@DIGEST")]
    [InlineData("keep", "app: nginx@OLD", "nginx:1.25.4@DIGEST", "app: nginx@DIGEST")]
    [InlineData("pin", "app: nginx:1.25.3", "nginx:1.25.4@DIGEST", "app: nginx:1.25.4@DIGEST")]
    [InlineData("only", "app: nginx:1.25.3", "nginx:1.25.4@DIGEST", "app: nginx@DIGEST")]
    [InlineData("keep", "app: docker.io/library/nginx:1.25.3", "nginx:1.25.4", "app: docker.io/library/nginx:1.25.4")]
    public void Plan_ImageString_KeepsFormUnlessDigestSettingSaysOtherwise(string mode, string line, string image, string expected)
    {
        var config = $$"""
            version: 1
            images:
              web:
                repository: nginx
                digest: {{mode}}
            environments:
              dev:
                files:
                  - path: values.yaml
                    helm: { image: web, path: app }
            """;
        string Fill(string s) => s.Replace("@OLD", "@" + DigestA, StringComparison.Ordinal).Replace("@DIGEST", "@" + DigestB, StringComparison.Ordinal);

        var plan = PlanFor(Fill(image), config, ("values.yaml", Fill(line) + "\n"));

        Assert.Equal(Fill(expected) + "\n", Assert.Single(plan.Edits).NewText);
    }

    [Fact]
    public void Plan_DigestOnlyReference_EventWithoutDigest_IsSkipped()
    {
        var plan = PlanFor("nginx:1.25.4", null, ("deploy.yaml", "spec:\n  containers:\n  - name: web\n    image: nginx@" + DigestA + "\n"));

        Assert.Empty(plan.Edits);
        Assert.Equal("no-digest", Assert.Single(plan.Skipped).ReasonCode);
    }

    [Fact]
    public void Plan_PinWithoutEventDigest_IsSkippedWithReason()
    {
        var plan = PlanFor("ghcr.io/acme/api:1.5.0", HelmConfig("    digest: pin"), ("values.yaml", Values));

        var skip = Assert.Single(plan.Skipped);
        Assert.Equal("no-digest", skip.ReasonCode);
        Assert.Contains("digest: pin", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_SplitValuesWithDigestKey_PinWritesBoth()
    {
        var values = "image:\n  registry: ghcr.io\n  repository: acme/api\n  tag: 1.4.2\n  digest: \"\"\n";

        var plan = PlanFor($"ghcr.io/acme/api:1.5.0@{DigestB}", HelmConfig("    digest: pin"), ("values.yaml", values));

        Assert.Equal($"image:\n  registry: ghcr.io\n  repository: acme/api\n  tag: 1.5.0\n  digest: \"{DigestB}\"\n", Assert.Single(plan.Edits).NewText);
    }

    [Fact]
    public void Plan_TagWithInlineDigest_GetsBoth()
    {
        var values = $"image:\n  repository: ghcr.io/acme/api\n  tag: 1.4.2@{DigestA}\n";

        var plan = PlanFor($"ghcr.io/acme/api:1.5.0@{DigestB}", HelmConfig(), ("values.yaml", values));

        Assert.Equal($"1.5.0@{DigestB}", Assert.Single(plan.Changes).New);
    }

    [Fact]
    public void Plan_HelmListIndexPath_EditsThatItem()
    {
        var values = "sidecars:\n- name: a\n  image: ghcr.io/acme/api:1.0.0\n- name: b\n  image: ghcr.io/acme/api:1.0.0\n";

        var plan = PlanFor("ghcr.io/acme/api:1.1.0", HelmConfig(target: "path: \"sidecars[1].image\""), ("values.yaml", values));

        var change = Assert.Single(plan.Changes);
        Assert.Equal("sidecars[1].image", change.YamlPath);
        Assert.Equal(5, change.Line);
    }

    [Fact]
    public void Plan_HelmPathWithFieldSelector_EditsTheNamedItem()
    {
        var values = "sidecars:\n- name: a\n  image: ghcr.io/acme/api:1.0.0\n- name: b\n  image: ghcr.io/acme/api:1.0.0\n";

        var plan = PlanFor("ghcr.io/acme/api:1.1.0", HelmConfig(target: "path: \"sidecars[name=b].image\""), ("values.yaml", values));

        Assert.Equal(5, Assert.Single(plan.Changes).Line);
    }

    [Fact]
    public void Plan_HelmPathNamingAnotherImage_IsRefused()
    {
        var values = "image:\n  repository: ghcr.io/acme/other\n  tag: 1.4.2\n";

        var plan = PlanFor("ghcr.io/acme/api:1.5.0", HelmConfig(), ("values.yaml", values));

        Assert.Empty(plan.Edits);
        Assert.Equal(ReasonCodes.MapsElsewhere, Assert.Single(plan.Skipped).ReasonCode);
    }

    [Fact]
    public void Plan_HelmPathMissing_IsExplained()
    {
        var plan = PlanFor("ghcr.io/acme/api:1.5.0", HelmConfig(target: "path: nothing.here"), ("values.yaml", Values));

        var skip = Assert.Single(plan.Skipped);
        Assert.Equal(ReasonCodes.NoMatch, skip.ReasonCode);
        Assert.Contains("nothing.here", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_DuplicateKeysInTarget_AreRefusedWithoutChange()
    {
        var plan = PlanFor("ghcr.io/acme/api:1.5.0", HelmConfig(), ("values.yaml", Values + "image:\n  tag: 9.9.9\n"));

        Assert.Empty(plan.Edits);
        var skip = Assert.Single(plan.Skipped);
        Assert.Equal(ReasonCodes.InvalidYaml, skip.ReasonCode);
        Assert.Contains("duplicate key", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_HelmTemplateTarget_IsRefused()
    {
        var plan = PlanFor("ghcr.io/acme/api:1.5.0", HelmConfig(), ("values.yaml", "image: {{ .Values.image }}\n  bad: [\n"));

        Assert.Equal(ReasonCodes.InvalidYaml, Assert.Single(plan.Skipped).ReasonCode);
    }

    [Fact]
    public void Plan_MissingFile_IsExplained()
    {
        var plan = PlanFor("ghcr.io/acme/api:1.5.0", HelmConfig());

        Assert.Equal(ReasonCodes.MissingFile, Assert.Single(plan.Skipped).ReasonCode);
    }

    [Fact]
    public void Plan_UntrackedImage_IsExplained()
    {
        var plan = PlanFor("ghcr.io/acme/web:1.5.0", HelmConfig(), ("values.yaml", Values));

        var skip = Assert.Single(plan.Skipped);
        Assert.Equal(ReasonCodes.NotTracked, skip.ReasonCode);
        Assert.Null(skip.File);
    }

    [Fact]
    public void Plan_PromotedEnvironment_AwaitsPromotion()
    {
        const string config = """
            version: 1
            images:
              api: { repository: ghcr.io/acme/api }
            environments:
              dev:
                files: [ { path: dev.yaml, helm: { image: api, path: image } } ]
              prod:
                promoteFrom: dev
                files: [ { path: prod.yaml, helm: { image: api, path: image } } ]
            """;

        var plan = PlanFor("ghcr.io/acme/api:1.5.0", config, ("dev.yaml", Values), ("prod.yaml", Values));

        Assert.Equal("dev", Assert.Single(plan.Edits).Environment);
        var skip = Assert.Single(plan.Skipped);
        Assert.Equal(("prod", ReasonCodes.AwaitingPromotion), (skip.Environment, skip.ReasonCode));
    }

    [Fact]
    public void Plan_PromotedRequest_PlansTheEnvironmentWithPromoteFrom()
    {
        const string config = """
            version: 1
            images:
              api: { repository: ghcr.io/acme/api }
            environments:
              dev:
                files: [ { path: dev.yaml, helm: { image: api, path: image } } ]
              prod:
                promoteFrom: dev
                files: [ { path: prod.yaml, helm: { image: api, path: image } } ]
            """;

        var plan = Planner.Create(
            new PlanRequest(ImageReference.Parse("ghcr.io/acme/api:1.5.0"), ConfigParser.Parse(config), "prod", Promoted: true),
            new MemoryFiles(("dev.yaml", Values), ("prod.yaml", Values)));

        Assert.Equal("prod", Assert.Single(plan.Edits).Environment);
        Assert.Empty(plan.Skipped);
    }

    [Fact]
    public void Plan_PinnedLowerVersion_IsWritten_UnpinnedIsADowngrade()
    {
        var config = ConfigParser.Parse(HelmConfig());
        var image = ImageReference.Parse("ghcr.io/acme/api:1.0.0");

        var pinned = Planner.Create(new PlanRequest(image, config, Pinned: true), new MemoryFiles(("values.yaml", Values)));
        var unpinned = Planner.Create(new PlanRequest(image, config), new MemoryFiles(("values.yaml", Values)));

        Assert.Contains("tag: 1.0.0", Assert.Single(pinned.Edits).NewText, StringComparison.Ordinal);
        Assert.Empty(unpinned.Edits);
        Assert.Equal(ReasonCodes.Downgrade, Assert.Single(unpinned.Skipped).ReasonCode);
    }

    [Fact]
    public void Plan_EnvironmentFilter_OnlyThatEnvironment()
    {
        const string config = """
            version: 1
            images:
              api: { repository: ghcr.io/acme/api }
            environments:
              dev:
                files: [ { path: dev.yaml, helm: { image: api, path: image } } ]
              qa:
                files: [ { path: qa.yaml, helm: { image: api, path: image } } ]
            """;

        var plan = Planner.Create(
            new PlanRequest(ImageReference.Parse("ghcr.io/acme/api:1.5.0"), ConfigParser.Parse(config), Environment: "qa"),
            new MemoryFiles(("dev.yaml", Values), ("qa.yaml", Values)));

        Assert.Equal("qa.yaml", Assert.Single(plan.Edits).File);
    }

    [Fact]
    public void Plan_TwoImagesInOneFile_BothChangeInOneEdit()
    {
        const string config = """
            version: 1
            images:
              api: { repository: ghcr.io/acme/api }
            environments:
              dev:
                files:
                  - { path: values.yaml, helm: { image: api, path: api.image } }
            """;
        var values = "api:\n  image:\n    repository: ghcr.io/acme/api\n    tag: 1.0.0\nworker:\n  image:\n    repository: ghcr.io/acme/api\n    tag: 1.0.0\n";

        var plan = PlanFor("ghcr.io/acme/api:1.1.0", config, ("values.yaml", values));

        // Only the configured target moves; discovery is off, so worker.image stays.
        Assert.Equal("api.image.tag", Assert.Single(plan.Changes).YamlPath);
    }

    [Fact]
    public void Plan_KustomizeEntryThroughNewName_MatchesOnNewName()
    {
        var kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n- name: api\n  newName: ghcr.io/acme/api\n  newTag: 1.0.0\n";

        var plan = PlanFor("ghcr.io/acme/api:1.1.0", null, ("kustomization.yaml", kustomization));

        Assert.Equal("images[name=api].newTag", Assert.Single(plan.Changes).YamlPath);
    }

    [Fact]
    public void Plan_KustomizeMissingEntry_IsAddedWithMatchingIndentation()
    {
        const string config = """
            version: 1
            images:
              api: { repository: ghcr.io/acme/api }
            environments:
              dev:
                files: [ { path: overlay/kustomization.yaml, kustomize: { image: api, name: api } } ]
            """;
        var kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: web\n    newTag: 1.0.0\n";

        var plan = PlanFor("ghcr.io/acme/api:1.1.0", config, ("overlay/kustomization.yaml", kustomization));

        Assert.Equal(kustomization + "  - name: api\n    newName: ghcr.io/acme/api\n    newTag: 1.1.0\n", Assert.Single(plan.Edits).NewText);
    }

    [Fact]
    public void Plan_KustomizeEntryWithoutNewTag_GetsTheKey()
    {
        const string config = """
            version: 1
            images:
              api: { repository: ghcr.io/acme/api }
            environments:
              dev:
                files: [ { path: kustomization.yaml, kustomize: { image: api } } ]
            """;
        var kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n- name: ghcr.io/acme/api\nresources:\n- deploy.yaml\n";

        var plan = PlanFor("ghcr.io/acme/api:1.1.0", config, ("kustomization.yaml", kustomization));

        Assert.Equal("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n- name: ghcr.io/acme/api\n  newTag: 1.1.0\nresources:\n- deploy.yaml\n", Assert.Single(plan.Edits).NewText);
    }

    [Fact]
    public void Plan_KustomizeAmbiguousEntries_AreRefused()
    {
        const string config = """
            version: 1
            images:
              api: { repository: ghcr.io/acme/api }
            environments:
              dev:
                files: [ { path: kustomization.yaml, kustomize: { image: api } } ]
            """;
        var kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n- name: ghcr.io/acme/api\n  newTag: 1.0.0\n- name: api\n  newName: ghcr.io/acme/api\n  newTag: 1.0.0\n";

        var plan = PlanFor("ghcr.io/acme/api:1.1.0", config, ("kustomization.yaml", kustomization));

        Assert.Empty(plan.Edits);
        Assert.Equal(ReasonCodes.Ambiguous, Assert.Single(plan.Skipped).ReasonCode);
    }

    [Fact]
    public void Plan_ManifestTargetByContainerName_OnlyThatContainer()
    {
        const string config = """
            version: 1
            images:
              api: { repository: ghcr.io/acme/api }
            environments:
              dev:
                files: [ { path: deploy.yaml, manifest: { image: api, container: main } } ]
            """;
        var deploy = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      initContainers:\n      - name: migrate\n        image: ghcr.io/acme/api:1.0.0\n      containers:\n      - name: main\n        image: ghcr.io/acme/api:1.0.0\n";

        var plan = PlanFor("ghcr.io/acme/api:1.1.0", config, ("deploy.yaml", deploy));

        Assert.Equal("spec.template.spec.containers[0].image", Assert.Single(plan.Changes).YamlPath);
    }

    [Fact]
    public void Plan_ArgoCdApplication_HelmParametersValuesObjectAndValuesBlock()
    {
        var app = """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            spec:
              source:
                helm:
                  parameters:
                  - name: image.repository
                    value: ghcr.io/acme/api
                  - name: image.tag
                    value: "1.0.0"
                  valuesObject:
                    image:
                      repository: ghcr.io/acme/api
                      tag: 1.0.0
                  values: |
                    image:
                      repository: ghcr.io/acme/api
                      tag: 1.0.0 # inner comment
            """ + "\n";

        var plan = PlanFor("ghcr.io/acme/api:1.1.0", null, ("app.yaml", app));

        Assert.Equal(
            ["spec.source.helm.parameters[1].value", "spec.source.helm.valuesObject.image.tag", "spec.source.helm.values|image.tag"],
            plan.Changes.Select(c => c.YamlPath).ToArray());
        Assert.Equal(app.Replace("1.0.0", "1.1.0", StringComparison.Ordinal), Assert.Single(plan.Edits).NewText);
        Assert.Equal(18, plan.Changes[2].Line);
    }

    [Fact]
    public void Plan_ExplicitHelmTargetInHelmRelease_UsesSpecValues()
    {
        const string config = """
            version: 1
            images:
              redis: { repository: public.ecr.aws/docker/library/redis }
            environments:
              dev:
                files: [ { path: release.yaml, helm: { image: redis, path: redis } } ]
            """;
        var release = Fixtures.YamlExact("flux2-kustomize-helm-example/apps__base__podinfo__release.yaml");

        var plan = PlanFor("public.ecr.aws/docker/library/redis:8.6.3", config, ("release.yaml", release));

        var change = Assert.Single(plan.Changes);
        Assert.Equal(("spec.values.redis.tag", 27), (change.YamlPath, change.Line));
    }

    [Fact]
    public void Plan_SourceNotAllowed_IsExplained()
    {
        const string config = """
            version: 1
            images:
              api: { repository: ghcr.io/acme/api, sources: [acr-prod] }
            environments:
              dev:
                files: [ { path: values.yaml, helm: { image: api, path: image } } ]
            """;

        var plan = Planner.Create(
            new PlanRequest(ImageReference.Parse("ghcr.io/acme/api:1.5.0"), ConfigParser.Parse(config), Source: "dockerhub"),
            new MemoryFiles(("values.yaml", Values)));

        Assert.Empty(plan.Edits);
        Assert.Equal(ReasonCodes.SourceNotAllowed, Assert.Single(plan.Skipped).ReasonCode);
    }

    [Fact]
    public void Plan_Discovery_IgnoresGitRepositoryRefTag()
    {
        var source = "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: api\nspec:\n  url: https://github.com/acme/api\n  ref:\n    tag: v1.0.0\n";

        var plan = PlanFor("ghcr.io/acme/api:v1.1.0", null, ("source.yaml", source));

        Assert.Empty(plan.Changes);
        Assert.Empty(plan.Skipped);
    }

    [Fact]
    public void Plan_DiscoveryEmptyTag_SkippedButExplicitTargetSetsIt()
    {
        var values = "image:\n  repository: ghcr.io/acme/api\n  tag: \"\"\n";

        var discovered = PlanFor("ghcr.io/acme/api:1.5.0", null, ("values.yaml", values));
        var configured = PlanFor("ghcr.io/acme/api:1.5.0", HelmConfig(), ("values.yaml", values));

        Assert.Equal("empty-tag", Assert.Single(discovered.Skipped).ReasonCode);
        Assert.Equal("image:\n  repository: ghcr.io/acme/api\n  tag: \"1.5.0\"\n", Assert.Single(configured.Edits).NewText);
    }

    [Fact]
    public void Plan_Bom_IsKeptThroughTheEdit()
    {
        var plan = PlanFor("ghcr.io/acme/api:1.5.0", null, ("values.yaml", "\uFEFF" + Values));

        Assert.Equal("\uFEFF" + Values.Replace("1.4.2", "1.5.0", StringComparison.Ordinal), Assert.Single(plan.Edits).NewText);
    }

    [Theory]
    [InlineData("binary-file")]
    [InlineData("file-too-large")]
    public void Plan_BinaryOrHugeText_IsRefusedByTheCoreToo(string code)
    {
        var text = code == "binary-file" ? Values + "\0" : Values + new string('#', RepositoryFile.MaxBytes);

        var plan = PlanFor("ghcr.io/acme/api:1.5.0", HelmConfig(), ("values.yaml", text));

        Assert.Empty(plan.Edits);
        Assert.Equal(code, Assert.Single(plan.Skipped).ReasonCode);
    }

    [Fact]
    public void Plan_AliasedTarget_IsRefused()
    {
        var values = "base: &tag 1.4.2\nimage:\n  repository: ghcr.io/acme/api\n  tag: *tag\n";

        var plan = PlanFor("ghcr.io/acme/api:1.5.0", HelmConfig(), ("values.yaml", values));

        Assert.Empty(plan.Edits);
        Assert.Contains("is an alias of &tag", Assert.Single(plan.Skipped).Reason, StringComparison.Ordinal);
    }
}
