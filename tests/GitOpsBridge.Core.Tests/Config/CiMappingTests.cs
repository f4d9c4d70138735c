using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Tests.Config;

public sealed class CiMappingTests
{
    private static string WithCi(string ci) => $"version: 1\nimages:\n  api:\n    repository: ghcr.io/acme/api\n    ci: {ci}\n";

    [Fact]
    public void Parse_MinimalCi_AppliesDefaults()
    {
        var ci = ConfigParser.Parse(WithCi("{ repository: acme/api, tag: \"{sha}\" }")).Images["api"].Ci;

        Assert.NotNull(ci);
        Assert.Equal("acme/api", ci.Repository);
        Assert.Null(ci.Workflow);
        Assert.Empty(ci.Branches);
        Assert.Equal("{sha}", ci.Tag);
        Assert.False(ci.Verify);
    }

    [Theory]
    [InlineData("sha-{sha:7}")]
    [InlineData("{sha}")]
    [InlineData("{sha:40}")]
    [InlineData("{branch}-{run}")]
    [InlineData("{tag}")]
    [InlineData("v1.2.3_build.{run}")]
    [InlineData("latest")]
    public void Validate_TagTemplate_IsAccepted(string template)
    {
        ConfigAssert.Valid(WithCi($"{{ repository: acme/api, tag: \"{template}\" }}"));
    }

    [Theory]
    [InlineData("{foo}", "unknown placeholder {foo}; expected {sha}, {sha:N}, {run}, {branch} or {tag}")]
    [InlineData("sha-{SHA}", "unknown placeholder {SHA}")]
    [InlineData("{sha:0}", "N in {sha:N} must be a number from 1 to 64")]
    [InlineData("{sha:65}", "N in {sha:N} must be a number from 1 to 64")]
    [InlineData("{sha:x}", "N in {sha:N}")]
    [InlineData("sha-{sha", "'{' at character 5 is never closed")]
    [InlineData("sha}", "'}' at character 4 closes no placeholder")]
    [InlineData("a b", "character ' ' at 2 cannot appear in an image tag")]
    [InlineData("v1/2", "character '/' at 3")]
    [InlineData(".{sha}", "cannot start with '.'")]
    [InlineData("", "must not be empty")]
    public void Validate_BadTagTemplate_IsRejected(string template, string reason)
    {
        ConfigAssert.SingleError(WithCi($"{{ repository: acme/api, tag: \"{template}\" }}"), 5, 38, "images.api.ci.tag:", reason);
    }

    [Fact]
    public void Validate_UnquotedBraceTemplate_ExplainsQuoting()
    {
        ConfigAssert.SingleError("version: 1\nimages:\n  api:\n    repository: ghcr.io/acme/api\n    ci:\n      repository: acme/api\n      tag: {sha}\n", 7, 12, "must be quoted");
    }

    [Fact]
    public void Validate_CiWithoutTag_IsRejected()
    {
        ConfigAssert.SingleError(WithCi("{ repository: acme/api }"), 5, 5, "images.api.ci: missing required key \"tag\"");
    }

    [Theory]
    [InlineData("acme//api")]
    [InlineData("acme/")]
    [InlineData("acme api/x")]
    public void Validate_BadCiRepository_IsRejected(string repository)
    {
        ConfigAssert.SingleError(WithCi($"{{ repository: \"{repository}\", tag: \"{{sha}}\" }}"), 5, 23, "images.api.ci.repository: expected owner/name");
    }

    [Theory]
    [InlineData("api")]
    [InlineData("be9b3917-87e6-42a4-a549-2bc06a7a878f")]
    public void Validate_SingleNameCiProject_IsAccepted(string repository)
    {
        // A Spinnaker application, an Azure DevOps project, a top-level Jenkins job.
        ConfigAssert.Valid(WithCi($"{{ repository: \"{repository}\", tag: \"{{sha}}\" }}"));
    }

    [Fact]
    public void Validate_GitLabSubgroupPath_IsAccepted()
    {
        ConfigAssert.Valid(WithCi("{ repository: group/subgroup/project, tag: \"{sha}\" }"));
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData("-main")]
    [InlineData("main.lock")]
    [InlineData("feature/")]
    [InlineData("with space")]
    [InlineData("a~1")]
    public void Validate_BadBranch_IsRejected(string branch)
    {
        ConfigAssert.SingleError(WithCi($"{{ repository: acme/api, tag: \"{{sha}}\", branches: [\"{branch}\"] }}"), 5, 58, "images.api.ci.branches[0]:", "is not a valid branch name");
    }

    [Fact]
    public void Validate_WorkflowAsNumber_AsksForQuotes()
    {
        ConfigAssert.SingleErrorAt(WithCi("{ repository: acme/api, tag: \"{sha}\", workflow: 42 }"), 5, "42", "images.api.ci.workflow: expected a string; got number 42 (quote it");
    }
}
