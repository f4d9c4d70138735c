using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Tests.Images;

public sealed class DiagnosticTextTests
{
    [Fact]
    public void Quote_ShortText_KeepsItWhole()
    {
        // Act
        string quoted = DiagnosticText.Quote("ghcr.io/acme/api:1.0", 64);

        // Assert
        Assert.Equal("'ghcr.io/acme/api:1.0'", quoted);
    }

    [Fact]
    public void Quote_LongText_KeepsBothEndsWithinTheLimit()
    {
        // Arrange
        string text = "head-" + new string('x', 1000) + "-tail";

        // Act
        string quoted = DiagnosticText.Quote(text, 20);

        // Assert
        Assert.Equal("'head-xxxx…xxxxx-tail'", quoted);
    }

    [Fact]
    public void Quote_CutThroughASurrogatePair_DoesNotSplitIt()
    {
        // Arrange: '😀' is two UTF-16 code units; the cut would fall between them.
        string text = "abcd😀" + new string('x', 100);

        // Act
        string quoted = DiagnosticText.Quote(text, 11);

        // Assert
        Assert.Equal("'abcd…xxxxx'", quoted);
    }

    [Theory]
    [InlineData("a\nb", "'a\\nb'")]
    [InlineData("a\r\nb", "'a\\r\\nb'")]
    [InlineData("a\tb", "'a\\tb'")]
    [InlineData("a\u001bb", "'a\\u001Bb'")]
    [InlineData("a\u202Eb", "'a\\u202Eb'")]
    [InlineData("a\u2028b", "'a\\u2028b'")]
    public void Quote_ControlCharacters_AreEscaped(string text, string expected)
    {
        // Act
        string quoted = DiagnosticText.Quote(text, 64);

        // Assert
        Assert.Equal(expected, quoted);
    }

    [Theory]
    [InlineData("1.4.2", "1.4.2")]
    [InlineData("", "''")]
    [InlineData(null, "(no tag)")]
    [InlineData("has space", "'has space'")]
    public void Tag_ValidAndInvalidTags_RendersValidOnesBare(string? tag, string expected)
    {
        // Act
        string rendered = DiagnosticText.Tag(tag);

        // Assert
        Assert.Equal(expected, rendered);
    }
}
