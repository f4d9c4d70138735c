using System.Globalization;
using GitOpsBridge.Secrets;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Hosting;

/// <summary>The service refuses to start with incomplete GitHub credentials, and names every missing key.</summary>
public sealed class StartupCheckException(IReadOnlyList<string> missing)
    : Exception($"GitHub credentials are incomplete; set {string.Join(", ", missing)} (in appsettings.json or as environment variables such as {missing[0].Replace(":", "__", StringComparison.Ordinal)}), or unset them all to run first-run setup")
{
    /// <summary>The keys to set.</summary>
    public IReadOnlyList<string> Missing { get; } = missing;
}

/// <summary>What the secret sources hold of the App's three credentials.</summary>
/// <param name="Missing">The keys to set; empty when all are there.</param>
/// <param name="NoneSet">True when none of them is set anywhere: first-run setup.</param>
internal sealed record CredentialCheck(IReadOnlyList<string> Missing, bool NoneSet)
{
    public bool Complete => Missing.Count == 0;
}

internal static class StartupCheck
{
    private static readonly string PrivateKeyKeys = $"{SecretKeys.PrivateKey} or {SecretKeys.PrivateKeyPath}";

    /// <summary>
    /// Looks up the App id, private key and webhook secret through every source (configuration, Key
    /// Vault, the setup store). An App id that is not a positive number counts as missing, not as set.
    /// </summary>
    public static async Task<CredentialCheck> CheckAsync(ISecretProvider secrets, CancellationToken cancellationToken)
    {
        var appId = await secrets.GetAsync(SecretKeys.AppId, cancellationToken);
        var key = await secrets.GetAsync(SecretKeys.PrivateKey, cancellationToken);
        var webhookSecret = await secrets.GetAsync(SecretKeys.WebhookSecret, cancellationToken);
        var missing = new List<string>();
        if (!long.TryParse(appId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            missing.Add(SecretKeys.AppId);
        }

        if (key is null)
        {
            missing.Add(PrivateKeyKeys);
        }

        if (webhookSecret is null)
        {
            missing.Add(SecretKeys.WebhookSecret);
        }

        return new CredentialCheck(missing, appId is null && key is null && webhookSecret is null);
    }

    /// <summary>Why the storage settings cannot start the service, naming the key to set; null when they can.</summary>
    public static string? StorageProblem(IConfiguration configuration) =>
        StorageProviders.Problem(configuration["Storage:Provider"], configuration["Storage:ConnectionString"]);
}
