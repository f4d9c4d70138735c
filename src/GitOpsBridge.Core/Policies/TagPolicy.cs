namespace GitOpsBridge.Core.Policies;

/// <summary>
/// Which tags a target admits and in which order they stand. The policy is the source of truth for
/// <see cref="VersionOrdering.Decide"/>: a tag it does not admit is never deployed, and one it ranks
/// lower than the current tag is a downgrade.
/// </summary>
/// <remarks>
/// Policies are immutable and safe to share between threads. <see cref="object.ToString"/> returns
/// <see cref="Describe"/>.
/// </remarks>
public abstract record TagPolicy
{
    /// <summary>A policy that admits every tag and orders none (the newest event wins).</summary>
    public static TagPolicy Any { get; } = new AnyTagPolicy();

    /// <summary>Whether the policy admits <paramref name="tag"/>.</summary>
    /// <param name="tag">The tag, without repository.</param>
    /// <returns>The verdict; a rejection says why.</returns>
    public abstract PolicyVerdict Evaluate(string tag);

    /// <summary>Orders two tags under the policy.</summary>
    /// <param name="a">The first tag.</param>
    /// <param name="b">The second tag.</param>
    /// <returns>-1, 0 or 1 as <paramref name="a"/> ranks below, equal to or above <paramref name="b"/>;
    /// <see langword="null"/> when either tag is outside the policy or the policy has no order.</returns>
    public abstract int? Compare(string a, string b);

    /// <summary>The policy as shown in reasons: "semver ^1.4", "pattern ^main-(?&lt;n&gt;\d+)$ (numerical by $n)", "any".</summary>
    /// <returns>The description.</returns>
    public abstract string Describe();

    /// <summary>Creates a <see cref="SemverTagPolicy"/>.</summary>
    /// <param name="range">An npm range such as <c>^1.4</c>, <c>~1.2.3</c> or <c>&gt;=1.0.0 &lt;2.0.0</c>.</param>
    /// <param name="includePrerelease">Whether every pre-release inside the range is admitted; otherwise npm's rule applies.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="TagPolicyException"><paramref name="range"/> is not a valid npm range.</exception>
    public static TagPolicy Semver(string range, bool includePrerelease = false) => new SemverTagPolicy(range, includePrerelease);

    /// <summary>Creates a <see cref="PatternTagPolicy"/>.</summary>
    /// <param name="pattern">A .NET regular expression a tag must match, e.g. <c>^main-(?&lt;n&gt;\d+)-[0-9a-f]{7}$</c>.</param>
    /// <param name="extract">The group whose value is the sort key (<c>n</c>, <c>$n</c> or <c>${n}</c>); <see langword="null"/> for the whole match.</param>
    /// <param name="order">How sort keys are compared.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="TagPolicyException"><paramref name="pattern"/> is not a valid regular expression or <paramref name="extract"/> names no group of it.</exception>
    public static TagPolicy Pattern(string pattern, string? extract, TagOrder order) => new PatternTagPolicy(pattern, extract, order);

    /// <summary>Returns <see cref="Describe"/>.</summary>
    /// <returns>The description.</returns>
    public sealed override string ToString() => Describe();
}
