using System.Globalization;
using System.Security.Cryptography;
using GitOpsBridge.Secrets;

namespace GitOpsBridge.GitHub;

/// <summary>What the App's JWT is made from: the App id (<c>iss</c>) and its private key.</summary>
/// <param name="AppId">The App's numeric id.</param>
/// <param name="Key">The App's RSA private key.</param>
public sealed record AppKey(long AppId, RSA Key);

/// <summary>Where <see cref="AppJwtFactory"/> gets the App's id and key, asked on every token it makes.</summary>
public interface IAppKeySource
{
    /// <summary>The current id and key.</summary>
    /// <exception cref="GitHubConfigurationException">The id or key is not set or not usable.</exception>
    ValueTask<AppKey> GetAsync(CancellationToken cancellationToken = default);
}

/// <summary>One id and key for the source's lifetime (tests, tools); the caller keeps ownership of the key.</summary>
public sealed class FixedAppKeySource(AppKey key) : IAppKeySource
{
    /// <inheritdoc />
    public ValueTask<AppKey> GetAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(key);
}

/// <summary>
/// Reads <see cref="SecretKeys.AppId"/> and <see cref="SecretKeys.PrivateKey"/> through the secret
/// provider on each use, so a key that arrives by first-run setup or is rotated in Key Vault is
/// used without a restart. The PEM is imported again only when its text changes.
/// </summary>
public sealed class SecretAppKeySource(ISecretProvider secrets) : IAppKeySource
{
    private Entry? _current;

    /// <inheritdoc />
    public async ValueTask<AppKey> GetAsync(CancellationToken cancellationToken = default)
    {
        var idText = await secrets.GetAsync(SecretKeys.AppId, cancellationToken).ConfigureAwait(false);
        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var appId) || appId <= 0)
        {
            throw new GitHubConfigurationException(idText is null
                ? $"The GitHub App's id is not set: set {SecretKeys.AppId}, or finish first-run setup on the service's page at /."
                : $"{SecretKeys.AppId} must be the App's numeric id.");
        }

        var pem = await secrets.GetAsync(SecretKeys.PrivateKey, cancellationToken).ConfigureAwait(false)
            ?? throw new GitHubConfigurationException(
                $"The GitHub App's private key is not set: set {SecretKeys.PrivateKey} or {SecretKeys.PrivateKeyPath}, or finish first-run setup on the service's page at /.");
        var current = Volatile.Read(ref _current);
        if (current is not null && current.Key.AppId == appId && string.Equals(current.Pem, pem, StringComparison.Ordinal))
        {
            return current.Key;
        }

        // The key it replaces is not disposed: a JWT may be being signed with it right now, and
        // rotations are rare enough that the garbage collector's finalizer is soon enough.
        var key = new AppKey(appId, GitHubKeys.Import(pem, SecretKeys.PrivateKey));
        Volatile.Write(ref _current, new Entry(key, pem));
        return key;
    }

    private sealed record Entry(AppKey Key, string Pem);
}
