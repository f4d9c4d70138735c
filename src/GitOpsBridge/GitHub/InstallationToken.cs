namespace GitOpsBridge.GitHub;

/// <summary>An installation access token (<c>ghs_…</c>) and when GitHub stops accepting it.</summary>
/// <param name="Value">The token. Never log it: <see cref="ToString"/> leaves it out.</param>
/// <param name="ExpiresAt">GitHub's <c>expires_at</c> (an hour after issue).</param>
public sealed record InstallationToken(string Value, DateTimeOffset ExpiresAt)
{
    /// <summary>Describes the token without its value, so a logged record leaks nothing.</summary>
    public override string ToString() => $"InstallationToken {{ ExpiresAt = {ExpiresAt:O} }}";
}
