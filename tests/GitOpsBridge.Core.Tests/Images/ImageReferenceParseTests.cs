using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Tests.Images;

public sealed class ImageReferenceParseTests
{
    private const string Sha256 = "sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";

    public static TheoryData<string, string?, string, string?, string?, string, string, string> Components => new()
    {
        // text, registry, path, tag, digest, domain, name, repository
        { "nginx", null, "nginx", null, null, "docker.io", "docker.io/library/nginx", "nginx" },
        { "nginx:1.27", null, "nginx", "1.27", null, "docker.io", "docker.io/library/nginx", "nginx" },
        { "library/nginx", null, "library/nginx", null, null, "docker.io", "docker.io/library/nginx", "library/nginx" },
        { "bitnami/nginx:1.25.3", null, "bitnami/nginx", "1.25.3", null, "docker.io", "docker.io/bitnami/nginx", "bitnami/nginx" },
        { "docker.io/nginx", "docker.io", "nginx", null, null, "docker.io", "docker.io/library/nginx", "docker.io/nginx" },
        { "docker.io/bitnami/nginx", "docker.io", "bitnami/nginx", null, null, "docker.io", "docker.io/bitnami/nginx", "docker.io/bitnami/nginx" },
        { "index.docker.io/library/nginx:latest", "index.docker.io", "library/nginx", "latest", null, "docker.io", "docker.io/library/nginx", "index.docker.io/library/nginx" },
        { "ghcr.io/acme/api:1.4.2", "ghcr.io", "acme/api", "1.4.2", null, "ghcr.io", "ghcr.io/acme/api", "ghcr.io/acme/api" },
        { "ghcr.io/nginx", "ghcr.io", "nginx", null, null, "ghcr.io", "ghcr.io/nginx", "ghcr.io/nginx" },
        { "localhost/x:1", "localhost", "x", "1", null, "localhost", "localhost/x", "localhost/x" },
        { "localhost:5000/x", "localhost:5000", "x", null, null, "localhost:5000", "localhost:5000/x", "localhost:5000/x" },
        { "127.0.0.1:5000/a/b:t", "127.0.0.1:5000", "a/b", "t", null, "127.0.0.1:5000", "127.0.0.1:5000/a/b", "127.0.0.1:5000/a/b" },
        { "[::1]:5000/app:1.0", "[::1]:5000", "app", "1.0", null, "[::1]:5000", "[::1]:5000/app", "[::1]:5000/app" },
        { "registry:5000/app", "registry:5000", "app", null, null, "registry:5000", "registry:5000/app", "registry:5000/app" },
        { "My.Registry.IO/app", "My.Registry.IO", "app", null, null, "my.registry.io", "my.registry.io/app", "My.Registry.IO/app" },
        { "nginx@" + Sha256, null, "nginx", null, Sha256, "docker.io", "docker.io/library/nginx", "nginx" },
        { "nginx:1.27@" + Sha256, null, "nginx", "1.27", Sha256, "docker.io", "docker.io/library/nginx", "nginx" },
        { "registry.example.com:443/team/app@" + Sha256, "registry.example.com:443", "team/app", null, Sha256, "registry.example.com:443", "registry.example.com:443/team/app", "registry.example.com:443/team/app" },
        { "quay.io/a__b/c---d.e_f:Tag_1.0-x", "quay.io", "a__b/c---d.e_f", "Tag_1.0-x", null, "quay.io", "quay.io/a__b/c---d.e_f", "quay.io/a__b/c---d.e_f" },
        { "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/service:2024.06.01-abc", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "team/service", "2024.06.01-abc", null, "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/service", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/service" },

        // Docker's own reading: without a '/', "localhost:5000" is the image "localhost" tagged "5000".
        { "localhost:5000", null, "localhost", "5000", null, "docker.io", "docker.io/library/localhost", "localhost" },
    };

    [Theory]
    [MemberData(nameof(Components))]
    public void Parse_ValidReference_ExposesWrittenAndNormalisedParts(
        string text, string? registry, string path, string? tag, string? digest, string domain, string name, string repository)
    {
        // Act
        ImageReference reference = ImageReference.Parse(text);

        // Assert
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(path, reference.Path);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal(domain, reference.Domain);
        Assert.Equal(name, reference.Name);
        Assert.Equal(repository, reference.Repository);
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("nginx:1.27")]
    [InlineData("library/nginx:1.27")]
    [InlineData("docker.io/nginx:1.27")]
    [InlineData("index.docker.io/library/nginx:1.27")]
    [InlineData("My.Registry.IO/app:v1")]
    [InlineData("localhost:5000/x")]
    [InlineData("127.0.0.1:5000/a/b:t")]
    [InlineData("[::1]:5000/app:1.0")]
    [InlineData("nginx@" + Sha256)]
    [InlineData("ghcr.io/acme/api:1.4.2@" + Sha256)]
    public void ToString_ParsedReference_RendersAsWritten(string text)
    {
        // Arrange
        ImageReference reference = ImageReference.Parse(text);

        // Act
        string rendered = reference.ToString();

        // Assert
        Assert.Equal(text, rendered);
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("library/nginx")]
    [InlineData("docker.io/nginx")]
    [InlineData("docker.io/library/nginx")]
    [InlineData("index.docker.io/nginx")]
    [InlineData("index.docker.io/library/nginx")]
    [InlineData("DOCKER.IO/nginx")]
    public void NormalizeName_DockerHubSpellings_AllBecomeTheLibraryName(string repository)
    {
        // Act
        string name = ImageReference.NormalizeName(repository);

        // Assert
        Assert.Equal("docker.io/library/nginx", name);
    }

    [Theory]
    [InlineData("nginx:1.0", "docker.io/library/nginx:2.0")]
    [InlineData("nginx", "index.docker.io/library/nginx@" + Sha256)]
    [InlineData("docker.io/nginx:1", "library/nginx:1")]
    [InlineData("GHCR.io/acme/api:1", "ghcr.io/acme/api:2")]
    public void SameRepository_SpellingsOfOneRepository_ReturnsTrue(string left, string right)
    {
        // Arrange
        ImageReference a = ImageReference.Parse(left);
        ImageReference b = ImageReference.Parse(right);

        // Act
        bool same = a.SameRepository(b);

        // Assert
        Assert.True(same);
    }

    [Theory]
    [InlineData("nginx", "ghcr.io/nginx")]
    [InlineData("nginx", "bitnami/nginx")]
    [InlineData("localhost:5000/x", "localhost/x")]
    [InlineData("ghcr.io/acme/api", "ghcr.io/acme/api-worker")]
    public void SameRepository_DifferentRepositories_ReturnsFalse(string left, string right)
    {
        // Arrange
        ImageReference a = ImageReference.Parse(left);
        ImageReference b = ImageReference.Parse(right);

        // Act
        bool same = a.SameRepository(b);

        // Assert
        Assert.False(same);
    }

    [Theory]
    [InlineData("nginx", true)]
    [InlineData("docker.io/library/nginx", true)]
    [InlineData("index.docker.io/nginx", true)]
    [InlineData("ghcr.io/nginx", false)]
    [InlineData("nginx:1.27", false)] // a reference with a tag is not a repository name
    [InlineData("Nginx", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void SameRepository_RepositoryText_NormalisesBeforeComparing(string? repository, bool expected)
    {
        // Arrange
        ImageReference reference = ImageReference.Parse("nginx:1.27");

        // Act
        bool same = reference.SameRepository(repository);

        // Assert
        Assert.Equal(expected, same);
    }

    [Fact]
    public void Equals_SameRepositoryWrittenDifferently_IsNotEqual()
    {
        // Arrange
        ImageReference shortForm = ImageReference.Parse("nginx:1.0");
        ImageReference longForm = ImageReference.Parse("docker.io/library/nginx:1.0");

        // Act
        bool equal = shortForm.Equals(longForm);

        // Assert
        Assert.False(equal);
        Assert.True(shortForm.SameRepository(longForm));
    }

    [Fact]
    public void Equals_SameText_IsEqualWithEqualHashCodes()
    {
        // Arrange
        ImageReference a = ImageReference.Parse("ghcr.io/acme/api:1.0@" + Sha256);
        ImageReference b = ImageReference.Parse("ghcr.io/acme/api:1.0@" + Sha256);

        // Act
        bool equal = a == b;

        // Assert
        Assert.True(equal);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void TryParse_ValidReference_ReturnsReferenceAndNoError()
    {
        // Act
        bool parsed = ImageReference.TryParse("ghcr.io/acme/api:1.4.2", out ImageReference? reference, out string? error);

        // Assert
        Assert.True(parsed);
        Assert.Equal("1.4.2", reference!.Tag);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("nginx", "docker.io/library/nginx")]
    [InlineData("ghcr.io/acme/api", "ghcr.io/acme/api")]
    [InlineData("localhost:5000/x", "localhost:5000/x")]
    public void TryParseRepository_NameWithoutTag_ReturnsNormalisedName(string text, string expected)
    {
        // Act
        bool parsed = ImageReference.TryParseRepository(text, out string? name, out string? error);

        // Assert
        Assert.True(parsed);
        Assert.Equal(expected, name);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("nginx:1.27", "':1.27' follows it")]
    [InlineData("nginx@" + Sha256, "'@sha256:")]
    [InlineData("Nginx", "must be lower case")]
    [InlineData("", "it is empty")]
    [InlineData(null, "no repository name was given")]
    public void TryParseRepository_NotARepositoryName_ReturnsError(string? text, string expectedFragment)
    {
        // Act
        bool parsed = ImageReference.TryParseRepository(text, out string? name, out string? error);

        // Assert
        Assert.False(parsed);
        Assert.Null(name);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalizeName_ReferenceWithTag_ThrowsImageReferenceException()
    {
        // Act
        var exception = Assert.Throws<ImageReferenceException>(() => ImageReference.NormalizeName("nginx:1.27"));

        // Assert
        Assert.Contains("is not a valid repository name", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        // Act and assert
        Assert.Throws<ArgumentNullException>(() => ImageReference.Parse(null!));
    }

    [Fact]
    public void Parse_NameOfExactly255NormalisedCharacters_IsAccepted()
    {
        // Arrange: "ghcr.io/" is 8 characters.
        string text = "ghcr.io/" + new string('a', ImageReference.NameMaxLength - 8);

        // Act
        ImageReference reference = ImageReference.Parse(text);

        // Assert
        Assert.Equal(255, reference.Name.Length);
    }

    [Fact]
    public void Parse_TagOfExactly128Characters_IsAccepted()
    {
        // Arrange
        string tag = new('t', ImageReference.TagMaxLength);

        // Act
        ImageReference reference = ImageReference.Parse("nginx:" + tag);

        // Assert
        Assert.Equal(tag, reference.Tag);
    }
}
