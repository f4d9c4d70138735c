using GitOpsBridge.Secrets;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Hosting;

/// <summary>The service refuses to start with incomplete GitHub credentials, and names every missing key.</summary>
public sealed class StartupCheckException(IReadOnlyList<string> missing)
    : Exception($"GitHub credentials are incomplete; set {string.Join(", ", missing)} (in appsettings.json or as environment variables such as {missing[0].Replace(":", "__", StringComparison.Ordinal)})")
{
    public IReadOnlyList<string> Missing { get; } = missing;
}

internal static class StartupCheck
{
    /// <summary>Returns the missing keys; empty when the service may start.</summary>
    public static IReadOnlyList<string> MissingKeys(IConfiguration configuration)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(configuration[SecretKeys.AppId]) || !long.TryParse(configuration[SecretKeys.AppId], out var id) || id <= 0)
        {
            missing.Add(SecretKeys.AppId);
        }

        if (string.IsNullOrWhiteSpace(configuration[SecretKeys.PrivateKey]) && string.IsNullOrWhiteSpace(configuration[SecretKeys.PrivateKeyPath]))
        {
            missing.Add($"{SecretKeys.PrivateKey} or {SecretKeys.PrivateKeyPath}");
        }

        if (string.IsNullOrWhiteSpace(configuration[SecretKeys.WebhookSecret]))
        {
            missing.Add(SecretKeys.WebhookSecret);
        }

        return missing;
    }

    /// <summary>Why the storage settings cannot start the service, naming the key to set; null when they can.</summary>
    public static string? StorageProblem(IConfiguration configuration) =>
        StorageProviders.Problem(configuration["Storage:Provider"], configuration["Storage:ConnectionString"]);
}
