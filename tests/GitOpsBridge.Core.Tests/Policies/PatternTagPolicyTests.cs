using GitOpsBridge.Core.Policies;

namespace GitOpsBridge.Core.Tests.Policies;

public sealed class PatternTagPolicyTests
{
    private const string MainBuild = @"^main-(?<n>\d+)-[0-9a-f]{7}$";

    [Theory]
    [InlineData("main-1234-abcdef0", true)]
    [InlineData("main-99-0123456", true)]
    [InlineData("main-1234-abcdef", false)] // six hex characters
    [InlineData("main-1234-ABCDEF0", false)]
    [InlineData("feature-1234-abcdef0", false)]
    [InlineData("main--abcdef0", false)]
    [InlineData("latest", false)]
    public void Evaluate_MainBuildPattern_AdmitsOnlyMatchingTags(string tag, bool expected)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Pattern(MainBuild, "n", TagOrder.Numerical);

        // Act
        PolicyVerdict verdict = policy.Evaluate(tag);

        // Assert
        Assert.Equal(expected, verdict.Accepted);
    }

    [Fact]
    public void Evaluate_NoMatch_ExplainsWithPolicyAndTag()
    {
        // Arrange
        TagPolicy policy = TagPolicy.Pattern(MainBuild, "n", TagOrder.Numerical);

        // Act
        PolicyVerdict verdict = policy.Evaluate("latest");

        // Assert
        Assert.Equal(@"policy pattern ^main-(?<n>\d+)-[0-9a-f]{7}$ (numerical by $n) rejects latest: it does not match", verdict.Reason);
    }

    [Theory]
    [InlineData("main-99-0123456", "main-1234-abcdef0", -1)] // alphabetically "99" > "1234"; numerically it is lower
    [InlineData("main-1234-abcdef0", "main-99-0123456", 1)]
    [InlineData("main-1234-abcdef0", "main-1234-1111111", 0)]
    [InlineData("main-007-abcdef0", "main-7-abcdef0", 0)]
    [InlineData("main-99999999999999999999999-abcdef0", "main-100000000000000000000000-abcdef0", -1)] // beyond a long
    public void Compare_NumericalExtract_ComparesAsIntegers(string a, string b, int expected)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Pattern(MainBuild, "n", TagOrder.Numerical);

        // Act
        int? order = policy.Compare(a, b);

        // Assert
        Assert.Equal(expected, order);
    }

    [Fact]
    public void Compare_AlphabeticalExtract_ComparesOrdinally()
    {
        // Arrange: the same tags as the numerical case, ordered the other way.
        TagPolicy policy = TagPolicy.Pattern(MainBuild, "n", TagOrder.Alphabetical);

        // Act
        int? order = policy.Compare("main-99-0123456", "main-1234-abcdef0");

        // Assert
        Assert.Equal(1, order);
    }

    [Theory]
    [InlineData("2024-06-01T10-00", "2024-06-02T09-00", -1)]
    [InlineData("2024-06-02T09-00", "2024-06-01T10-00", 1)]
    [InlineData("2024-06-01T10-00", "2024-06-01T10-00", 0)]
    public void Compare_AlphabeticalWholeMatch_UsesTheMatchAsKey(string a, string b, int expected)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Pattern(@"^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}$", null, TagOrder.Alphabetical);

        // Act
        int? order = policy.Compare(a, b);

        // Assert
        Assert.Equal(expected, order);
    }

    [Theory]
    [InlineData("n")]
    [InlineData("$n")]
    [InlineData("${n}")]
    [InlineData(" $n ")]
    public void Pattern_ExtractSpellings_AllNameTheSameGroup(string extract)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Pattern(MainBuild, extract, TagOrder.Numerical);

        // Act
        int? order = policy.Compare("main-99-0123456", "main-1234-abcdef0");

        // Assert
        Assert.Equal(-1, order);
        Assert.Equal(TagPolicy.Pattern(MainBuild, "n", TagOrder.Numerical), policy);
    }

    [Fact]
    public void Pattern_NumberedGroup_IsAccepted()
    {
        // Arrange
        TagPolicy policy = TagPolicy.Pattern(@"^build-(\d+)$", "$1", TagOrder.Numerical);

        // Act
        int? order = policy.Compare("build-10", "build-9");

        // Assert
        Assert.Equal(1, order);
    }

    [Fact]
    public void Evaluate_NumericalWholeMatchWithLetters_IsOutsideThePolicy()
    {
        // Arrange: no extract, so the whole match must be a number.
        TagPolicy policy = TagPolicy.Pattern(@"^main-\d+$", null, TagOrder.Numerical);

        // Act
        PolicyVerdict verdict = policy.Evaluate("main-12");

        // Assert
        Assert.False(verdict.Accepted);
        Assert.Contains("'main-12' is not a number", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NumericalGroupWithNonDigits_IsOutsideThePolicy()
    {
        // Arrange: \w admits letters, so the pattern alone does not make the key a number.
        TagPolicy policy = TagPolicy.Pattern(@"^rc-(?<n>\w+)$", "n", TagOrder.Numerical);

        // Act
        PolicyVerdict verdict = policy.Evaluate("rc-x1");

        // Assert
        Assert.False(verdict.Accepted);
        Assert.Null(policy.Compare("rc-x1", "rc-2"));
    }

    [Fact]
    public void Evaluate_NumericalWithUnicodeDigits_IsOutsideThePolicy()
    {
        // Arrange: .NET's \d matches Arabic-Indic digits; the numerical order reads ASCII digits only.
        TagPolicy policy = TagPolicy.Pattern(@"^(?<n>\d+)$", "n", TagOrder.Numerical);

        // Act
        PolicyVerdict verdict = policy.Evaluate("\u0661\u0662");

        // Assert
        Assert.False(verdict.Accepted);
    }

    [Fact]
    public void Evaluate_OptionalGroupNotMatched_IsOutsideThePolicy()
    {
        // Arrange
        TagPolicy policy = TagPolicy.Pattern(@"^main(-(?<n>\d+))?$", "n", TagOrder.Numerical);

        // Act
        PolicyVerdict verdict = policy.Evaluate("main");

        // Assert
        Assert.False(verdict.Accepted);
        Assert.Contains("group n is not part of the match", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CatastrophicPattern_TimesOutAsOutsideThePolicy()
    {
        // Arrange: nested quantifiers backtrack exponentially on a near miss.
        TagPolicy policy = TagPolicy.Pattern(@"^(a+)+$", null, TagOrder.Alphabetical);
        string tag = new string('a', 40) + "b";

        // Act
        PolicyVerdict verdict = policy.Evaluate(tag);

        // Assert
        Assert.False(verdict.Accepted);
        Assert.Contains("matching took longer than 100 ms", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"^main-(?<n>\d+)$", "n", TagOrder.Numerical, @"pattern ^main-(?<n>\d+)$ (numerical by $n)")]
    [InlineData(@"^main-(?<n>\d+)$", "${n}", TagOrder.Alphabetical, @"pattern ^main-(?<n>\d+)$ (alphabetical by $n)")]
    [InlineData(@"^\d+$", null, TagOrder.Numerical, @"pattern ^\d+$ (numerical)")]
    public void Describe_Pattern_ShowsPatternOrderAndGroup(string pattern, string? extract, TagOrder order, string expected)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Pattern(pattern, extract, order);

        // Act
        string description = policy.Describe();

        // Assert
        Assert.Equal(expected, description);
    }

    [Theory]
    [InlineData("^main-(?<n>\\d+$", null, "is not a valid regular expression")]
    [InlineData("[", null, "is not a valid regular expression")]
    [InlineData(@"^main-(?<n>\d+)$", "build", "names no group of the pattern")]
    [InlineData(@"^main-(?<n>\d+)$", "$", "names no group of the pattern")]
    [InlineData(@"^main-\d+$", "n", "it has no named groups")]
    [InlineData(@"^(?<branch>\w+)-(?<n>\d+)$", "$build", "its named groups are branch, n")]
    public void Pattern_InvalidPatternOrGroup_ThrowsTagPolicyException(string pattern, string? extract, string expectedFragment)
    {
        // Act
        var exception = Assert.Throws<TagPolicyException>(() => TagPolicy.Pattern(pattern, extract, TagOrder.Numerical));

        // Assert
        Assert.Contains(expectedFragment, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pattern_UndefinedOrder_ThrowsTagPolicyException()
    {
        // Act and assert
        Assert.Throws<TagPolicyException>(() => TagPolicy.Pattern(@"^\d+$", null, (TagOrder)7));
    }

    [Fact]
    public void Equals_SamePatternExtractAndOrder_IsEqual()
    {
        // Arrange
        TagPolicy a = TagPolicy.Pattern(MainBuild, "n", TagOrder.Numerical);
        TagPolicy b = TagPolicy.Pattern(MainBuild, "$n", TagOrder.Numerical);

        // Act
        bool equal = a.Equals(b);

        // Assert
        Assert.True(equal);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, TagPolicy.Pattern(MainBuild, "n", TagOrder.Alphabetical));
    }
}
