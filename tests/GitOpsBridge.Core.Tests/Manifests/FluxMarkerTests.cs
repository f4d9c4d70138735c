using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Planning;

namespace GitOpsBridge.Core.Tests.Manifests;

public sealed class FluxMarkerTests
{
    private const string Config = """
        version: 1
        images:
          updated:
            repository: index.repo.fake/updated
            fluxPolicy: automation-ns:policy
        environments:
          dev:
            files:
              - path: marked.yaml
                image: updated
        """;

    [Fact]
    public void Plan_FluxSettersFixture_ProducesFluxExpectedOutputExactly()
    {
        // The pair Flux's own image-automation-controller tests check against.
        var original = Fixtures.YamlExact("image-automation-controller/internal__update__testdata__setters__original__marked.yaml");
        var expected = Fixtures.YamlExact("image-automation-controller/internal__update__testdata__setters__expected__marked.yaml");

        var plan = Planner.Create(
            new PlanRequest(ImageReference.Parse("index.repo.fake/updated:v1.0.1"), ConfigParser.Parse(Config)),
            new MemoryFiles(("marked.yaml", original)));

        var edit = Assert.Single(plan.Edits);
        Assert.Equal(expected, edit.NewText);
        var change = Assert.Single(plan.Changes);
        Assert.Equal("spec.jobTemplate.spec.template.spec.containers[0].image", change.YamlPath);
        Assert.Equal(14, change.Line);
    }

    [Fact]
    public void Plan_MarkerWithoutConfig_MatchesByCurrentRepository()
    {
        var text = "spec:\n  image: ghcr.io/acme/api:1.0.0 # {\"$imagepolicy\": \"flux-system:api\"}\n  other: ghcr.io/acme/web:1.0.0 # {\"$imagepolicy\": \"flux-system:web\"}\n";

        var plan = Planner.Create(new PlanRequest(ImageReference.Parse("ghcr.io/acme/api:1.1.0"), null), new MemoryFiles(("x.yaml", text)));

        Assert.Equal(
            "spec:\n  image: ghcr.io/acme/api:1.1.0 # {\"$imagepolicy\": \"flux-system:api\"}\n  other: ghcr.io/acme/web:1.0.0 # {\"$imagepolicy\": \"flux-system:web\"}\n",
            Assert.Single(plan.Edits).NewText);
    }

    [Fact]
    public void Plan_OwnMarkerFields_SetTagNameAndDigest()
    {
        const string config = """
            version: 1
            discover: true
            images:
              api:
                repository: ghcr.io/acme/api
                digest: pin
            """;
        var digest = "sha256:" + new string('a', 64);
        var text = "values:\n  repo: ghcr.io/acme/old # gitops-bridge: api:name\n  version: \"1.0.0\" # gitops-bridge: api:tag\n  sum: none # gitops-bridge: api:digest\n";

        var plan = Planner.Create(new PlanRequest(ImageReference.Parse("ghcr.io/acme/api:1.2.0@" + digest), ConfigParser.Parse(config)), new MemoryFiles(("values.yaml", text)));

        Assert.Equal(
            $"values:\n  repo: ghcr.io/acme/api # gitops-bridge: api:name\n  version: \"1.2.0\" # gitops-bridge: api:tag\n  sum: {digest} # gitops-bridge: api:digest\n",
            Assert.Single(plan.Edits).NewText);
    }

    [Theory]
    [InlineData("{\"$imagepolicy\": \"ns:name\"}", "ns:name", "Reference")]
    [InlineData("{\"$imagepolicy\": \"ns:name:tag\"}", "ns:name", "Tag")]
    [InlineData("{\"$imagepolicy\":\"ns:name:digest\"}", "ns:name", "Digest")]
    [InlineData("gitops-bridge: api:name", "api", "Name")]
    [InlineData("gitops-bridge: api", "api", "Reference")]
    public void TryParseMarker_KnownForms_Parse(string comment, string id, string field)
    {
        Assert.True(GitOpsBridge.Core.Manifests.ImageSiteLocator.TryParseMarker(comment, out var parsedId, out var parsedField, out _));
        Assert.Equal(id, parsedId);
        Assert.Equal(field, parsedField.ToString());
    }

    [Theory]
    [InlineData("{\"$imagepolicy\": \"ns\"}")]
    [InlineData("{\"$imagepolicy\": \"ns:name:bogus\"}")]
    [InlineData("gitops-bridge: api:version")]
    [InlineData("just a comment")]
    public void TryParseMarker_OtherComments_AreNotMarkers(string comment)
    {
        Assert.False(GitOpsBridge.Core.Manifests.ImageSiteLocator.TryParseMarker(comment, out _, out _, out _));
    }
}
