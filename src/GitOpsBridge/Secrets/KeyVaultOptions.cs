namespace GitOpsBridge.Secrets;

/// <summary>
/// Azure Key Vault as a secret source (and setup store). Bound from the section <c>GitHub</c>; off
/// unless <see cref="PrivateKeyVaultUri"/> is set.
/// </summary>
public sealed class KeyVaultOptions
{
    /// <summary>The vault, e.g. <c>https://my-vault.vault.azure.net/</c>. Default none: Key Vault is not used.</summary>
    public string? PrivateKeyVaultUri { get; set; }

    /// <summary>The secret holding the App's PEM private key. Default <c>github-app-private-key</c>.</summary>
    public string PrivateKeySecretName { get; set; } = "github-app-private-key";

    /// <summary>The secret holding the webhook secret. Default <c>github-webhook-secret</c>.</summary>
    public string WebhookSecretName { get; set; } = "github-webhook-secret";

    /// <summary>The secret holding the App's numeric id. Default <c>github-app-id</c>.</summary>
    public string AppIdSecretName { get; set; } = "github-app-id";

    /// <summary>How long a value read from the vault is used before it is read again. Default 5 minutes.</summary>
    public TimeSpan KeyVaultRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The vault's name for each secret key this source serves.</summary>
    internal IReadOnlyDictionary<string, string> Names() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [SecretKeys.AppId] = AppIdSecretName,
        [SecretKeys.PrivateKey] = PrivateKeySecretName,
        [SecretKeys.WebhookSecret] = WebhookSecretName,
        [SecretKeys.ClientId] = "github-app-client-id",
        [SecretKeys.ClientSecret] = "github-app-client-secret",
        [SecretKeys.AppSlug] = "github-app-slug",
    };
}
