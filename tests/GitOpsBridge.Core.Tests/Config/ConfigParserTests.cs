using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Tests.Config;

public sealed class ConfigParserTests
{
    [Fact]
    public void Parse_FullExample_BindsTopLevelAndImages()
    {
        var config = ConfigParser.Parse(ConfigTestFiles.Example("full.yml"));

        Assert.Equal(1, config.Version);
        Assert.True(config.Discover);
        Assert.Equal(["api", "worker", "web"], config.Images.Keys);

        var api = config.Images["api"];
        Assert.Equal("api", api.Alias);
        Assert.Equal("ghcr.io/acme/api", api.Repository);
        Assert.Equal(new PolicyConfig("^1.4", true, null, null, PatternOrder.Numerical, false), api.Policy);
        Assert.Equal(DigestMode.Pin, api.Digest);
        Assert.Equal("flux-system:api", api.FluxPolicy);
        Assert.Equal(["github", "acr-prod"], api.Sources);
        Assert.Equal(new SourcePosition(6, 3), api.Position);
        Assert.NotNull(api.Ci);
        Assert.Equal("acme/api", api.Ci.Repository);
        Assert.Equal("build.yml", api.Ci.Workflow);
        Assert.Equal(["main", "release/1.x"], api.Ci.Branches);
        Assert.Equal("sha-{sha:7}", api.Ci.Tag);
        Assert.True(api.Ci.Verify);

        var worker = config.Images["worker"];
        Assert.Equal("registry.example.com:5000/team/worker", worker.Repository);
        Assert.Equal(new PolicyConfig(null, false, @"^main-(?<n>\d+)-[0-9a-f]{7}$", "n", PatternOrder.Numerical, false), worker.Policy);
        Assert.Equal(DigestMode.Only, worker.Digest);
        Assert.Empty(worker.Sources);
        Assert.Null(worker.Ci);

        var web = config.Images["web"];
        Assert.Equal("nginx", web.Repository);
        Assert.Equal(new PolicyConfig(null, false, null, null, PatternOrder.Numerical, true), web.Policy);
        Assert.Equal(DigestMode.Keep, web.Digest);
    }

    [Fact]
    public void Parse_FullExample_BindsEnvironments()
    {
        var config = ConfigParser.Parse(ConfigTestFiles.Example("full.yml"));

        Assert.Equal(["dev", "prod"], config.Environments.Keys);
        var dev = config.Environments["dev"];
        Assert.Equal("dev", dev.Name);
        Assert.Equal("main", dev.Branch);
        Assert.Null(dev.PromoteFrom);
        Assert.Null(dev.Soak);
        Assert.Equal(TimeSpan.FromSeconds(30), dev.BatchWindow);
        Assert.Equal(CommitMode.Git, dev.Commit);
        var freeze = Assert.Single(dev.Freeze);
        Assert.Equal([DayOfWeek.Saturday, DayOfWeek.Sunday], freeze.Days);
        Assert.Equal(TimeOnly.MinValue, freeze.Start);
        Assert.Equal(TimeOnly.MaxValue, freeze.End);
        Assert.Equal("Europe/Berlin", freeze.TimeZone);
        Assert.NotNull(dev.PullRequest);
        Assert.Equal(MergeMethod.Squash, dev.PullRequest.AutoMerge);
        Assert.False(dev.PullRequest.Draft);
        Assert.Equal(["env/dev"], dev.PullRequest.Labels);
        Assert.Equal(["alice"], dev.PullRequest.Reviewers);
        Assert.Equal(["acme/sre"], dev.PullRequest.TeamReviewers);
        Assert.Equal(0, dev.PullRequest.MinApprovals);

        var prod = config.Environments["prod"];
        Assert.Equal("production", prod.Branch);
        Assert.Equal("dev", prod.PromoteFrom);
        Assert.Equal(TimeSpan.FromMinutes(90), prod.Soak);
        Assert.Equal(TimeSpan.FromMinutes(2), prod.BatchWindow);
        Assert.Equal(CommitMode.Api, prod.Commit);
        Assert.Null(prod.PullRequest);
        Assert.Equal(2, prod.Freeze.Count);
        Assert.Equal([DayOfWeek.Friday], prod.Freeze[0].Days);
        Assert.Equal(new TimeOnly(16, 0), prod.Freeze[0].Start);
        Assert.Equal(TimeOnly.MaxValue, prod.Freeze[0].End);
        Assert.Equal("America/New_York", prod.Freeze[0].TimeZone);
        Assert.Equal(7, prod.Freeze[1].Days.Count);
        Assert.Equal("UTC", prod.Freeze[1].TimeZone);
    }

    [Fact]
    public void Parse_FullExample_BindsEveryTargetKind()
    {
        var files = ConfigParser.Parse(ConfigTestFiles.Example("full.yml")).Environments["dev"].Files;

        Assert.Equal(5, files.Count);
        Assert.Equal(new FileTarget("envs/dev/values.yaml", TargetKind.Helm, "api", new HelmTarget("image", null, null, null, null), null, null, new SourcePosition(33, 9)), files[0]);
        Assert.Equal(new HelmTarget(null, "image.tag", "image.repository", "image.registry", "image.digest"), files[1].Helm);
        Assert.Equal(TargetKind.Kustomize, files[2].Kind);
        Assert.Equal("overlays/dev/kustomization.yaml", files[2].Path);
        Assert.Equal("worker", files[2].Image);
        Assert.Equal("worker", files[2].KustomizeName);
        Assert.Equal(new FileTarget("k8s/deploy.yaml", TargetKind.Manifest, "web", null, null, "web", new SourcePosition(39, 9)), files[3]);
        Assert.Equal(new FileTarget("apps/api.yaml", TargetKind.Auto, "api", null, null, null, new SourcePosition(41, 9)), files[4]);
    }

    [Fact]
    public void Parse_MinimalConfig_AppliesDefaults()
    {
        var config = ConfigParser.Parse("version: 1\n");

        Assert.Equal(1, config.Version);
        Assert.False(config.Discover);
        Assert.Empty(config.Images);
        Assert.Empty(config.Environments);
    }

    [Fact]
    public void Parse_ImageWithOnlyRepository_AppliesImageDefaults()
    {
        var image = ConfigParser.Parse("""
            version: 1
            images:
              api: { repository: ghcr.io/acme/api }
            """).Images["api"];

        Assert.Equal("ghcr.io/acme/api", image.Repository);
        Assert.Null(image.Policy);
        Assert.Equal(DigestMode.Keep, image.Digest);
        Assert.Null(image.FluxPolicy);
        Assert.Empty(image.Sources);
        Assert.Null(image.Ci);
        Assert.Equal(new SourcePosition(3, 3), image.Position);
    }

    [Fact]
    public void Parse_EmptyEnvironment_AppliesEnvironmentDefaults()
    {
        var environment = ConfigParser.Parse("""
            version: 1
            environments:
              dev: {}
            """).Environments["dev"];

        Assert.Null(environment.Branch);
        Assert.Empty(environment.Files);
        Assert.Null(environment.PromoteFrom);
        Assert.Null(environment.Soak);
        Assert.Null(environment.BatchWindow);
        Assert.Equal(CommitMode.Git, environment.Commit);
        Assert.Empty(environment.Freeze);
        Assert.Same(PullRequestConfig.Default, environment.PullRequest);
        Assert.Equal(new SourcePosition(3, 3), environment.Position);
    }

    [Fact]
    public void Parse_TypicalExample_IsValid()
    {
        var config = ConfigParser.Parse(ConfigTestFiles.Example("typical.yml"));

        Assert.True(config.Discover);
        Assert.Null(config.Environments["dev"].Files[1].KustomizeName);
        Assert.True(config.Environments["prod"].PullRequest!.Draft);
        Assert.Equal(["acme/sre"], config.Environments["prod"].PullRequest!.TeamReviewers);
    }

    [Fact]
    public void Parse_AnchorsAndAliases_ReuseWholeValues()
    {
        var config = ConfigParser.Parse(ConfigTestFiles.Example("anchors.yml"));

        var staging = config.Environments["staging"];
        var prod = config.Environments["prod"];
        Assert.Equal(staging.Files, prod.Files);
        Assert.Equal("envs/values.yaml", Assert.Single(prod.Files).Path);
        Assert.Equal([DayOfWeek.Saturday, DayOfWeek.Sunday], Assert.Single(prod.Freeze).Days);
        Assert.Equal(["acme/sre"], prod.PullRequest!.TeamReviewers);
        Assert.Equal(["gitops"], prod.PullRequest.Labels);
    }

    [Fact]
    public void Parse_ExplicitNulls_MeanNotSet()
    {
        var config = ConfigParser.Parse(ConfigTestFiles.Example("nulls.yml"));

        var image = config.Images["api"];
        Assert.Null(image.Policy);
        Assert.Null(image.FluxPolicy);
        Assert.Null(image.Ci);
        var dev = config.Environments["dev"];
        Assert.Null(dev.Branch);
        Assert.Null(dev.PromoteFrom);
        Assert.Null(dev.Soak);
        Assert.Null(dev.BatchWindow);
        Assert.Null(dev.PullRequest!.AutoMerge);
    }

    [Theory]
    [InlineData("pullRequest: true", false)]
    [InlineData("pullRequest: {}", false)]
    [InlineData("pullRequest: false", true)]
    public void Parse_PullRequestShorthand_EnablesOrDisables(string line, bool disabled)
    {
        var environment = ConfigParser.Parse($"version: 1\nenvironments:\n  dev:\n    {line}\n").Environments["dev"];

        if (disabled)
        {
            Assert.Null(environment.PullRequest);
        }
        else
        {
            Assert.NotNull(environment.PullRequest);
            Assert.Null(environment.PullRequest.AutoMerge);
            Assert.False(environment.PullRequest.Draft);
            Assert.Empty(environment.PullRequest.Labels);
            Assert.Empty(environment.PullRequest.Reviewers);
            Assert.Empty(environment.PullRequest.TeamReviewers);
            Assert.Equal(0, environment.PullRequest.MinApprovals);
        }
    }

    [Fact]
    public void Parse_InvalidConfig_ThrowsWithEveryError()
    {
        const string Yaml = """
            version: 1
            images:
              api:
                repository: ghcr.io/acme/api
                digest: pinned
            environments:
              dev:
                brnach: main
                commit: svn
            """;

        var exception = Assert.Throws<ConfigException>(() => ConfigParser.Parse(Yaml));

        Assert.Equal(3, exception.Errors.Count);
        Assert.Equal(new ConfigError(RepositoryConfig.FilePath, 5, 13, "images.api.digest: expected one of keep, pin, only; got \"pinned\""), exception.Errors[0]);
        Assert.Equal(new ConfigError(RepositoryConfig.FilePath, 8, 5, "unknown key \"brnach\" in environments.dev (did you mean \"branch\"?)"), exception.Errors[1]);
        Assert.Equal(new ConfigError(RepositoryConfig.FilePath, 9, 13, "environments.dev.commit: expected one of git, api; got \"svn\""), exception.Errors[2]);
        Assert.Contains("3 configuration errors", exception.Message, StringComparison.Ordinal);
        Assert.Contains(".github/gitops-bridge.yml:8:5: unknown key \"brnach\"", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SingleError_MessageIsThatError()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigParser.Parse("version: 1\ndiscover: yes\n"));

        Assert.Equal(".github/gitops-bridge.yml:2:11: discover: expected true or false; got \"yes\"", exception.Message);
    }

    [Fact]
    public void Validate_FileName_IsUsedInErrors()
    {
        var error = Assert.Single(ConfigParser.Validate("version: 1\nfoo: 1\n", "repo/.github/gitops-bridge.yml"));

        Assert.Equal("repo/.github/gitops-bridge.yml", error.File);
        Assert.Equal("repo/.github/gitops-bridge.yml:2:1: unknown key \"foo\" at the top level; allowed keys: version, discover, images, environments", error.ToString());
    }

    [Fact]
    public void Validate_ErrorsFromSeveralSections_AreSortedByPosition()
    {
        var errors = ConfigParser.Validate("""
            version: 1
            environments:
              dev:
                files:
                  - { path: a.yaml, image: nope }
            images:
              api: { repository: UPPER }
            """);

        Assert.Equal(2, errors.Count);
        Assert.Equal(5, errors[0].Line);
        Assert.Equal(7, errors[1].Line);
    }

    [Fact]
    public void Validate_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ConfigParser.Validate(null!));
    }
}
