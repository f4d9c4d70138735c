using System.Net;

namespace GitOpsBridge.Registries;

/// <summary>Where a registry's API lives, and which hosts may be spoken to in plain HTTP.</summary>
internal static class RegistryHosts
{
    /// <summary>The normalised Docker Hub domain, as <c>ImageReference.Domain</c> writes it.</summary>
    public const string DockerHub = "docker.io";

    /// <summary>Docker Hub's API host: <c>docker.io</c> itself does not serve <c>/v2/</c>.</summary>
    public const string DockerHubApi = "registry-1.docker.io";

    /// <summary>The host that serves <c>/v2/</c> for an image domain.</summary>
    public static string ApiHost(string domain) =>
        string.Equals(domain, DockerHub, StringComparison.OrdinalIgnoreCase) ? DockerHubApi : domain.ToLowerInvariant();

    /// <summary>Whether <paramref name="host"/> (with or without a port) is a loopback address or <c>localhost</c>.</summary>
    public static bool IsLoopback(string host)
    {
        var name = host;
        if (name.StartsWith('['))
        {
            var close = name.IndexOf(']', StringComparison.Ordinal);
            name = close < 0 ? name : name[1..close];
        }
        else if (name.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
        {
            name = name[..colon];
        }

        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }
}
