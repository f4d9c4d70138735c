using System.Globalization;
using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Lifecycle;

/// <summary>Where one promoted version stands against the gates of the environment it is promoted to.</summary>
/// <param name="Open">Every gate is open: the version may be published now.</param>
/// <param name="SoakEndsAt">When the soak ends (merge time + <c>soak</c>); <see langword="null"/> without a soak.</param>
/// <param name="AwaitsDeployment">A successful deployment of the source environment is still missing.</param>
/// <param name="Reason">What it waits for and until when, or that the gates are open.</param>
public sealed record PromotionGateState(bool Open, DateTimeOffset? SoakEndsAt, bool AwaitsDeployment, string Reason);

/// <summary>
/// The promotion gates of an environment with <c>promoteFrom</c> (issue 5, "Promotion"): a minimum
/// <c>soak</c> after the merge in the source environment, and with <c>requireDeployment</c> a
/// successful GitHub deployment of the source environment at the merge commit or later. Pure: the
/// caller passes the clock's time and whether the deployment was seen.
/// </summary>
public static class PromotionGate
{
    /// <summary>Reason code of a promotion that waits for its gates.</summary>
    public const string ReasonCode = "promotion-gate";

    /// <summary>Whether the environment has a gate at all (a zero soak is none).</summary>
    public static bool HasGates(EnvironmentConfig environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.Soak > TimeSpan.Zero || environment.RequireDeployment;
    }

    /// <summary>Evaluates the gates of <paramref name="environment"/> for a version that merged at <paramref name="mergedAt"/>.</summary>
    /// <param name="environment">The environment promoted to.</param>
    /// <param name="mergedAt">When the version merged in the source environment.</param>
    /// <param name="deployed">Whether a successful deployment of the source environment containing the merge was reported.</param>
    /// <param name="now">The current time.</param>
    /// <param name="mergeCommit">The merge commit, named in the reason when known.</param>
    public static PromotionGateState Evaluate(EnvironmentConfig environment, DateTimeOffset mergedAt, bool deployed, DateTimeOffset now, string? mergeCommit = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var from = environment.PromoteFrom ?? "its source";
        DateTimeOffset? soakEnds = environment.Soak is { } soak && soak > TimeSpan.Zero ? mergedAt + soak : null;
        var waits = new List<string>();
        if (soakEnds > now)
        {
            waits.Add(string.Create(CultureInfo.InvariantCulture,
                $"the soak until {soakEnds.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({DurationSyntax.Format(environment.Soak!.Value)} after the merge in {from})"));
        }

        var awaitsDeployment = environment.RequireDeployment && !deployed;
        if (awaitsDeployment)
        {
            var at = mergeCommit is { Length: > 0 } sha ? $" at {sha[..Math.Min(7, sha.Length)]} or a later commit" : "";
            waits.Add($"a successful deployment of {from}{at} (a deployment_status event)");
        }

        return waits.Count == 0
            ? new PromotionGateState(true, soakEnds, false, $"the promotion gates of {environment.Name} are open")
            : new PromotionGateState(false, soakEnds, awaitsDeployment, $"waiting for {string.Join(" and ", waits)} before promoting to {environment.Name}");
    }

}
