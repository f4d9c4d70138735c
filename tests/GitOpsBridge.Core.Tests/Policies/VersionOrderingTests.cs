using GitOpsBridge.Core.Policies;

namespace GitOpsBridge.Core.Tests.Policies;

public sealed class VersionOrderingTests
{
    private static readonly TagPolicy Caret14 = TagPolicy.Semver("^1.4");
    private static readonly TagPolicy MainBuild = TagPolicy.Pattern(@"^main-(?<n>\d+)-[0-9a-f]{7}$", "n", TagOrder.Numerical);

    [Fact]
    public void Decide_SemverPolicyHigherCandidate_IsUpgrade()
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide("1.4.2", "1.5.0", Caret14);

        // Assert
        Assert.Equal(new BumpDecision(BumpKind.Upgrade, "1.4.2 → 1.5.0 (semver ^1.4)"), decision);
        Assert.True(decision.Proceeds);
    }

    [Fact]
    public void Decide_SemverPolicyLowerCandidate_IsDowngrade()
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide("1.4.2", "1.4.1", Caret14);

        // Assert
        Assert.Equal(new BumpDecision(BumpKind.Downgrade, "downgrade: 1.4.1 is lower than 1.4.2 under semver ^1.4"), decision);
        Assert.False(decision.Proceeds);
    }

    [Fact]
    public void Decide_SemverPolicyCandidateOutsideRange_IsRejected()
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide("1.4.2", "2.0.0", Caret14);

        // Assert
        Assert.Equal(new BumpDecision(BumpKind.Rejected, "policy semver ^1.4 rejects 2.0.0"), decision);
        Assert.False(decision.Proceeds);
    }

    [Fact]
    public void Decide_SameTag_IsSame()
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide("1.5.0", "1.5.0", Caret14);

        // Assert
        Assert.Equal(new BumpDecision(BumpKind.Same, "already at 1.5.0"), decision);
        Assert.False(decision.Proceeds);
    }

    [Fact]
    public void Decide_SameVersionOtherSpelling_IsSame()
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide("v1.5.0", "1.5.0", Caret14);

        // Assert
        Assert.Equal(BumpKind.Same, decision.Kind);
        Assert.Equal("already at v1.5.0; 1.5.0 ranks the same under semver ^1.4", decision.Reason);
    }

    [Theory]
    [InlineData("latest", "latest → 1.5.0 (semver ^1.4); the current tag latest is outside the policy")]
    [InlineData("1.3.0", "1.3.0 → 1.5.0 (semver ^1.4); the current tag 1.3.0 is outside the policy")]
    [InlineData("${TAG}", "'${TAG}' → 1.5.0 (semver ^1.4); the current tag '${TAG}' is outside the policy")]
    [InlineData("", "no current tag → 1.5.0 (semver ^1.4)")]
    [InlineData(null, "no current tag → 1.5.0 (semver ^1.4)")]
    public void Decide_CurrentOutsideThePolicy_IsUpgrade(string? current, string expectedReason)
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide(current, "1.5.0", Caret14);

        // Assert
        Assert.Equal(new BumpDecision(BumpKind.Upgrade, expectedReason), decision);
    }

    [Fact]
    public void Decide_CurrentAboveTheSemverRange_IsDowngradeNotUpgrade()
    {
        // Flux would let the policy win; the bridge never moves a semantic version down.
        BumpDecision decision = VersionOrdering.Decide("2.0.0", "1.5.0", Caret14);

        Assert.Equal(BumpKind.Downgrade, decision.Kind);
        Assert.Contains("never moves a version down", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PrereleaseCandidateWithoutPrereleases_IsRejected()
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide("1.4.2", "1.5.0-rc.1", Caret14);

        // Assert
        Assert.Equal(BumpKind.Rejected, decision.Kind);
        Assert.Contains("pre-releases are not included", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PrereleaseCandidateWithPrereleases_IsUpgrade()
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide("1.4.2", "1.5.0-rc.1", TagPolicy.Semver("^1.4", includePrerelease: true));

        // Assert
        Assert.Equal(new BumpDecision(BumpKind.Upgrade, "1.4.2 → 1.5.0-rc.1 (semver ^1.4 with pre-releases)"), decision);
    }

    [Theory]
    [InlineData("main-99-0123456", "main-1234-abcdef0", BumpKind.Upgrade)]
    [InlineData("main-1234-abcdef0", "main-99-0123456", BumpKind.Downgrade)]
    [InlineData("main-1234-abcdef0", "main-1234-1111111", BumpKind.Same)] // a rebuild of the same number
    [InlineData("main-1234-abcdef0", "feature-1-abcdef0", BumpKind.Rejected)]
    [InlineData("latest", "main-1-abcdef0", BumpKind.Upgrade)]
    public void Decide_NumericalPattern_OrdersByBuildNumber(string current, string candidate, BumpKind expected)
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide(current, candidate, MainBuild);

        // Assert
        Assert.Equal(expected, decision.Kind);
    }

    [Fact]
    public void Decide_NumericalPatternDowngrade_ExplainsWithThePolicy()
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide("main-1234-abcdef0", "main-99-0123456", MainBuild);

        // Assert
        Assert.Equal(
            @"downgrade: main-99-0123456 is lower than main-1234-abcdef0 under pattern ^main-(?<n>\d+)-[0-9a-f]{7}$ (numerical by $n)",
            decision.Reason);
    }

    [Theory]
    [InlineData("sha-abcdef0", "sha-1234567", BumpKind.Unordered, "no order between sha-abcdef0 and sha-1234567 under any; the event is newer")]
    [InlineData("1.2.3", "1.2.2", BumpKind.Unordered, "no order between 1.2.3 and 1.2.2 under any; the event is newer")] // any does not compare versions
    [InlineData("latest", "latest", BumpKind.Same, "already at latest")]
    [InlineData(null, "latest", BumpKind.Upgrade, "no current tag → latest (any)")]
    public void Decide_AnyPolicy_FollowsTheNewestEvent(string? current, string candidate, BumpKind expectedKind, string expectedReason)
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide(current, candidate, TagPolicy.Any);

        // Assert
        Assert.Equal(new BumpDecision(expectedKind, expectedReason), decision);
    }

    [Theory]
    [InlineData("1.4.2", "1.5.0", BumpKind.Upgrade, "1.4.2 → 1.5.0 (semver)")]
    [InlineData("v1.4.2", "v1.10.0", BumpKind.Upgrade, "v1.4.2 → v1.10.0 (semver)")]
    [InlineData("1.5.0", "1.4.2", BumpKind.Downgrade, "downgrade: 1.4.2 is lower than 1.5.0 (semver)")]
    [InlineData("1.5.0", "1.5.0-rc.1", BumpKind.Downgrade, "downgrade: 1.5.0-rc.1 is lower than 1.5.0 (semver)")]
    [InlineData("1.5.0", "2.0.0-rc.1", BumpKind.Upgrade, "1.5.0 → 2.0.0-rc.1 (semver)")]
    [InlineData("1.5.0", "1.5.0", BumpKind.Same, "already at 1.5.0")]
    [InlineData("v1.5.0", "1.5.0", BumpKind.Same, "already at v1.5.0; 1.5.0 is the same version")]
    [InlineData("sha-abcdef0", "sha-1234567", BumpKind.Unordered, "no order between sha-abcdef0 and sha-1234567; the event is newer")]
    [InlineData("1.5.0", "latest", BumpKind.Unordered, "no order between 1.5.0 and latest; the event is newer")]
    [InlineData("1.5", "1.5.3", BumpKind.Unordered, "no order between 1.5 and 1.5.3; the event is newer")] // floating alias
    [InlineData(null, "1.5.0", BumpKind.Upgrade, "no current tag → 1.5.0")]
    [InlineData("", "1.5.0", BumpKind.Upgrade, "no current tag → 1.5.0")]
    public void Decide_NoPolicy_ComparesSemverElseUnordered(string? current, string candidate, BumpKind expectedKind, string expectedReason)
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide(current, candidate, policy: null);

        // Assert
        Assert.Equal(new BumpDecision(expectedKind, expectedReason), decision);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.5.0\n")]
    [InlineData("-rc")]
    public void Decide_InvalidCandidateTag_IsRejectedWithoutAPolicy(string candidate)
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide("1.4.2", candidate, policy: null);

        // Assert
        Assert.Equal(BumpKind.Rejected, decision.Kind);
        Assert.StartsWith("the candidate is not a valid tag: the tag ", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_InvalidCandidateTagUnderAny_IsRejected()
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide("1.4.2", "a b", TagPolicy.Any);

        // Assert
        Assert.Equal(new BumpDecision(BumpKind.Rejected, "the candidate is not a valid tag: the tag 'a b' contains a space"), decision);
    }

    [Fact]
    public void Decide_CurrentTagWithControlCharacters_IsEscapedInTheReason()
    {
        // Act
        BumpDecision decision = VersionOrdering.Decide("1.4\n2", "1.5.0", policy: null);

        // Assert
        Assert.Equal(BumpKind.Unordered, decision.Kind);
        Assert.Equal("no order between '1.4\\n2' and 1.5.0; the event is newer", decision.Reason);
    }
}
