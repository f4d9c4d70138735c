using System.Diagnostics.CodeAnalysis;
using GitOpsBridge.Core.Images;
using Semver;

namespace GitOpsBridge.Core.Policies;

/// <summary>
/// Admits tags that are semantic versions inside an npm range and orders them by semver precedence.
/// </summary>
/// <remarks>
/// <para>
/// Tags are read with one leniency: a leading <c>v</c> or <c>V</c> (<c>v1.2.3</c>). Otherwise a tag must
/// be a full <c>major.minor.patch</c> version. Partial tags such as <c>1.4</c> or <c>1</c> are outside the
/// policy on purpose: registries use them as floating aliases that move to the newest patch, so reading
/// <c>1.4</c> as 1.4.0 would rank it below the 1.4.2 it points at. Leading zeros are not accepted.
/// </para>
/// <para>
/// Pre-releases follow npm unless <see cref="IncludePrerelease"/> is set: <c>1.5.0-rc.1</c> is admitted only
/// when a comparator of the range names a pre-release of 1.5.0 itself (e.g. <c>&gt;=1.5.0-rc.0</c>).
/// Build metadata is ignored for ordering, so <c>1.2.3+a</c> and <c>1.2.3+b</c> rank equal, as do
/// <c>v1.2.3</c> and <c>1.2.3</c>.
/// </para>
/// </remarks>
/// <param name="Range">The npm range as written, e.g. <c>^1.4</c>.</param>
/// <param name="IncludePrerelease">Whether every pre-release inside the range is admitted.</param>
public sealed record SemverTagPolicy(string Range, bool IncludePrerelease = false) : TagPolicy
{
    private const int DescribedRangeLimit = 100;

    private readonly (SemVersionRange Admitted, SemVersionRange WithAllPrereleases) ranges = ParseRange(Range, IncludePrerelease);

    /// <summary>The npm range as written, e.g. <c>^1.4</c>.</summary>
    public string Range { get; } = Range;

    /// <summary>Whether every pre-release inside the range is admitted.</summary>
    public bool IncludePrerelease { get; } = IncludePrerelease;

    /// <inheritdoc/>
    public override PolicyVerdict Evaluate(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (!TryParseVersion(tag, out SemVersion? version))
        {
            return PolicyVerdict.Refuse($"policy {Describe()} rejects {DiagnosticText.Tag(tag)}: it is not a semantic version (major.minor.patch)");
        }

        if (ranges.Admitted.Contains(version))
        {
            return PolicyVerdict.Admit;
        }

        return version.IsPrerelease && ranges.WithAllPrereleases.Contains(version)
            ? PolicyVerdict.Refuse($"policy {Describe()} rejects {DiagnosticText.Tag(tag)}: pre-releases are not included")
            : PolicyVerdict.Refuse($"policy {Describe()} rejects {DiagnosticText.Tag(tag)}");
    }

    /// <inheritdoc/>
    public override int? Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!TryParseVersion(a, out SemVersion? left) || !ranges.Admitted.Contains(left)
            || !TryParseVersion(b, out SemVersion? right) || !ranges.Admitted.Contains(right))
        {
            return null;
        }

        return Math.Sign(SemVersion.ComparePrecedence(left, right));
    }

    /// <inheritdoc/>
    public override string Describe()
    {
        string range = DiagnosticText.Shorten(Range.Trim(), DescribedRangeLimit);
        return IncludePrerelease ? $"semver {range} with pre-releases" : $"semver {range}";
    }

    /// <inheritdoc/>
    public bool Equals(SemverTagPolicy? other) =>
        other is not null && string.Equals(Range, other.Range, StringComparison.Ordinal) && IncludePrerelease == other.IncludePrerelease;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Range), IncludePrerelease);

    /// <summary>Reads a tag as a semantic version the way this policy does: optional 'v', then a full version.</summary>
    internal static bool TryParseVersion(string? tag, [NotNullWhen(true)] out SemVersion? version)
    {
        version = null;
        return tag is not null && SemVersion.TryParse(tag, SemVersionStyles.AllowV, out version);
    }

    private static (SemVersionRange, SemVersionRange) ParseRange(string range, bool includePrerelease)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (string.IsNullOrWhiteSpace(range))
        {
            // npm reads "" as "*"; in a config file an empty range is far more likely a mistake.
            throw new TagPolicyException("The semver range is empty; write * to admit every version.");
        }

        string shown = DiagnosticText.Quote(range, DescribedRangeLimit);
        try
        {
            return (SemVersionRange.ParseNpm(range, includePrerelease), SemVersionRange.ParseNpm(range, includeAllPrerelease: true));
        }
        catch (FormatException exception)
        {
            throw new TagPolicyException($"The semver range {shown} is not an npm range: {exception.Message}", exception);
        }
        catch (OverflowException exception)
        {
            throw new TagPolicyException($"The semver range {shown} has a number that is too large: {exception.Message}", exception);
        }
    }
}
