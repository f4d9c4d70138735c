using System.Text.Json;
using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Tests.Images;

/// <summary>References as real senders write them, read from the shared payload and manifest fixtures.</summary>
public sealed class ImageReferencePayloadTests
{
    [Fact]
    public void TryParse_GitHubPackageEventWithoutTag_RejectsWithTheMissingTag()
    {
        // Arrange: GitHub's own example sends "ghcr.io/Codertocat/hello-world:" for an untagged container.
        string packageUrl = ReadPayload("github/package.published.container.json")
            .GetProperty("package").GetProperty("package_version").GetProperty("package_url").GetString()!;

        // Act
        bool parsed = ImageReference.TryParse(packageUrl, out _, out string? error);

        // Assert
        Assert.Equal("ghcr.io/Codertocat/hello-world:", packageUrl);
        Assert.False(parsed);
        Assert.Equal(
            "'ghcr.io/Codertocat/hello-world:' is not a valid image reference: nothing follows ':' (the tag is empty)",
            error);
    }

    [Theory]
    [InlineData("github/package.published.container.json", "package")]
    [InlineData("github/registry_package.published.container.json", "registry_package")]
    public void IsValidDigest_GitHubExampleDigest_RejectsTheCommitIdPosingAsDigest(string file, string packageProperty)
    {
        // Arrange
        string digest = ReadPayload(file)
            .GetProperty(packageProperty).GetProperty("package_version").GetProperty("container_metadata")
            .GetProperty("tag").GetProperty("digest").GetString()!;

        // Act
        bool valid = ImageReference.IsValidDigest(digest);

        // Assert
        Assert.Equal("sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b", digest);
        Assert.False(valid);
    }

    [Fact]
    public void WithDigest_EcrExampleDigest_RejectsSixtyHexCharacters()
    {
        // Arrange
        string digest = ReadPayload("ecr/eventbridge.image-push.json").GetProperty("detail").GetProperty("image-digest").GetString()!;
        ImageReference reference = ImageReference.Parse("123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name:latest");

        // Act
        var exception = Assert.Throws<ImageReferenceException>(() => reference.WithDigest(digest));

        // Assert
        Assert.Contains("has 60 hex characters, expected 64", exception.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GarInsertEventTag_SplitsTheFullReference()
    {
        // Arrange: Artifact Registry puts a whole reference in "tag".
        string tag = ReadPayload("gar/pubsub-data.insert-with-tag.docs.json").GetProperty("tag").GetString()!;

        // Act
        ImageReference reference = ImageReference.Parse(tag);

        // Assert
        Assert.Equal("us-west1-docker.pkg.dev", reference.Registry);
        Assert.Equal("my-project/my-repo/hello-world", reference.Path);
        Assert.Equal("1.1", reference.Tag);
    }

    [Fact]
    public void TryParse_GarInsertEventDigest_RejectsTheElidedDigest()
    {
        // Arrange: the documentation sample shortens the digest with "...".
        string digest = ReadPayload("gar/pubsub-data.insert-with-tag.docs.json").GetProperty("digest").GetString()!;

        // Act
        bool parsed = ImageReference.TryParse(digest, out _, out string? error);

        // Assert
        Assert.False(parsed);
        Assert.Contains("contains '.' where hex characters belong", error, StringComparison.Ordinal);
    }

    [Fact]
    public void IsValidDigest_DistributionExampleDigest_RejectsSixtyFiveHexCharacters()
    {
        // Arrange: CNCF distribution's notification example carries a 65-character sha256.
        string envelope = File.ReadAllText(Path.Combine(FixturesDirectory(), "payloads", "distribution", "events.v1.envelope.http"));
        const string digest = "sha256:c3b3692957d439ac1928219a83fac91e7bf96c153725526874673ae1f2023f8d5";

        // Act
        bool valid = ImageReference.IsValidDigest(digest);

        // Assert
        Assert.Contains(digest, envelope, StringComparison.Ordinal);
        Assert.False(valid);
    }

    [Fact]
    public void TryParse_EveryFullReferenceInTheYamlManifest_Parses()
    {
        // Arrange: the image column holds references, names and placeholders; keep the ones that look like references.
        string[] rows = File.ReadAllLines(Path.Combine(FixturesDirectory(), "yaml", "MANIFEST.tsv"));
        int imageColumn = Array.IndexOf(rows[0].Split('\t'), "image");
        string[] images = rows.Skip(1)
            .Select(row => row.Split('\t')[imageColumn])
            .Where(image => image.Contains('/', StringComparison.Ordinal) || image.Contains(':', StringComparison.Ordinal))
            .Where(image => !image.Contains('=', StringComparison.Ordinal) && !image.Contains(' ', StringComparison.Ordinal))
            .Where(image => !image.StartsWith("CONTAINER_IMAGES_", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToArray();

        // Act
        string[] failures = images
            .Where(image => !ImageReference.TryParse(image, out _, out _))
            .ToArray();

        // Assert
        Assert.True(images.Length >= 20, $"only {images.Length} references were found in the manifest");
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("busybox:1.38.0@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d", "docker.io/library/busybox")]
    [InlineData("public.ecr.aws/docker/library/redis", "public.ecr.aws/docker/library/redis")]
    [InlineData("qrssredevcontainerregistryeshop.azurecr.io/qrssredevakseshop", "qrssredevcontainerregistryeshop.azurecr.io/qrssredevakseshop")]
    [InlineData("docker.io/redis", "docker.io/library/redis")]
    [InlineData("fluxcd/image-automation-controller", "docker.io/fluxcd/image-automation-controller")]
    public void Parse_ManifestImage_HasTheExpectedName(string text, string expectedName)
    {
        // Act
        ImageReference reference = ImageReference.Parse(text);

        // Assert
        Assert.Equal(expectedName, reference.Name);
        Assert.Equal(text, reference.ToString());
    }

    private static JsonElement ReadPayload(string relativePath)
    {
        string path = Path.Combine(FixturesDirectory(), "payloads", relativePath);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    // The fixtures live beside the worktrees (../shared/fixtures from the repository root).
    private static string FixturesDirectory()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No shared/fixtures directory above {AppContext.BaseDirectory}.");
    }
}
