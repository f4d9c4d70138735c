using GitOpsBridge.GitHub;

namespace GitOpsBridge.Secrets;

/// <summary>
/// Where secrets come from: configuration, then Key Vault, then the first-run setup store
/// (<see cref="CompositeSecretProvider"/>). Callers read on every use, so a rotated secret or a
/// finished first-run setup takes effect without a restart.
/// </summary>
public interface ISecretProvider
{
    /// <summary>The secret's current value, or null when this source does not have it.</summary>
    /// <exception cref="SecretSourceException">The source holds secrets but cannot be read now.</exception>
    ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default);
}

/// <summary>
/// Secrets from configuration (appsettings.json, environment variables with <c>__</c>), reloaded on
/// change. <see cref="SecretKeys.PrivateKey"/> falls back to the file named by
/// <see cref="SecretKeys.PrivateKeyPath"/>, read on each call so a replaced file takes effect.
/// </summary>
public sealed class ConfigurationSecretProvider(IConfiguration configuration) : ISecretProvider
{
    /// <inheritdoc />
    public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value) && key == SecretKeys.PrivateKey && configuration[SecretKeys.PrivateKeyPath] is { Length: > 0 } path)
        {
            try
            {
                return ValueTask.FromResult<string?>(File.ReadAllText(path));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                throw new GitHubConfigurationException($"{SecretKeys.PrivateKeyPath} ('{path}') cannot be read: {exception.Message}", exception);
            }
        }

        return ValueTask.FromResult(string.IsNullOrWhiteSpace(value) ? null : value);
    }
}

/// <summary>Names of secrets: configuration keys, also the names the setup store keeps them under.</summary>
public static class SecretKeys
{
    /// <summary>The GitHub App's numeric id.</summary>
    public const string AppId = "GitHub:AppId";

    /// <summary>The App's private key as PEM text.</summary>
    public const string PrivateKey = "GitHub:PrivateKey";

    /// <summary>A file holding the App's PEM private key (configuration only).</summary>
    public const string PrivateKeyPath = "GitHub:PrivateKeyPath";

    /// <summary>The secret GitHub signs webhook deliveries with.</summary>
    public const string WebhookSecret = "GitHub:WebhookSecret";

    /// <summary>The App's OAuth client id, kept by first-run setup.</summary>
    public const string ClientId = "GitHub:ClientId";

    /// <summary>The App's OAuth client secret, kept by first-run setup.</summary>
    public const string ClientSecret = "GitHub:ClientSecret";

    /// <summary>The App's slug (its URL name), kept by first-run setup.</summary>
    public const string AppSlug = "GitHub:AppSlug";

    /// <summary>The bearer token of the deliveries API.</summary>
    public const string AdminToken = "Admin:Token";
}
