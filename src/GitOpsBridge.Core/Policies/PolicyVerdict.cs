namespace GitOpsBridge.Core.Policies;

/// <summary>Whether a <see cref="TagPolicy"/> admits a tag.</summary>
/// <param name="Accepted">Whether the tag is admitted.</param>
/// <param name="Reason">Why the tag is not admitted, e.g. "policy semver ^1.4 rejects 2.0.0"; <see langword="null"/> when it is.</param>
public sealed record PolicyVerdict(bool Accepted, string? Reason)
{
    internal static PolicyVerdict Admit { get; } = new(true, null);

    internal static PolicyVerdict Refuse(string reason) => new(false, reason);
}
