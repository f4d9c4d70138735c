namespace GitOpsBridge.Core.Policies;

/// <summary>
/// Admits every tag and orders none: two different tags are <see cref="BumpKind.Unordered"/>, so
/// the newest event wins. Unlike having no policy at all, semantic versions are not compared
/// either, which suits targets that follow a moving tag or a commit SHA.
/// </summary>
public sealed record AnyTagPolicy : TagPolicy
{
    /// <inheritdoc/>
    public override PolicyVerdict Evaluate(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return PolicyVerdict.Admit;
    }

    /// <inheritdoc/>
    /// <returns>0 for the same tag, otherwise <see langword="null"/>.</returns>
    public override int? Compare(string a, string b) => string.Equals(a, b, StringComparison.Ordinal) ? 0 : null;

    /// <inheritdoc/>
    public override string Describe() => "any";
}
