using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Lifecycle;

namespace GitOpsBridge.Core.Tests.Lifecycle;

public sealed class PromotionGateTests
{
    private static readonly DateTimeOffset Merged = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static EnvironmentConfig Prod(string gates) =>
        ConfigParser.Parse($"version: 1\nenvironments:\n  staging: {{}}\n  prod: {{ promoteFrom: staging{gates} }}\n").Environments["prod"];

    [Fact]
    public void Evaluate_NoGates_IsOpenAtOnce()
    {
        var env = Prod("");

        var gate = PromotionGate.Evaluate(env, Merged, deployed: false, Merged);

        Assert.False(PromotionGate.HasGates(env));
        Assert.True(gate.Open);
        Assert.Null(gate.SoakEndsAt);
    }

    [Theory]
    [InlineData(29, false)]
    [InlineData(30, true)]
    [InlineData(31, true)]
    public void Evaluate_Soak_OpensExactlyWhenItEnds(int minutesLater, bool open)
    {
        var gate = PromotionGate.Evaluate(Prod(", soak: 30m"), Merged, deployed: false, Merged.AddMinutes(minutesLater));

        Assert.Equal(open, gate.Open);
        Assert.Equal(Merged.AddMinutes(30), gate.SoakEndsAt);
    }

    [Fact]
    public void Evaluate_SoakRunning_SaysUntilWhen()
    {
        var gate = PromotionGate.Evaluate(Prod(", soak: 1h30m"), Merged, deployed: false, Merged);

        Assert.Equal("waiting for the soak until 2026-12-01 11:30:00 UTC (1h30m after the merge in staging) before promoting to prod", gate.Reason);
    }

    [Fact]
    public void Evaluate_DeploymentGate_WaitsUntilDeployed_NamingTheMergeCommit()
    {
        var env = Prod(", requireDeployment: true");

        var waiting = PromotionGate.Evaluate(env, Merged, deployed: false, Merged.AddDays(3), "0123456789abcdef");
        var deployed = PromotionGate.Evaluate(env, Merged, deployed: true, Merged);

        Assert.True(PromotionGate.HasGates(env));
        Assert.False(waiting.Open);
        Assert.True(waiting.AwaitsDeployment);
        Assert.Contains("a successful deployment of staging at 0123456 or a later commit", waiting.Reason, StringComparison.Ordinal);
        Assert.True(deployed.Open);
    }

    [Fact]
    public void Evaluate_BothGates_EachMustOpen()
    {
        var env = Prod(", soak: 30m, requireDeployment: true");

        var deployedEarly = PromotionGate.Evaluate(env, Merged, deployed: true, Merged.AddMinutes(10));
        var soakedNotDeployed = PromotionGate.Evaluate(env, Merged, deployed: false, Merged.AddMinutes(40));
        var both = PromotionGate.Evaluate(env, Merged, deployed: true, Merged.AddMinutes(30));

        Assert.False(deployedEarly.Open);
        Assert.Contains("soak until", deployedEarly.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("deployment", deployedEarly.Reason, StringComparison.Ordinal);
        Assert.False(soakedNotDeployed.Open);
        Assert.DoesNotContain("soak", soakedNotDeployed.Reason, StringComparison.Ordinal);
        Assert.True(both.Open);
    }

    [Fact]
    public void HasGates_ZeroSoak_IsNoGate()
    {
        Assert.False(PromotionGate.HasGates(Prod(", soak: 0s")));
    }
}
