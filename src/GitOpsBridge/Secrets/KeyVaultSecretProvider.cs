using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace GitOpsBridge.Secrets;

/// <summary>
/// Secrets from Azure Key Vault, cached and refreshed every
/// <see cref="KeyVaultOptions.KeyVaultRefreshInterval"/> so rotation needs no restart. In
/// production the client authenticates with <c>DefaultAzureCredential</c> (managed or workload
/// identity). Also a setup store: first-run setup writes the App's credentials here when a vault is
/// configured, one secret at a time (Key Vault has no transactions).
/// </summary>
/// <param name="client">The vault's client.</param>
/// <param name="options">Secret names and the refresh interval.</param>
/// <param name="time">The clock the cache ages by.</param>
public sealed class KeyVaultSecretProvider(SecretClient client, KeyVaultOptions options, TimeProvider time) : ISetupSecretStore
{
    private readonly IReadOnlyDictionary<string, string> _names = options.Names();
    private readonly SecretCache _cache = new(time, options.KeyVaultRefreshInterval);

    /// <inheritdoc />
    public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        _names.TryGetValue(key, out var name) ? _cache.GetAsync(name, FetchAsync, cancellationToken) : ValueTask.FromResult<string?>(null);

    /// <inheritdoc />
    public async Task SaveAsync(IReadOnlyDictionary<string, string> secrets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        foreach (var (key, value) in secrets)
        {
            if (!_names.TryGetValue(key, out var name))
            {
                continue;
            }

            try
            {
                await client.SetSecretAsync(name, value, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RequestFailedException or AuthenticationFailedException)
            {
                throw new SecretSourceException($"Key Vault {client.VaultUri} refused to store the secret '{name}': {Describe(exception)}", exception);
            }

            _cache.Set(name, value);
        }
    }

    private async Task<string?> FetchAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await client.GetSecretAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return string.IsNullOrEmpty(secret.Value.Value) ? null : secret.Value.Value;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
        catch (Exception exception) when (exception is RequestFailedException or AuthenticationFailedException)
        {
            throw new SecretSourceException($"Key Vault {client.VaultUri} secret '{name}' cannot be read: {Describe(exception)}", exception);
        }
    }

    // RequestFailedException's own message carries the response's headers and content; the status
    // and error code say enough and cannot leak a value.
    private static string Describe(Exception exception) => exception is RequestFailedException failed
        ? $"HTTP {failed.Status} {failed.ErrorCode}".TrimEnd()
        : exception.GetType().Name + ": " + exception.Message.Split('\n')[0];
}
