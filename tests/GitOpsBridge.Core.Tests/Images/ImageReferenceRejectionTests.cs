using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Tests.Images;

public sealed class ImageReferenceRejectionTests
{
    private const string Hex64 = "7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";

    public static TheoryData<string, string> Rejections => new()
    {
        // input, a fragment the reason must contain
        { "", "it is empty" },
        { "   ", "it is blank" },
        { "nginx:1.0\nimage: evil", "contains a line break at character 10" },
        { "nginx:1.0\r", "contains a line break" },
        { "nginx:1.0\"", "contains a quote (\")" },
        { "nginx:'1.0'", "contains a quote (')" },
        { "nginx:1 0", "contains a space" },
        { "nginx:1\t0", "contains a tab" },
        { "nginx:1\u00000", "contains a control character (U+0000)" },
        { "nginx:1.0\u202E", "contains a control character (U+202E)" },
        { "nginx:ünï", "contains a non-ASCII character (U+00FC)" },
        { "nginx:1.0+build.5", "contains '+'" },
        { "nginx:.hidden", "starts with '.'" },
        { "nginx:-rc", "starts with '-'" },
        { "nginx:" + new string('a', 129), "the tag is 129 characters long; the limit is 128" },
        { "ghcr.io/Acme/api:1.0", "must be lower case (found 'A')" },
        { "Nginx", "must be lower case (found 'N')" },
        { "CONTAINER_IMAGES_REGISTRY/adservice", "must be lower case (found 'C')" }, // an unrendered template placeholder
        { "ghcr.io/codertocat/hello-world:", "nothing follows ':' (the tag is empty)" },
        { "nginx:@sha256:" + Hex64, "nothing is between ':' and '@' (the tag is empty)" },
        { "nginx@", "nothing follows '@' (the digest is empty)" },
        { "nginx@sha256:" + Hex64[..40], "has 40 hex characters, expected 64" },
        { "nginx@sha256:" + Hex64[..60], "has 60 hex characters, expected 64" },
        { "nginx@sha256:" + Hex64 + "a", "has 65 hex characters, expected 64" },
        { "nginx@sha256:" + Hex64.ToUpperInvariant(), "must use lower-case hex" },
        { "nginx@SHA256:" + Hex64, "must be written in lower case" },
        { "nginx@sha512:" + Hex64, "has 64 hex characters, expected 128" },
        { "nginx@md5" + Hex64, "has no algorithm" },
        { "nginx@1sha:" + Hex64, "algorithm '1sha' is invalid" },
        { "nginx@sha256:" + Hex64[..63] + "g", "contains 'g' where hex characters belong" },
        { "nginx@blake3:" + Hex64[..31], "has 31 hex characters; at least 32 are required" },
        { "nginx@sha256:" + Hex64 + "@sha256:" + Hex64, "contains '@' where hex characters belong" },
        { ":1.0", "the repository name is empty" },
        { "@sha256:" + Hex64, "the repository name is empty" },
        { "ghcr.io/", "the repository path is empty" },
        { "ghcr.io//a", "has an empty component" },
        { "ghcr.io/a/", "has an empty component" },
        { "/a", "has an empty component" },
        { "ghcr.io/a..b", "has the separator '..'" },
        { "ghcr.io/a___b", "has the separator '___'" },
        { "ghcr.io/a-_b", "has the separator '-_'" },
        { "ghcr.io/_a", "must start with a lower-case letter or a digit" },
        { "ghcr.io/a-", "must end with a lower-case letter or a digit" },
        { "ghcr.io/a+b", "contains '+'" },
        { "ghcr..io/a", "has an empty label" },
        { "-ghcr.io/a", "starts or ends with '-'" },
        { "ghcr_io.x/a", "contains '_'" },
        { "localhost:/x", "has an empty port" },
        { "localhost:abc/x", "is not a number" },
        { "a:1:2/x", "is not a number" },
        { ":5000/x", "has no host before ':'" },
        { "[::1/x", "opens '[' without closing it" },
        { "[fe80::1g]:5000/x", "is not an IPv6 address in brackets" },
        { "[fe80::1%eth0]:5000/x", "contains '%' at character 9" }, // zone identifiers are excluded by the grammar
        { "[::1]x:5000/a", "has 'x' after ']'" },
        { Hex64, "is an image ID, not a repository name" },
        { "ghcr.io/" + new string('a', 248), "is 256 characters long once normalised" },
        { new string('a', 250), "is 268 characters long once normalised" }, // docker.io/library/ counts
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void TryParse_InvalidReference_ReturnsFalseWithReason(string text, string expectedFragment)
    {
        // Act
        bool parsed = ImageReference.TryParse(text, out ImageReference? reference, out string? error);

        // Assert
        Assert.False(parsed);
        Assert.Null(reference);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
        Assert.Contains(" is not a valid image reference: ", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Parse_InvalidReference_ThrowsImageReferenceExceptionWithReason(string text, string expectedFragment)
    {
        // Act
        var exception = Assert.Throws<ImageReferenceException>(() => ImageReference.Parse(text));

        // Assert
        Assert.Contains(expectedFragment, exception.Reason, StringComparison.Ordinal);
        Assert.EndsWith(exception.Reason, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Null_ReturnsFalseWithReason()
    {
        // Act
        bool parsed = ImageReference.TryParse(null, out ImageReference? reference, out string? error);

        // Assert
        Assert.False(parsed);
        Assert.Null(reference);
        Assert.Equal("no image reference was given", error);
    }

    [Fact]
    public void TryParse_HugeInputWithControlCharacters_EchoesAShortEscapedExcerpt()
    {
        // Arrange: 10,000 characters, a newline and an escape sequence at the end where the tag is.
        string text = "ghcr.io/acme/" + new string('a', 10_000) + ":v1\n\u001b[31m";

        // Act
        bool parsed = ImageReference.TryParse(text, out _, out string? error);

        // Assert
        Assert.False(parsed);
        Assert.True(error!.Length < 300, $"error is {error.Length} characters long");
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain('\u001b', error);
        Assert.Contains("\\n\\u001B[31m'", error, StringComparison.Ordinal);
        Assert.StartsWith("'ghcr.io/acme/aaaa", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ControlCharacterInTag_EscapesItInTheMessage()
    {
        // Act
        bool parsed = ImageReference.TryParse("nginx:a\u0007b", out _, out string? error);

        // Assert
        Assert.False(parsed);
        Assert.Equal(
            "'nginx:a\\u0007b' is not a valid image reference: it contains a control character (U+0007) at character 8",
            error);
    }

    [Fact]
    public void Parse_FortyHexDigest_NamesTheCountAndTheExpectation()
    {
        // Arrange: a git commit id where a digest belongs, as in GitHub's package event examples.
        const string text = "ghcr.io/codertocat/hello-world@sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b";

        // Act
        var exception = Assert.Throws<ImageReferenceException>(() => ImageReference.Parse(text));

        // Assert
        Assert.Equal(
            "the digest 'sha256:6c62fb45fe66…66abc38f6a0cc974292b' has 40 hex characters, expected 64",
            exception.Reason);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("1.2.3")]
    [InlineData("v1.2.3-rc.1")]
    [InlineData("_private")]
    [InlineData("A")]
    [InlineData("main-1234-abcdef0")]
    [InlineData("2024.06.01_build-7")]
    public void IsValidTag_ValidTag_ReturnsTrue(string tag)
    {
        // Act
        bool valid = ImageReference.IsValidTag(tag);

        // Assert
        Assert.True(valid);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("-rc")]
    [InlineData("1 0")]
    [InlineData("1.0\n")]
    [InlineData("\"1.0\"")]
    [InlineData("1.0+build")]
    [InlineData("a:b")]
    [InlineData("a/b")]
    [InlineData("ünï")]
    [InlineData(null)]
    public void IsValidTag_InvalidTag_ReturnsFalse(string? tag)
    {
        // Act
        bool valid = ImageReference.IsValidTag(tag);

        // Assert
        Assert.False(valid);
    }

    [Theory]
    [InlineData(128, true)]
    [InlineData(129, false)]
    public void IsValidTag_LengthAtAndOverTheLimit_AcceptsOnlyTheLimit(int length, bool expected)
    {
        // Act
        bool valid = ImageReference.IsValidTag(new string('a', length));

        // Assert
        Assert.Equal(expected, valid);
    }

    public static TheoryData<string> ValidDigests => new()
    {
        "sha256:" + Hex64,
        "sha384:" + (Hex64 + Hex64)[..96],
        "sha512:" + Hex64 + Hex64,
        "blake3:" + Hex64, // not registered with go-digest, but within the grammar
        "multihash+base58:0123456789abcdef0123456789ABCDEF",
    };

    [Theory]
    [MemberData(nameof(ValidDigests))]
    public void IsValidDigest_ValidDigest_ReturnsTrue(string digest)
    {
        // Act
        bool valid = ImageReference.IsValidDigest(digest);

        // Assert
        Assert.True(valid);
    }

    [Theory]
    [InlineData("sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b")]
    [InlineData("sha256:" + Hex64 + "0")]
    [InlineData("sha256:7CC4B5AEFD1D0CADF8D97D4350462BA51C694EBCA145B08D7D41B41ACC8DB5AA")]
    [InlineData("SHA256:" + Hex64)]
    [InlineData("sha256")]
    [InlineData("sha256:")]
    [InlineData(":" + Hex64)]
    [InlineData("sha-:" + Hex64)]
    [InlineData("foo:0123456789abcdef0123456789abcde")]
    [InlineData(null)]
    public void IsValidDigest_InvalidDigest_ReturnsFalse(string? digest)
    {
        // Act
        bool valid = ImageReference.IsValidDigest(digest);

        // Assert
        Assert.False(valid);
    }
}
