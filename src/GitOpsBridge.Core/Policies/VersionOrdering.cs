using GitOpsBridge.Core.Images;
using Semver;

namespace GitOpsBridge.Core.Policies;

/// <summary>
/// Decides whether moving a target from its current tag to a candidate tag is an upgrade, and says why.
/// </summary>
/// <remarks>
/// <para>
/// With a policy, the policy is the source of truth. A candidate it does not admit is
/// <see cref="BumpKind.Rejected"/>. A current tag that is missing or outside the policy (<c>latest</c>, a
/// template placeholder, a version outside the range) loses to any admitted candidate, as in Flux, where
/// the policy alone picks the tag; that includes moving from 2.0.0 back to 1.5.0 under <c>^1.4</c>, and
/// the reason says so. Otherwise the policy's order decides.
/// </para>
/// <para>
/// Without a policy, two semantic versions (read as <see cref="SemverTagPolicy"/> reads them, so
/// <c>v1.2.3</c> is fine and <c>1.4</c> is not) are compared by precedence, pre-releases included; any
/// other pair is <see cref="BumpKind.Unordered"/>, which callers treat as proceed because the event is newer.
/// </para>
/// <para>
/// Tags that differ in spelling but rank equal (<c>v1.2.3</c> and <c>1.2.3</c>, <c>main-007</c> and
/// <c>main-7</c> under a numerical pattern) are <see cref="BumpKind.Same"/>: projects often push both
/// spellings of one release, and flipping the manifest between them would open pull requests that
/// change nothing.
/// </para>
/// </remarks>
public static class VersionOrdering
{
    /// <summary>Decides what moving from <paramref name="currentTag"/> to <paramref name="candidateTag"/> would be.</summary>
    /// <param name="currentTag">The tag the target has now; <see langword="null"/> or empty when it has none.</param>
    /// <param name="candidateTag">The tag an event offers.</param>
    /// <param name="policy">The target's policy, or <see langword="null"/> for none.</param>
    /// <returns>The decision with its explanation.</returns>
    public static BumpDecision Decide(string? currentTag, string candidateTag, TagPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(candidateTag);
        if (ImageReference.TagProblem(candidateTag) is { } problem)
        {
            return new BumpDecision(BumpKind.Rejected, $"the candidate is not a valid tag: {problem}");
        }

        return policy is null ? DecideBySemver(currentTag, candidateTag) : DecideByPolicy(currentTag, candidateTag, policy);
    }

    private static BumpDecision DecideByPolicy(string? current, string candidate, TagPolicy policy)
    {
        string described = policy.Describe();
        PolicyVerdict verdict = policy.Evaluate(candidate);
        if (!verdict.Accepted)
        {
            return new BumpDecision(BumpKind.Rejected, verdict.Reason ?? $"policy {described} rejects {candidate}");
        }

        if (string.IsNullOrEmpty(current))
        {
            return new BumpDecision(BumpKind.Upgrade, $"no current tag → {candidate} ({described})");
        }

        if (string.Equals(current, candidate, StringComparison.Ordinal))
        {
            return new BumpDecision(BumpKind.Same, $"already at {candidate}");
        }

        string shownCurrent = DiagnosticText.Tag(current);
        if (!policy.Evaluate(current).Accepted)
        {
            // A semantic version outside the range still has an order: never move below it.
            if (policy is SemverTagPolicy
                && SemverTagPolicy.TryParseVersion(current, out SemVersion? above)
                && SemverTagPolicy.TryParseVersion(candidate, out SemVersion? below)
                && SemVersion.ComparePrecedence(above, below) > 0)
            {
                return new BumpDecision(
                    BumpKind.Downgrade,
                    $"downgrade: {candidate} is lower than {shownCurrent}, which is outside {described}; the bridge never moves a version down");
            }

            return new BumpDecision(
                BumpKind.Upgrade,
                $"{shownCurrent} → {candidate} ({described}); the current tag {shownCurrent} is outside the policy");
        }

        return policy.Compare(current, candidate) switch
        {
            null => new BumpDecision(BumpKind.Unordered, $"no order between {shownCurrent} and {candidate} under {described}; the event is newer"),
            0 => new BumpDecision(BumpKind.Same, $"already at {shownCurrent}; {candidate} ranks the same under {described}"),
            > 0 => new BumpDecision(BumpKind.Downgrade, $"downgrade: {candidate} is lower than {shownCurrent} under {described}"),
            < 0 => new BumpDecision(BumpKind.Upgrade, $"{shownCurrent} → {candidate} ({described})"),
        };
    }

    private static BumpDecision DecideBySemver(string? current, string candidate)
    {
        if (string.IsNullOrEmpty(current))
        {
            return new BumpDecision(BumpKind.Upgrade, $"no current tag → {candidate}");
        }

        if (string.Equals(current, candidate, StringComparison.Ordinal))
        {
            return new BumpDecision(BumpKind.Same, $"already at {candidate}");
        }

        string shownCurrent = DiagnosticText.Tag(current);
        if (!SemverTagPolicy.TryParseVersion(current, out SemVersion? from) || !SemverTagPolicy.TryParseVersion(candidate, out SemVersion? to))
        {
            return new BumpDecision(BumpKind.Unordered, $"no order between {shownCurrent} and {candidate}; the event is newer");
        }

        return SemVersion.ComparePrecedence(from, to) switch
        {
            0 => new BumpDecision(BumpKind.Same, $"already at {shownCurrent}; {candidate} is the same version"),
            > 0 => new BumpDecision(BumpKind.Downgrade, $"downgrade: {candidate} is lower than {shownCurrent} (semver)"),
            < 0 => new BumpDecision(BumpKind.Upgrade, $"{shownCurrent} → {candidate} (semver)"),
        };
    }
}
