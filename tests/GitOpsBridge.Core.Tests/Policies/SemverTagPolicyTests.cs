using GitOpsBridge.Core.Policies;

namespace GitOpsBridge.Core.Tests.Policies;

public sealed class SemverTagPolicyTests
{
    [Theory]
    [InlineData("^1.4", "1.4.0", true)]
    [InlineData("^1.4", "1.4.2", true)]
    [InlineData("^1.4", "1.99.0", true)]
    [InlineData("^1.4", "1.3.9", false)]
    [InlineData("^1.4", "2.0.0", false)]
    [InlineData("^0.4", "0.4.7", true)]
    [InlineData("^0.4", "0.5.0", false)] // caret below 1.0 pins the minor
    [InlineData("~1.2.3", "1.2.3", true)]
    [InlineData("~1.2.3", "1.2.9", true)]
    [InlineData("~1.2.3", "1.3.0", false)]
    [InlineData("~1.2.3", "1.2.2", false)]
    [InlineData(">=1.0.0 <2.0.0", "1.0.0", true)]
    [InlineData(">=1.0.0 <2.0.0", "1.9.9", true)]
    [InlineData(">=1.0.0 <2.0.0", "2.0.0", false)]
    [InlineData(">=1.0.0 <2.0.0", "0.9.0", false)]
    [InlineData("1.x || >=3.1.0", "3.2.0", true)]
    [InlineData("1.x || >=3.1.0", "2.5.0", false)]
    [InlineData("*", "0.0.1", true)]
    public void Evaluate_VersionAgainstRange_AdmitsOnlyVersionsInside(string range, string tag, bool expected)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Semver(range);

        // Act
        PolicyVerdict verdict = policy.Evaluate(tag);

        // Assert
        Assert.Equal(expected, verdict.Accepted);
        Assert.Equal(expected, verdict.Reason is null);
    }

    [Theory]
    [InlineData("v1.5.0")]
    [InlineData("V1.5.0")]
    [InlineData("1.5.0")]
    public void Evaluate_VPrefixedTag_IsAdmitted(string tag)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Semver("^1.4");

        // Act
        PolicyVerdict verdict = policy.Evaluate(tag);

        // Assert
        Assert.True(verdict.Accepted);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("1")]
    [InlineData("v1.5")]
    [InlineData("latest")]
    [InlineData("01.5.0")]
    [InlineData("1.5.0.1")]
    [InlineData("main-1234-abcdef0")]
    [InlineData("")]
    public void Evaluate_NotAFullSemanticVersion_IsOutsideThePolicy(string tag)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Semver("^1.4");

        // Act
        PolicyVerdict verdict = policy.Evaluate(tag);

        // Assert
        Assert.False(verdict.Accepted);
        Assert.Contains("is not a semantic version", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_OutOfRange_ExplainsWithPolicyAndTag()
    {
        // Arrange
        TagPolicy policy = TagPolicy.Semver("^1.4");

        // Act
        PolicyVerdict verdict = policy.Evaluate("2.0.0");

        // Assert
        Assert.Equal(new PolicyVerdict(false, "policy semver ^1.4 rejects 2.0.0"), verdict);
    }

    [Theory]
    [InlineData("^1.4", "1.5.0-rc.1", false, false)]
    [InlineData("^1.4", "1.5.0-rc.1", true, true)]
    [InlineData("^1.4", "2.0.0-rc.1", true, false)] // ^1.4 ends below every 2.0.0 pre-release
    [InlineData(">=1.5.0-rc.0", "1.5.0-rc.2", false, true)] // npm: same major.minor.patch as the comparator
    [InlineData(">=1.5.0-rc.0", "1.6.0-rc.1", false, false)]
    [InlineData(">=1.5.0-rc.0", "1.6.0-rc.1", true, true)]
    public void Evaluate_Prerelease_FollowsNpmUnlessIncluded(string range, string tag, bool includePrerelease, bool expected)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Semver(range, includePrerelease);

        // Act
        PolicyVerdict verdict = policy.Evaluate(tag);

        // Assert
        Assert.Equal(expected, verdict.Accepted);
    }

    [Fact]
    public void Evaluate_PrereleaseExcluded_SaysPrereleasesAreOff()
    {
        // Arrange
        TagPolicy policy = TagPolicy.Semver("^1.4");

        // Act
        PolicyVerdict verdict = policy.Evaluate("1.5.0-rc.1");

        // Assert
        Assert.Equal("policy semver ^1.4 rejects 1.5.0-rc.1: pre-releases are not included", verdict.Reason);
    }

    [Theory]
    [InlineData("1.4.2", "1.5.0", -1)]
    [InlineData("1.5.0", "1.4.2", 1)]
    [InlineData("1.10.0", "1.9.0", 1)] // numeric, not alphabetical
    [InlineData("1.5.0", "1.5.0", 0)]
    [InlineData("v1.5.0", "1.5.0", 0)]
    [InlineData("1.5.0-rc.1", "1.5.0", -1)]
    [InlineData("1.5.0-rc.2", "1.5.0-rc.10", -1)]
    public void Compare_AdmittedVersions_OrdersByPrecedence(string a, string b, int expected)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Semver("^1.4", includePrerelease: true);

        // Act
        int? order = policy.Compare(a, b);

        // Assert
        Assert.Equal(expected, order);
    }

    [Fact]
    public void Compare_BuildMetadata_IsIgnored()
    {
        // Arrange: tags cannot carry '+', but Helm chart versions and direct callers can.
        TagPolicy policy = TagPolicy.Semver("^1.4");

        // Act
        int? order = policy.Compare("1.5.0+build.1", "1.5.0+build.2");

        // Assert
        Assert.Equal(0, order);
    }

    [Theory]
    [InlineData("latest", "1.5.0")]
    [InlineData("1.5.0", "2.0.0")]
    [InlineData("1.5", "1.5.0")]
    public void Compare_EitherTagOutsideThePolicy_ReturnsNull(string a, string b)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Semver("^1.4");

        // Act
        int? order = policy.Compare(a, b);

        // Assert
        Assert.Null(order);
    }

    [Theory]
    [InlineData("^1.4", false, "semver ^1.4")]
    [InlineData(" ~1.2.3 ", false, "semver ~1.2.3")]
    [InlineData(">=1.0.0 <2.0.0", true, "semver >=1.0.0 <2.0.0 with pre-releases")]
    public void Describe_Range_ShowsTheRangeAsWritten(string range, bool includePrerelease, string expected)
    {
        // Arrange
        TagPolicy policy = TagPolicy.Semver(range, includePrerelease);

        // Act
        string description = policy.Describe();

        // Assert
        Assert.Equal(expected, description);
        Assert.Equal(expected, policy.ToString());
    }

    [Theory]
    [InlineData("^1.4.x.y")]
    [InlineData("not a range")]
    [InlineData(">=")]
    [InlineData("")]
    [InlineData("   ")]
    public void Semver_InvalidRange_ThrowsTagPolicyException(string range)
    {
        // Act
        var exception = Assert.Throws<TagPolicyException>(() => TagPolicy.Semver(range));

        // Assert
        Assert.Contains("semver range", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equals_SameRangeAndPrereleaseSetting_IsEqual()
    {
        // Arrange
        TagPolicy a = TagPolicy.Semver("^1.4");
        TagPolicy b = TagPolicy.Semver("^1.4");

        // Act
        bool equal = a.Equals(b);

        // Assert
        Assert.True(equal);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, TagPolicy.Semver("^1.4", includePrerelease: true));
    }
}
