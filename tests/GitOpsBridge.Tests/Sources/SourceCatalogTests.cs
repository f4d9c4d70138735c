using GitOpsBridge.Core.Sources;
using GitOpsBridge.Sources;
using Microsoft.Extensions.Configuration;

namespace GitOpsBridge.Tests.Sources;

public sealed class SourceCatalogTests
{
    private static SourceCatalog From(params (string Key, string? Value)[] values) =>
        SourceCatalog.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build());

    [Fact]
    public void From_CompleteSources_ReadsKindsAndOwners()
    {
        var catalog = From(("Sources:hub:Kind", "dockerhub"), ("Sources:hub:Secret", "s3cret"), ("Sources:hub:Owners:0", "acme"),
            ("Sources:gl:Kind", "GitLab"), ("Sources:gl:Secret", "x"), ("Sources:gl:Owners:0", "acme"), ("Sources:gl:Owners:1", "Beta"));

        Assert.Equal(SourceKind.DockerHub, catalog.Find("hub")!.Kind);
        Assert.True(catalog.Find("hub")!.IsRegistry);
        Assert.False(catalog.Find("gl")!.IsRegistry);
        Assert.True(catalog.Find("gl")!.AllowsOwner("beta"));
        Assert.False(catalog.Find("hub")!.AllowsOwner("beta"));
        Assert.Null(catalog.Find("nope"));
    }

    [Theory]
    [InlineData("Sources:hub:Owners", "Sources:hub:Kind=dockerhub", "Sources:hub:Secret=s")]
    [InlineData("Sources:hub:Secret", "Sources:hub:Kind=dockerhub", "Sources:hub:Owners:0=acme")]
    [InlineData("Sources:hub:Kind", "Sources:hub:Kind=dockerhubb", "Sources:hub:Secret=s", "Sources:hub:Owners:0=acme")]
    [InlineData("Sources:gar:Secret or Sources:gar:Audience", "Sources:gar:Kind=gar", "Sources:gar:Owners:0=acme")]
    [InlineData("Sources:github", "Sources:github:Kind=dockerhub", "Sources:github:Secret=s", "Sources:github:Owners:0=acme")]
    [InlineData("Sources:Bad_Name", "Sources:Bad_Name:Kind=dockerhub", "Sources:Bad_Name:Secret=s", "Sources:Bad_Name:Owners:0=acme")]
    public void From_IncompleteSource_RefusesNamingTheKeyAndNeverTheSecret(string key, params string[] settings)
    {
        var ex = Assert.Throws<SourceConfigurationException>(() => From(settings.Select(s => (s[..s.IndexOf('=', StringComparison.Ordinal)], (string?)s[(s.IndexOf('=', StringComparison.Ordinal) + 1)..])).ToArray()));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("=s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretEquals_ComparesWholeValues()
    {
        Assert.True(SourceAuthenticator.SecretEquals("abc", "abc"));
        Assert.False(SourceAuthenticator.SecretEquals("abc", "abcd"));
        Assert.False(SourceAuthenticator.SecretEquals("", "abc"));
        Assert.False(SourceAuthenticator.SecretEquals(null, "abc"));
    }

    [Fact]
    public void CircleCiSignature_AcceptsTheV1HmacAmongOthers_AndRejectsOtherwise()
    {
        var body = "{\"type\":\"workflow-completed\"}"u8.ToArray();
        var v1 = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("k"u8, body));

        Assert.True(SourceAuthenticator.CircleCiSignatureMatches("k", body, $"v1={v1}"));
        Assert.True(SourceAuthenticator.CircleCiSignatureMatches("k", body, $"v2=zzz, v1={v1}"));
        Assert.False(SourceAuthenticator.CircleCiSignatureMatches("other", body, $"v1={v1}"));
        Assert.False(SourceAuthenticator.CircleCiSignatureMatches("k", body, $"v1={v1[..^2]}"));
        Assert.False(SourceAuthenticator.CircleCiSignatureMatches("k", body, "v1=not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex"));
        Assert.False(SourceAuthenticator.CircleCiSignatureMatches("k", body, ""));
    }
}
