using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Tests.Images;

public sealed class ImageReferenceWithTests
{
    private const string Sha256 = "sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";
    private const string OtherSha256 = "sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d";

    [Theory]
    [InlineData("nginx:1.0", "1.1", "nginx:1.1")]
    [InlineData("nginx", "1.1", "nginx:1.1")]
    [InlineData("docker.io/library/nginx:1.0", "1.1", "docker.io/library/nginx:1.1")]
    [InlineData("localhost:5000/x:old", "new", "localhost:5000/x:new")]
    [InlineData("ghcr.io/acme/api:1.0@" + Sha256, "1.1", "ghcr.io/acme/api:1.1@" + Sha256)]
    public void WithTag_ValidTag_ReplacesOnlyTheTag(string text, string tag, string expected)
    {
        // Arrange
        ImageReference reference = ImageReference.Parse(text);

        // Act
        ImageReference bumped = reference.WithTag(tag);

        // Assert
        Assert.Equal(expected, bumped.ToString());
        Assert.Equal(reference.Name, bumped.Name);
    }

    [Fact]
    public void WithTag_Null_RemovesTheTagAndKeepsTheDigest()
    {
        // Arrange
        ImageReference reference = ImageReference.Parse("nginx:1.0@" + Sha256);

        // Act
        ImageReference untagged = reference.WithTag(null);

        // Assert
        Assert.Null(untagged.Tag);
        Assert.Equal("nginx@" + Sha256, untagged.ToString());
    }

    [Theory]
    [InlineData("", "the tag is empty")]
    [InlineData("1.0\n", "contains a line break")]
    [InlineData("-1", "starts with '-'")]
    public void WithTag_InvalidTag_ThrowsWithReason(string tag, string expectedFragment)
    {
        // Arrange
        ImageReference reference = ImageReference.Parse("nginx:1.0");

        // Act
        var exception = Assert.Throws<ImageReferenceException>(() => reference.WithTag(tag));

        // Assert
        Assert.Contains(expectedFragment, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithDigest_ValidDigest_ReplacesOnlyTheDigest()
    {
        // Arrange
        ImageReference reference = ImageReference.Parse("ghcr.io/acme/api:1.0@" + Sha256);

        // Act
        ImageReference pinned = reference.WithDigest(OtherSha256);

        // Assert
        Assert.Equal("ghcr.io/acme/api:1.0@" + OtherSha256, pinned.ToString());
    }

    [Fact]
    public void WithDigest_Null_RemovesTheDigestAndKeepsTheTag()
    {
        // Arrange
        ImageReference reference = ImageReference.Parse("ghcr.io/acme/api:1.0@" + Sha256);

        // Act
        ImageReference unpinned = reference.WithDigest(null);

        // Assert
        Assert.Equal("ghcr.io/acme/api:1.0", unpinned.ToString());
    }

    [Fact]
    public void WithDigest_FortyHexDigest_ThrowsWithReason()
    {
        // Arrange
        ImageReference reference = ImageReference.Parse("ghcr.io/acme/api:1.0");

        // Act
        var exception = Assert.Throws<ImageReferenceException>(
            () => reference.WithDigest("sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b"));

        // Assert
        Assert.Contains("has 40 hex characters, expected 64", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithRepository_ValidRepository_KeepsTagAndDigest()
    {
        // Arrange
        ImageReference reference = ImageReference.Parse("nginx:1.27@" + Sha256);

        // Act
        ImageReference moved = reference.WithRepository("registry.example.com:5000/mirror/nginx");

        // Assert
        Assert.Equal("registry.example.com:5000/mirror/nginx:1.27@" + Sha256, moved.ToString());
        Assert.Equal("registry.example.com:5000", moved.Registry);
        Assert.Equal("mirror/nginx", moved.Path);
        Assert.Equal("registry.example.com:5000/mirror/nginx", moved.Name);
    }

    [Fact]
    public void WithRepository_ShortDockerHubName_StaysShort()
    {
        // Arrange
        ImageReference reference = ImageReference.Parse("ghcr.io/acme/redis:7");

        // Act
        ImageReference moved = reference.WithRepository("redis");

        // Assert
        Assert.Equal("redis:7", moved.ToString());
        Assert.Equal("docker.io/library/redis", moved.Name);
    }

    [Theory]
    [InlineData("redis:8", "follows it")]
    [InlineData("Acme/api", "must be lower case")]
    [InlineData("", "it is empty")]
    public void WithRepository_NotARepositoryName_ThrowsWithReason(string repository, string expectedFragment)
    {
        // Arrange
        ImageReference reference = ImageReference.Parse("nginx:1.27");

        // Act
        var exception = Assert.Throws<ImageReferenceException>(() => reference.WithRepository(repository));

        // Assert
        Assert.Contains(expectedFragment, exception.Reason, StringComparison.Ordinal);
    }
}
