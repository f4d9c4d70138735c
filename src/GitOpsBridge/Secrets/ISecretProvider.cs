namespace GitOpsBridge.Secrets;

/// <summary>
/// Where secrets come from. Configuration is the first source; Key Vault and the first-run setup
/// store come later behind this same interface. Callers read on every use, so a rotated secret
/// takes effect without a restart.
/// </summary>
public interface ISecretProvider
{
    /// <summary>The secret's current value, or null when no source has it.</summary>
    ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default);
}

/// <summary>Secrets from configuration (appsettings.json, environment variables with <c>__</c>), reloaded on change.</summary>
public sealed class ConfigurationSecretProvider(IConfiguration configuration) : ISecretProvider
{
    public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var value = configuration[key];
        return ValueTask.FromResult(string.IsNullOrEmpty(value) ? null : value);
    }
}

/// <summary>Configuration keys of secrets.</summary>
public static class SecretKeys
{
    public const string AppId = "GitHub:AppId";
    public const string PrivateKey = "GitHub:PrivateKey";
    public const string PrivateKeyPath = "GitHub:PrivateKeyPath";
    public const string WebhookSecret = "GitHub:WebhookSecret";
    public const string AdminToken = "Admin:Token";
}
