using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Registries;

/// <summary>
/// One repository on one registry, as the client calls it: the API host, its base URI, the
/// repository path and the host's settings.
/// </summary>
/// <param name="Host">The API host with its port (<c>registry-1.docker.io</c>, <c>127.0.0.1:5000</c>).</param>
/// <param name="BaseUri">Where <c>/v2/</c> lives: <c>https://HOST/</c>, or <c>http://HOST/</c> for an insecure loopback host.</param>
/// <param name="Path">The normalised repository path (<c>library/nginx</c>, <c>acme/api</c>).</param>
/// <param name="Settings">The host's configured settings, or null for anonymous HTTPS.</param>
internal sealed record RegistryTarget(string Host, Uri BaseUri, string Path, RegistryHostOptions? Settings)
{
    /// <summary>The token scope for reading this repository.</summary>
    public string PullScope => $"repository:{Path}:pull";

    /// <summary>The target for a normalised name such as <c>docker.io/library/nginx</c> (as <see cref="ImageReference.Name"/> gives it).</summary>
    public static RegistryTarget For(string normalisedName, RegistryOptions options)
    {
        var slash = normalisedName.IndexOf('/', StringComparison.Ordinal);
        var domain = normalisedName[..slash];
        var path = normalisedName[(slash + 1)..];
        var host = RegistryHosts.ApiHost(domain);
        var settings = options.For(domain) ?? options.For(host);

        // The validator refuses Insecure for other hosts; checked again so a bypassed validation cannot downgrade a remote registry.
        var insecure = settings is { Insecure: true } && RegistryHosts.IsLoopback(host);
        return new RegistryTarget(host, new Uri($"{(insecure ? "http" : "https")}://{host}/"), path, settings);
    }

    /// <summary>The URI of <paramref name="relative"/> (which starts with <c>v2/</c>) on this registry.</summary>
    public Uri Api(string relative) => new(BaseUri, relative);
}
