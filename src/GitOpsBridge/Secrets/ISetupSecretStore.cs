namespace GitOpsBridge.Secrets;

/// <summary>
/// Where first-run setup keeps the App's credentials: a 0600 file in the data directory, the
/// PostgreSQL database (so every replica sees them), or Key Vault. It is also the last secret source.
/// </summary>
public interface ISetupSecretStore : ISecretProvider
{
    /// <summary>Stores every value (keys from <see cref="SecretKeys"/>), replacing earlier ones; all or none.</summary>
    /// <exception cref="SecretSourceException">The store cannot be written.</exception>
    Task SaveAsync(IReadOnlyDictionary<string, string> secrets, CancellationToken cancellationToken = default);
}
