using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Tests.Config;

public sealed class ImageConfigTests
{
    private static string Image(string body) => $"version: 1\nimages:\n  api:\n{body}";

    [Theory]
    [InlineData("ghcr.io/acme/api")]
    [InlineData("nginx")]
    [InlineData("library/nginx")]
    [InlineData("localhost:5000/app")]
    [InlineData("registry.example.com:5000/team/sub/app")]
    [InlineData("my-registry.io/a__b/c.d/e--f")]
    [InlineData("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api")]
    public void Validate_RepositoryName_IsAccepted(string repository)
    {
        ConfigAssert.Valid(Image($"    repository: {repository}\n"));
    }

    [Theory]
    [InlineData("ghcr.io/acme/api:1.0", "includes a tag")]
    [InlineData("ghcr.io/acme/api@sha256:0123", "includes a digest")]
    [InlineData("ghcr.io/Acme/api", "must be lower-case")]
    [InlineData("ghcr.io/acme/api/", "is not a repository name")]
    [InlineData("ghcr.io//api", "is not a repository name")]
    [InlineData("-api", "is not a repository name")]
    [InlineData("acme/api_", "is not a repository name")]
    [InlineData("https://ghcr.io/acme/api", "is not a repository name")]
    public void Validate_BadRepositoryName_IsRejectedWithReason(string repository, string reason)
    {
        ConfigAssert.SingleError(Image($"    repository: \"{repository}\"\n"), 4, 17, "images.api.repository:", reason);
    }

    [Fact]
    public void Validate_RepositoryLongerThan255_IsRejected()
    {
        ConfigAssert.SingleError(Image($"    repository: a/{new string('b', 254)}\n"), 4, 17, "longer than 255 characters");
    }

    [Fact]
    public void Validate_RepositoryMissing_IsReportedAtTheAlias()
    {
        ConfigAssert.SingleError(Image("    digest: pin\n"), 3, 3, "images.api: missing required key \"repository\"");
    }

    [Fact]
    public void Validate_ImageNotAMapping_ReportsType()
    {
        ConfigAssert.SingleError("version: 1\nimages:\n  api: ghcr.io/acme/api\n", 3, 8, "images.api: expected a mapping; got \"ghcr.io/acme/api\"");
    }

    [Fact]
    public void Validate_EmptyImage_ReportedAtKey()
    {
        ConfigAssert.SingleError("version: 1\nimages:\n  api:\n", 3, 3, "images.api: expected a mapping; got nothing");
    }

    [Theory]
    [InlineData("Api")]
    [InlineData("api_")]
    [InlineData("-api")]
    [InlineData("my api")]
    public void Validate_BadAlias_IsRejectedAtTheKey(string alias)
    {
        ConfigAssert.SingleError($"version: 1\nimages:\n  \"{alias}\": {{ repository: ghcr.io/acme/api }}\n", 3, 3, "invalid image alias");
    }

    [Theory]
    [InlineData("keep", DigestMode.Keep)]
    [InlineData("pin", DigestMode.Pin)]
    [InlineData("only", DigestMode.Only)]
    public void Parse_DigestMode_IsBound(string value, DigestMode expected)
    {
        var config = ConfigParser.Parse(Image($"    repository: ghcr.io/acme/api\n    digest: {value}\n"));

        Assert.Equal(expected, config.Images["api"].Digest);
    }

    [Theory]
    [InlineData("pinned", "got \"pinned\"")]
    [InlineData("Pin", "got \"Pin\"")]
    [InlineData("none", "got \"none\"")]
    [InlineData("true", "got boolean true")]
    public void Validate_BadDigestMode_ListsAllowedValues(string value, string found)
    {
        ConfigAssert.SingleError(Image($"    repository: ghcr.io/acme/api\n    digest: {value}\n"), 5, 13, "images.api.digest: expected one of keep, pin, only; " + found);
    }

    [Fact]
    public void Validate_UnknownImageKey_SuggestsClosest()
    {
        ConfigAssert.SingleError(Image("    repository: ghcr.io/acme/api\n    polcy: { any: true }\n"), 5, 5, "unknown key \"polcy\" in images.api (did you mean \"policy\"?)");
    }

    [Fact]
    public void Validate_UnknownImageKeyWithoutNearMatch_ListsAllowedKeys()
    {
        ConfigAssert.SingleError(Image("    repository: ghcr.io/acme/api\n    registry: ghcr.io\n"), 5, 5, "unknown key \"registry\" in images.api; allowed keys: repository, policy, digest, fluxPolicy, sources, ci");
    }

    [Theory]
    [InlineData("flux-system:api")]
    [InlineData("apps:api.v2")]
    public void Validate_FluxPolicy_IsAccepted(string value)
    {
        ConfigAssert.Valid(Image($"    repository: ghcr.io/acme/api\n    fluxPolicy: \"{value}\"\n"));
    }

    [Theory]
    [InlineData("api")]
    [InlineData("flux-system:api:tag")]
    [InlineData("Flux:api")]
    public void Validate_BadFluxPolicy_IsRejected(string value)
    {
        ConfigAssert.SingleError(Image($"    repository: ghcr.io/acme/api\n    fluxPolicy: \"{value}\"\n"), 5, 17, "images.api.fluxPolicy: expected namespace:name");
    }

    [Fact]
    public void Validate_FluxPolicyMappedTwice_IsRejectedAtSecond()
    {
        ConfigAssert.SingleError("""
            version: 1
            images:
              api: { repository: ghcr.io/acme/api, fluxPolicy: "flux-system:api" }
              web: { repository: ghcr.io/acme/web, fluxPolicy: "flux-system:api" }
            """, 4, 52, "images.web.fluxPolicy: \"flux-system:api\" is already mapped to image \"api\"");
    }

    [Fact]
    public void Validate_SourcesEmpty_IsRejected()
    {
        ConfigAssert.SingleError(Image("    repository: ghcr.io/acme/api\n    sources: []\n"), 5, 14, "images.api.sources: must not be an empty list", "leave sources out");
    }

    [Fact]
    public void Validate_SourcesWithDuplicateAndBadName_ReportsEach()
    {
        var errors = ConfigParser.Validate(Image("    repository: ghcr.io/acme/api\n    sources: [github, github, Bad_Name]\n"));

        Assert.Equal(2, errors.Count);
        ConfigAssert.HasError(errors, 5, 23, "images.api.sources[1]: duplicate entry \"github\"");
        ConfigAssert.HasError(errors, 5, 31, "images.api.sources[2]: invalid event source name \"Bad_Name\"");
    }

    [Fact]
    public void Validate_SourcesAsString_SuggestsList()
    {
        ConfigAssert.SingleError(Image("    repository: ghcr.io/acme/api\n    sources: github\n"), 5, 14, "images.api.sources: expected a list; got \"github\" (for a single entry write [github])");
    }

    [Fact]
    public void Validate_ImagesAsList_IsRejected()
    {
        ConfigAssert.SingleError("version: 1\nimages:\n  - repository: ghcr.io/acme/api\n", 3, 3, "images: expected a mapping; got a list");
    }
}
