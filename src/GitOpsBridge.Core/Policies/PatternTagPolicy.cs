using System.Text.RegularExpressions;
using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Policies;

/// <summary>
/// Admits tags that match a regular expression and orders them by a sort key taken from the match,
/// like Flux's <c>ImagePolicy</c> with <c>filterTags.pattern</c> and <c>extract</c>.
/// </summary>
/// <remarks>
/// <para>
/// The pattern is not anchored for you; write <c>^</c> and <c>$</c> to match whole tags. It is compiled
/// with <see cref="RegexOptions.CultureInvariant"/> and a <see cref="MatchTimeout"/> of 100 ms, because
/// patterns come from repository configuration and a catastrophic one must not stall the worker; a tag
/// that times out is outside the policy.
/// </para>
/// <para>
/// The sort key is the value of the <see cref="Extract"/> group, or the whole match when there is none.
/// A tag whose group did not take part in the match is outside the policy, and so is, under
/// <see cref="TagOrder.Numerical"/>, a key that is not all ASCII digits. Numerical keys have no length
/// limit and leading zeros do not count, so <c>007</c> and <c>7</c> rank equal.
/// </para>
/// </remarks>
/// <param name="Expression">The regular expression, e.g. <c>^main-(?&lt;n&gt;\d+)-[0-9a-f]{7}$</c>.</param>
/// <param name="Extract">The group that holds the sort key: <c>n</c>, <c>$n</c> or <c>${n}</c> (a group number works too); <see langword="null"/> for the whole match.</param>
/// <param name="Order">How sort keys are compared.</param>
public sealed record PatternTagPolicy(string Expression, string? Extract, TagOrder Order) : TagPolicy
{
    /// <summary>How long one match may run before the tag is treated as outside the policy.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private const int DescribedPatternLimit = 100;

    private readonly (Regex Regex, string? Group) compiled = Compile(Expression, Extract, Order);

    /// <summary>The regular expression as written.</summary>
    public string Expression { get; } = Expression;

    /// <summary>The group that holds the sort key as written, or <see langword="null"/> for the whole match.</summary>
    public string? Extract { get; } = Extract;

    /// <summary>How sort keys are compared.</summary>
    public TagOrder Order { get; } = Order;

    /// <inheritdoc/>
    public override PolicyVerdict Evaluate(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        string? problem = SortKey(tag, out _);
        return problem is null
            ? PolicyVerdict.Admit
            : PolicyVerdict.Refuse($"policy {Describe()} rejects {DiagnosticText.Tag(tag)}: {problem}");
    }

    /// <inheritdoc/>
    public override int? Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (SortKey(a, out string? left) is not null || SortKey(b, out string? right) is not null)
        {
            return null;
        }

        return Math.Sign(Order == TagOrder.Numerical ? CompareNumbers(left!, right!) : string.CompareOrdinal(left, right));
    }

    /// <inheritdoc/>
    public override string Describe()
    {
        string pattern = DiagnosticText.Shorten(Expression, DescribedPatternLimit);
        string order = Order == TagOrder.Numerical ? "numerical" : "alphabetical";
        return compiled.Group is null ? $"pattern {pattern} ({order})" : $"pattern {pattern} ({order} by ${compiled.Group})";
    }

    /// <inheritdoc/>
    public bool Equals(PatternTagPolicy? other) =>
        other is not null
        && string.Equals(Expression, other.Expression, StringComparison.Ordinal)
        && string.Equals(compiled.Group, other.compiled.Group, StringComparison.Ordinal)
        && Order == other.Order;

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(StringComparer.Ordinal.GetHashCode(Expression), compiled.Group is null ? 0 : StringComparer.Ordinal.GetHashCode(compiled.Group), Order);

    /// <summary>Finds the sort key of <paramref name="tag"/>; returns why the tag is outside the policy, or <see langword="null"/>.</summary>
    private string? SortKey(string tag, out string? key)
    {
        key = null;
        Match match;
        try
        {
            match = compiled.Regex.Match(tag);
        }
        catch (RegexMatchTimeoutException)
        {
            return $"matching took longer than {MatchTimeout.TotalMilliseconds} ms";
        }

        if (!match.Success)
        {
            return "it does not match";
        }

        Group value = compiled.Group is null ? match : match.Groups[compiled.Group];
        if (!value.Success)
        {
            return $"group {compiled.Group} is not part of the match";
        }

        if (Order == TagOrder.Numerical && (value.Length == 0 || value.ValueSpan.ContainsAnyExcept("0123456789")))
        {
            return $"{DiagnosticText.Quote(value.Value, DiagnosticText.ComponentLimit)} is not a number";
        }

        key = value.Value;
        return null;
    }

    // Arbitrary length: build numbers and timestamps such as 20240601123045123 overflow a long.
    private static int CompareNumbers(string left, string right)
    {
        ReadOnlySpan<char> a = left.AsSpan().TrimStart('0');
        ReadOnlySpan<char> b = right.AsSpan().TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
    }

    private static (Regex, string?) Compile(string expression, string? extract, TagOrder order)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (!Enum.IsDefined(order))
        {
            throw new TagPolicyException($"The tag order {(int)order} is not one of numerical or alphabetical.");
        }

        string shown = DiagnosticText.Quote(expression, DescribedPatternLimit);
        Regex regex;
        try
        {
            regex = new Regex(expression, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException exception)
        {
            throw new TagPolicyException($"The pattern {shown} is not a valid regular expression: {exception.Message}", exception);
        }

        if (extract is null)
        {
            return (regex, null);
        }

        // Flux writes extract as a replacement ("$n"); people also write the bare group name.
        string group = extract.Trim();
        group = group.StartsWith("${", StringComparison.Ordinal) && group.EndsWith('}') ? group[2..^1]
            : group.StartsWith('$') ? group[1..]
            : group;
        if (group.Length == 0 || regex.GroupNumberFromName(group) < 0)
        {
            string[] named = regex.GetGroupNames().Where(name => !name.All(char.IsAsciiDigit)).ToArray();
            string known = named.Length == 0 ? "it has no named groups" : "its named groups are " + string.Join(", ", named);
            throw new TagPolicyException(
                $"The extract {DiagnosticText.Quote(extract, DiagnosticText.ComponentLimit)} names no group of the pattern {shown}; {known}.");
        }

        return (regex, group);
    }
}
