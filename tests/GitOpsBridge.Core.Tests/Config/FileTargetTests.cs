using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Tests.Config;

public sealed class FileTargetTests
{
    private const string Images = "version: 1\nimages:\n  api: { repository: ghcr.io/acme/api }\n  web: { repository: ghcr.io/acme/web }\n";

    /// <summary>A config whose single target is on line 7.</summary>
    private static string Target(string target) => $"{Images}environments:\n  dev:\n    files:\n      - {target}\n";

    private static FileTarget Parse(string target) => Assert.Single(ConfigParser.Parse(Target(target)).Environments["dev"].Files);

    [Fact]
    public void Parse_HelmGroupPath_IsBound()
    {
        var target = Parse("{ path: envs/dev/values.yaml, helm: { image: api, path: api.image } }");

        Assert.Equal(new FileTarget("envs/dev/values.yaml", TargetKind.Helm, "api", new HelmTarget("api.image", null, null, null, null), null, null, new SourcePosition(8, 9)), target);
    }

    [Fact]
    public void Parse_HelmExplicitKeys_AreBound()
    {
        var target = Parse("{ path: v.yaml, helm: { image: api, tag: image.tag, repository: image.repository, registry: image.registry, digest: image.digest } }");

        Assert.Equal(new HelmTarget(null, "image.tag", "image.repository", "image.registry", "image.digest"), target.Helm);
    }

    [Fact]
    public void Parse_HelmDigestOnly_IsAccepted()
    {
        Assert.Equal("image.digest", Parse("{ path: v.yaml, helm: { image: api, digest: image.digest } }").Helm!.Digest);
    }

    [Fact]
    public void Parse_KustomizeWithoutName_LeavesNameToThePlanner()
    {
        // The planner then matches the entry by name or newName, and names a new entry after the repository.
        var target = Parse("{ path: overlays/dev/kustomization.yaml, kustomize: { image: web } }");

        Assert.Equal(TargetKind.Kustomize, target.Kind);
        Assert.Null(target.KustomizeName);
    }

    [Fact]
    public void Parse_KustomizeName_IsBound()
    {
        Assert.Equal("app-image", Parse("{ path: k.yaml, kustomize: { image: web, name: app-image } }").KustomizeName);
    }

    [Fact]
    public void Parse_ManifestWithoutContainer_TargetsEveryContainer()
    {
        var target = Parse("{ path: k8s/deploy.yaml, manifest: { image: api } }");

        Assert.Equal(TargetKind.Manifest, target.Kind);
        Assert.Null(target.Container);
    }

    [Fact]
    public void Parse_AutoTarget_IsBound()
    {
        var target = Parse("{ path: apps/api.yaml, image: api }");

        Assert.Equal(new FileTarget("apps/api.yaml", TargetKind.Auto, "api", null, null, null, new SourcePosition(8, 9)), target);
    }

    [Theory]
    [InlineData("./envs//dev/./values.yaml", "envs/dev/values.yaml")]
    [InlineData("values.yaml", "values.yaml")]
    public void Parse_TargetPath_IsNormalized(string path, string expected)
    {
        Assert.Equal(expected, Parse($"{{ path: \"{path}\", image: api }}").Path);
    }

    [Fact]
    public void Validate_NoKind_IsRejectedAtTheEntry()
    {
        ConfigAssert.SingleError(Target("{ path: a.yaml }"), 8, 9, "environments.dev.files[0]: set one of helm, kustomize, manifest or image");
    }

    [Fact]
    public void Validate_TwoKinds_IsRejectedAtTheSecond()
    {
        ConfigAssert.SingleErrorAt(Target("{ path: a.yaml, image: api, manifest: { image: api } }"), 8, "manifest", "environments.dev.files[0]: image and manifest cannot be combined; a file target has exactly one of helm, kustomize, manifest or image");
    }

    [Fact]
    public void Validate_ThreeKinds_ReportsEachExtra()
    {
        var yaml = Target("{ path: a.yaml, image: api, manifest: { image: api }, kustomize: { image: api } }");
        var errors = ConfigParser.Validate(yaml);

        Assert.Equal(2, errors.Count);
        ConfigAssert.HasError(errors, 8, ConfigAssert.ColumnOf(yaml, 8, "manifest"), "image and manifest cannot be combined");
        ConfigAssert.HasError(errors, 8, ConfigAssert.ColumnOf(yaml, 8, "kustomize"), "image and kustomize cannot be combined");
    }

    [Theory]
    [InlineData("{ path: a.yaml, image: apii }", "apii", "environments.dev.files[0].image: unknown image \"apii\" (did you mean \"api\"?)")]
    [InlineData("{ path: a.yaml, image: database }", "database", "unknown image \"database\"; images are api, web")]
    [InlineData("{ path: a.yaml, helm: { image: wbe, path: image } }", "wbe", "environments.dev.files[0].helm.image: unknown image \"wbe\" (did you mean \"web\"?)")]
    [InlineData("{ path: a.yaml, kustomize: { image: nope } }", "nope", "environments.dev.files[0].kustomize.image: unknown image \"nope\"")]
    [InlineData("{ path: a.yaml, manifest: { image: nope } }", "nope", "environments.dev.files[0].manifest.image: unknown image \"nope\"")]
    public void Validate_UnknownAlias_IsReportedAtTheReference(string target, string marker, string message)
    {
        ConfigAssert.SingleErrorAt(Target(target), 8, marker, message);
    }

    [Fact]
    public void Validate_AliasWithoutAnyImages_SaysToDeclareIt()
    {
        ConfigAssert.SingleError("version: 1\nenvironments:\n  dev:\n    files: [{ path: a.yaml, image: api }]\n", 4, 36, "unknown image \"api\"; declare it under images");
    }

    [Fact]
    public void Validate_AliasOfInvalidImage_IsNotReportedTwice()
    {
        // The image exists but is broken: only the image's own error is reported.
        ConfigAssert.SingleError("version: 1\nimages:\n  api: { digest: pin }\nenvironments:\n  dev:\n    files: [{ path: a.yaml, image: api }]\n", 3, 3, "images.api: missing required key \"repository\"");
    }

    [Fact]
    public void Validate_HelmPathAndTag_AreMutuallyExclusive()
    {
        ConfigAssert.SingleErrorAt(Target("{ path: a.yaml, helm: { image: api, path: image, tag: image.tag } }"), 8, "tag:", "environments.dev.files[0].helm: path and tag cannot be combined");
    }

    [Fact]
    public void Validate_HelmPathAndDigest_AreMutuallyExclusive()
    {
        ConfigAssert.SingleErrorAt(Target("{ path: a.yaml, helm: { image: api, path: image, digest: image.digest } }"), 8, "digest:", "path and digest cannot be combined");
    }

    [Fact]
    public void Validate_HelmWithoutPathTagOrDigest_IsRejected()
    {
        ConfigAssert.SingleErrorAt(Target("{ path: a.yaml, helm: { image: api, repository: image.repository } }"), 8, "helm", "environments.dev.files[0].helm: set path (a values group or \"repo:tag\" string), or tag and/or digest");
    }

    [Fact]
    public void Validate_HelmWithoutImage_IsRejected()
    {
        ConfigAssert.SingleErrorAt(Target("{ path: a.yaml, helm: { path: image } }"), 8, "helm", "environments.dev.files[0].helm: missing required key \"image\"");
    }

    [Theory]
    [InlineData("image.tag")]
    [InlineData("image")]
    [InlineData("spec.values.images[0].tag")]
    [InlineData("spec.template.spec.containers[name=web].image")]
    [InlineData("a[0][1].b")]
    [InlineData("global.image-tag_v2")]
    [InlineData("images[name=my.app].tag")]
    public void Validate_YamlPath_IsAccepted(string path)
    {
        ConfigAssert.Valid(Target($"{{ path: a.yaml, helm: {{ image: api, tag: \"{path}\" }} }}"));
    }

    [Theory]
    [InlineData("image..tag")]
    [InlineData(".image")]
    [InlineData("image.")]
    [InlineData("image[01]")]
    [InlineData("image[-1]")]
    [InlineData("image[name=]")]
    [InlineData("image[=x]")]
    [InlineData("image[name=x")]
    [InlineData("[0].image")]
    [InlineData("image tag")]
    public void Validate_BadYamlPath_IsRejected(string path)
    {
        ConfigAssert.SingleErrorAt(Target($"{{ path: a.yaml, helm: {{ image: api, tag: \"{path}\" }} }}"), 8, "\"", "environments.dev.files[0].helm.tag: invalid YAML path");
    }

    [Theory]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("../other/values.yaml", "contains a '..' segment")]
    [InlineData(".git/config", "points into .git")]
    [InlineData("envs\\\\dev.yaml", "contains a backslash")]
    public void Validate_PathEscapingTheRepository_IsRejected(string path, string reason)
    {
        ConfigAssert.SingleErrorAt(Target($"{{ path: \"{path}\", image: api }}"), 8, "\"", "environments.dev.files[0].path: the path " + reason);
    }

    [Fact]
    public void Validate_PathMissing_IsRejectedAtTheEntry()
    {
        ConfigAssert.SingleError(Target("{ image: api }"), 8, 9, "environments.dev.files[0]: missing required key \"path\"");
    }

    [Theory]
    [InlineData("{ path: k.yaml, kustomize: { image: api, name: \"app:1.0\" } }", "\"app", "environments.dev.files[0].kustomize.name: expected an image name without tag or digest")]
    [InlineData("{ path: k.yaml, manifest: { image: api, container: Web_1 } }", "Web_1", "environments.dev.files[0].manifest.container: expected a container name")]
    [InlineData("{ path: k.yaml, manifest: { image: api, name: web } }", "name", "unknown key \"name\" in environments.dev.files[0].manifest; allowed keys: image, container")]
    [InlineData("{ path: k.yaml, kustomize: { image: api, newName: x } }", "newName", "unknown key \"newName\" in environments.dev.files[0].kustomize")]
    [InlineData("{ path: k.yaml, helm: image.tag }", "image.tag", "environments.dev.files[0].helm: expected a mapping; got \"image.tag\"")]
    [InlineData("{ path: k.yaml, image: [api] }", "[api]", "environments.dev.files[0].image: expected a string; got a list")]
    public void Validate_BadTargetDetails_AreRejected(string target, string marker, string message)
    {
        ConfigAssert.SingleErrorAt(Target(target), 8, marker, message);
    }

    [Fact]
    public void Validate_SameFileForTwoImages_IsAccepted()
    {
        ConfigAssert.Valid($"{Images}environments:\n  dev:\n    files:\n      - {{ path: v.yaml, helm: {{ image: api, tag: api.tag }} }}\n      - {{ path: v.yaml, helm: {{ image: web, tag: web.tag }} }}\n");
    }

    [Fact]
    public void Validate_ErrorsInSeveralTargets_AreAllReported()
    {
        var errors = ConfigParser.Validate($"{Images}environments:\n  dev:\n    files:\n      - {{ path: /abs.yaml, image: api }}\n      - {{ path: b.yaml, image: nope }}\n      - {{ path: c.yaml }}\n");

        Assert.Equal(3, errors.Count);
        Assert.Equal([8, 9, 10], errors.Select(error => error.Line));
    }
}
