using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Tests.Config;

public sealed class PolicyConfigTests
{
    private static string WithPolicy(string policy) => $"version: 1\nimages:\n  api:\n    repository: ghcr.io/acme/api\n    policy: {policy}\n";

    private static PolicyConfig? Policy(string policy) => ConfigParser.Parse(WithPolicy(policy)).Images["api"].Policy;

    [Theory]
    [InlineData("^1.4")]
    [InlineData("~2.0.1")]
    [InlineData(">=1.2.0 <2.0.0")]
    [InlineData("1.x || >=2.5.0")]
    [InlineData("*")]
    public void Parse_SemverRange_IsAccepted(string range)
    {
        Assert.Equal(new PolicyConfig(range, false, null, null, PatternOrder.Numerical, false), Policy($"{{ semver: \"{range}\" }}"));
    }

    [Fact]
    public void Parse_SemverWithPrerelease_IsBound()
    {
        Assert.True(Policy("{ semver: \"^1.4\", prerelease: true }")!.Prerelease);
    }

    [Theory]
    [InlineData("banana")]
    [InlineData("^1.4 ||| 2")]
    [InlineData(">=>1")]
    public void Validate_BadSemverRange_IsRejected(string range)
    {
        ConfigAssert.SingleError(WithPolicy($"{{ semver: \"{range}\" }}"), 5, 23, "images.api.policy.semver:", "is not an npm semver range");
    }

    [Fact]
    public void Validate_SemverAsNumber_AsksForQuotes()
    {
        ConfigAssert.SingleErrorAt(WithPolicy("{ semver: 1.4 }"), 5, "1.4", "images.api.policy.semver: expected a string; got number 1.4 (quote it, \"1.4\", if it is meant as text)");
    }

    [Fact]
    public void Parse_PatternPolicy_IsBound()
    {
        var policy = Policy(@"{ pattern: '^main-(?<n>\d+)$', extract: n, order: alphabetical }");

        Assert.Equal(new PolicyConfig(null, false, @"^main-(?<n>\d+)$", "n", PatternOrder.Alphabetical, false), policy);
    }

    [Fact]
    public void Parse_PatternWithoutExtract_OrdersWholeTag()
    {
        Assert.Null(Policy(@"{ pattern: '^\d+$', order: numerical }")!.Extract);
    }

    [Fact]
    public void Validate_PatternThatDoesNotCompile_IsRejected()
    {
        ConfigAssert.SingleErrorAt(WithPolicy("{ pattern: '^main-(\\d+', order: numerical }"), 5, "'^main", "images.api.policy.pattern: invalid regular expression", "at character");
    }

    [Fact]
    public void Validate_ExtractNotAGroup_ListsNamedGroups()
    {
        ConfigAssert.SingleError(WithPolicy("{ pattern: '^(?<build>\\d+)-(?<sha>[a-f0-9]+)$', extract: n, order: numerical }"), 5, 70, "images.api.policy.extract: the pattern has no group named \"n\"; its named groups are build, sha");
    }

    [Fact]
    public void Validate_ExtractNumberedGroup_IsRejected()
    {
        ConfigAssert.SingleErrorAt(WithPolicy("{ pattern: '^main-(\\d+)$', extract: \"1\", order: numerical }"), 5, "\"1\"", "images.api.policy.extract: must name a named group such as (?<n>…); numbered groups are not allowed");
    }

    [Fact]
    public void Validate_PatternWithoutOrder_IsRejected()
    {
        ConfigAssert.SingleError(WithPolicy("{ pattern: '^v' }"), 5, 5, "images.api.policy: missing required key \"order\"");
    }

    [Fact]
    public void Validate_BadOrder_ListsAllowedValues()
    {
        ConfigAssert.SingleErrorAt(WithPolicy("{ pattern: '^v', order: newest }"), 5, "newest", "images.api.policy.order: expected one of numerical, alphabetical; got \"newest\"");
    }

    [Fact]
    public void Parse_AnyPolicy_IsBound()
    {
        Assert.True(Policy("{ any: true }")!.Any);
    }

    [Fact]
    public void Validate_AnyFalse_IsRejected()
    {
        ConfigAssert.SingleErrorAt(WithPolicy("{ any: false }"), 5, "false", "images.api.policy.any: must be true");
    }

    [Fact]
    public void Validate_EmptyPolicy_AsksForAForm()
    {
        ConfigAssert.SingleError(WithPolicy("{}"), 5, 5, "images.api.policy: set one of semver, pattern or any");
    }

    [Fact]
    public void Validate_TwoForms_ReportsTheSecond()
    {
        ConfigAssert.SingleErrorAt(WithPolicy("{ semver: \"^1\", any: true }"), 5, "any", "images.api.policy: semver and any cannot be combined");
    }

    [Theory]
    [InlineData("{ any: true, prerelease: true }", "prerelease", "images.api.policy.prerelease: only allowed together with semver")]
    [InlineData("{ semver: \"^1\", extract: n }", "extract", "images.api.policy.extract: only allowed together with pattern")]
    [InlineData("{ semver: \"^1\", order: numerical }", "order", "images.api.policy.order: only allowed together with pattern")]
    public void Validate_KeyOfAnotherForm_IsRejectedAtTheKey(string policy, string key, string message)
    {
        ConfigAssert.SingleErrorAt(WithPolicy(policy), 5, key, message);
    }

    [Fact]
    public void Validate_PolicyAsString_IsRejected()
    {
        ConfigAssert.SingleError(WithPolicy("semver"), 5, 13, "images.api.policy: expected a mapping; got \"semver\"");
    }
}
