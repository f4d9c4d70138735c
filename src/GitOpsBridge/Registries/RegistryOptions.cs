using System.ComponentModel.DataAnnotations;

namespace GitOpsBridge.Registries;

/// <summary>
/// How the registry client reaches container registries. Bound from the configuration section
/// <c>Registries</c>; every setting has a default, so an empty section means anonymous access
/// to every registry.
/// </summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Registries";

    /// <summary>
    /// Credentials and transport per registry host, keyed by host (<c>Registries:Hosts:ghcr.io:Username</c>).
    /// A host with a port cannot be a configuration key, because ':' separates sections: give the
    /// entry any name and set its <see cref="RegistryHostOptions.Host"/> (<c>Registries:Hosts:local:Host</c>
    /// = <c>127.0.0.1:5000</c>). Default: none, so every registry is reached anonymously over HTTPS.
    /// </summary>
    public Dictionary<string, RegistryHostOptions> Hosts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Requests per second sent to any one registry host (token services are not counted).
    /// Default 10; 0 turns the limit off.
    /// </summary>
    [Range(0, 100_000, ErrorMessage = "Registries:RequestsPerSecond must be between 0 (no limit) and 100000.")]
    public double RequestsPerSecond { get; set; } = 10;

    /// <summary>
    /// How long a resolved tag → digest answer is reused before the registry is asked again.
    /// Default 30 seconds; zero turns the cache off. Only found tags are cached, so a tag that
    /// appears is seen on the next call.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Registries:CacheDuration must be between 00:00:00 and 1.00:00:00.")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most pages of a tag listing that are read before the rest is left unread. Default 20.</summary>
    [Range(1, 10_000, ErrorMessage = "Registries:MaxTagPages must be between 1 and 10000.")]
    public int MaxTagPages { get; set; } = 20;

    /// <summary>Tags asked for per page (the <c>n</c> parameter of the tag listing). Default 100.</summary>
    [Range(1, 10_000, ErrorMessage = "Registries:TagPageSize must be between 1 and 10000.")]
    public int TagPageSize { get; set; } = 100;

    /// <summary>How long one HTTP request to a registry or token service may take. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Registries:RequestTimeout must be between 00:00:01 and 00:10:00.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The settings for <paramref name="host"/>, matched ignoring case on <see cref="RegistryHostOptions.Host"/> or the entry's key; null when none.</summary>
    internal RegistryHostOptions? For(string host)
    {
        foreach (var (key, settings) in Hosts)
        {
            if (string.Equals(settings.Host ?? key, host, StringComparison.OrdinalIgnoreCase))
            {
                return settings;
            }
        }

        return null;
    }
}

/// <summary>How one registry host is reached. Every setting defaults to anonymous HTTPS.</summary>
public sealed class RegistryHostOptions
{
    /// <summary>The default scope of the Microsoft Entra token that ACR exchanges for a refresh token.</summary>
    public const string DefaultAzureTokenScope = "https://containerregistry.azure.net/.default";

    /// <summary>
    /// The registry host, with its port if it has one (<c>127.0.0.1:5000</c>). Default (null): the
    /// entry's key under <c>Registries:Hosts</c>. Docker Hub may be written <c>docker.io</c>.
    /// </summary>
    public string? Host { get; set; }

    /// <summary>The user name for Basic authentication or for the token service. Default none.</summary>
    public string? Username { get; set; }

    /// <summary>The password or access token that goes with <see cref="Username"/>. Default none. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Authenticate to Azure Container Registry with a Microsoft Entra token from Azure.Identity
    /// (managed identity, workload identity, environment or CLI credentials), exchanged at the
    /// registry's <c>/oauth2/exchange</c> for a refresh token. Default false.
    /// </summary>
    public bool UseAzureIdentity { get; set; }

    /// <summary>The Microsoft Entra tenant to ask for the token when <see cref="UseAzureIdentity"/> is set. Default (null): the credential's own.</summary>
    public string? TenantId { get; set; }

    /// <summary>The scope of the Microsoft Entra token. Default <see cref="DefaultAzureTokenScope"/>; sovereign clouds use their own.</summary>
    public string AzureTokenScope { get; set; } = DefaultAzureTokenScope;

    /// <summary>
    /// Plain HTTP instead of HTTPS. Allowed only for loopback hosts (<c>127.x.x.x</c>,
    /// <c>localhost</c>, <c>[::1]</c>), which is what tests run. Default false.
    /// </summary>
    public bool Insecure { get; set; }
}
