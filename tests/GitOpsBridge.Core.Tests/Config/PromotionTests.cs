using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Tests.Config;

public sealed class PromotionTests
{
    [Fact]
    public void Parse_PromotionChain_IsBound()
    {
        var config = ConfigParser.Parse("""
            version: 1
            environments:
              dev: {}
              staging: { promoteFrom: dev, soak: 1h }
              prod: { promoteFrom: staging, soak: 1d }
            """);

        Assert.Null(config.Environments["dev"].PromoteFrom);
        Assert.Equal("dev", config.Environments["staging"].PromoteFrom);
        Assert.Equal(TimeSpan.FromHours(1), config.Environments["staging"].Soak);
        Assert.Equal("staging", config.Environments["prod"].PromoteFrom);
        Assert.Equal(TimeSpan.FromDays(1), config.Environments["prod"].Soak);
    }

    [Fact]
    public void Parse_DeploymentGate_IsBound()
    {
        var config = ConfigParser.Parse("""
            version: 1
            environments:
              staging: { deploymentEnvironment: staging-eu }
              prod: { promoteFrom: staging, requireDeployment: true }
            """);

        Assert.Equal("staging-eu", config.Environments["staging"].DeploymentEnvironment);
        Assert.False(config.Environments["staging"].RequireDeployment);
        Assert.True(config.Environments["prod"].RequireDeployment);
        Assert.Null(config.Environments["prod"].DeploymentEnvironment);
    }

    [Fact]
    public void Parse_PromoteFromDeclaredLater_IsAccepted()
    {
        ConfigAssert.Valid("version: 1\nenvironments:\n  prod: { promoteFrom: dev }\n  dev: {}\n");
    }

    [Fact]
    public void Validate_UnknownEnvironment_SuggestsClosest()
    {
        ConfigAssert.SingleError("version: 1\nenvironments:\n  staging: {}\n  prod: { promoteFrom: stagign }\n", 4, 24, "environments.prod.promoteFrom: unknown environment \"stagign\" (did you mean \"staging\"?)");
    }

    [Fact]
    public void Validate_UnknownEnvironmentWithoutNearMatch_ListsEnvironments()
    {
        ConfigAssert.SingleError("version: 1\nenvironments:\n  dev: {}\n  prod: { promoteFrom: qa }\n", 4, 24, "unknown environment \"qa\"; environments are dev, prod");
    }

    [Fact]
    public void Validate_PromoteFromAnEnvironmentWithoutPullRequests_IsRejectedAtTheKey()
    {
        ConfigAssert.SingleError(
            "version: 1\nenvironments:\n  dev: { pullRequest: false }\n  prod: { promoteFrom: dev }\n", 4, 24,
            "environments.prod.promoteFrom: \"dev\" commits straight to its branch (pullRequest: false), and promotions start from a merged bridge pull request");
    }

    [Fact]
    public void Validate_PromoteFromItself_IsRejected()
    {
        ConfigAssert.SingleError("version: 1\nenvironments:\n  prod: { promoteFrom: prod }\n", 3, 24, "environments.prod.promoteFrom: an environment cannot promote from itself");
    }

    [Fact]
    public void Validate_TwoEnvironmentCycle_IsReportedOnceAtFirstMember()
    {
        ConfigAssert.SingleError("""
            version: 1
            environments:
              staging: { promoteFrom: prod }
              prod: { promoteFrom: staging }
            """, 3, 27, "environments.staging.promoteFrom: promotion cycle staging <- prod <- staging");
    }

    [Fact]
    public void Validate_ThreeEnvironmentCycle_IsReportedOnce()
    {
        ConfigAssert.SingleError("""
            version: 1
            environments:
              a: { promoteFrom: c }
              b: { promoteFrom: a }
              c: { promoteFrom: b }
            """, 3, 21, "environments.a.promoteFrom: promotion cycle a <- c <- b <- a");
    }

    [Fact]
    public void Validate_ChainLeadingIntoCycle_ReportsOnlyTheCycle()
    {
        var errors = ConfigParser.Validate("""
            version: 1
            environments:
              qa: { promoteFrom: a }
              a: { promoteFrom: b }
              b: { promoteFrom: a }
            """);

        var error = Assert.Single(errors);
        Assert.Equal(4, error.Line);
        Assert.Contains("promotion cycle a <- b <- a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoSeparateCycles_AreBothReported()
    {
        var errors = ConfigParser.Validate("""
            version: 1
            environments:
              a: { promoteFrom: b }
              b: { promoteFrom: a }
              c: { promoteFrom: d }
              d: { promoteFrom: c }
            """);

        Assert.Equal(2, errors.Count);
        ConfigAssert.HasError(errors, 3, 21, "promotion cycle a <- b <- a");
        ConfigAssert.HasError(errors, 5, 21, "promotion cycle c <- d <- c");
    }

    [Fact]
    public void Validate_PromoteFromNumber_IsATypeError()
    {
        ConfigAssert.SingleError("version: 1\nenvironments:\n  prod: { promoteFrom: 1 }\n", 3, 24, "environments.prod.promoteFrom: expected a string; got number 1");
    }
}
