using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Planning;

namespace GitOpsBridge.Core.Merging;

/// <summary>One version a pull request proposes for an environment.</summary>
/// <param name="Image">The image with the proposed tag and/or digest.</param>
/// <param name="Pinned">A person pinned exactly this version, so it may be lower (a deliberate rollback).</param>
public sealed record ProposedVersion(ImageReference Image, bool Pinned);

/// <summary>
/// Which proposed versions would lower what the base branch runs now. The planner decides it, as it
/// does for every event: a version that is not pinned and that it would refuse as a downgrade of
/// the base's current files is one. Pure: the shell reads the base's files.
/// </summary>
public static class MergeDowngrades
{
    /// <summary>Finds the downgrades among the proposed versions.</summary>
    /// <param name="proposed">The versions the pull request carries.</param>
    /// <param name="config">The repository's config.</param>
    /// <param name="environment">The environment the pull request is for.</param>
    /// <param name="baseFiles">The base branch's files now.</param>
    /// <returns>One sentence per downgrade (image and why); empty when nothing is lowered or only pinned versions are.</returns>
    public static IReadOnlyList<string> Find(IEnumerable<ProposedVersion> proposed, RepositoryConfig config, EnvironmentConfig environment, IRepositoryFiles baseFiles)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(baseFiles);
        var found = new List<string>();
        foreach (var version in proposed.Where(p => !p.Pinned))
        {
            var plan = Planner.Create(new PlanRequest(version.Image, config, environment.Name, Promoted: environment.PromoteFrom is not null), baseFiles);
            found.AddRange(plan.Skipped.Where(s => s.ReasonCode == ReasonCodes.Downgrade).Select(s => $"{version.Image} in {s.File}: {s.Reason}").Distinct(StringComparer.Ordinal));
        }

        return found;
    }
}
