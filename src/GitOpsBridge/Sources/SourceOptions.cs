using GitOpsBridge.Core.Sources;

namespace GitOpsBridge.Sources;

/// <summary>One event source, configured under <c>Sources:{name}</c>.</summary>
public sealed class SourceOptions
{
    /// <summary>
    /// The vendor: registries <c>dockerhub</c>, <c>acr</c>, <c>harbor</c>, <c>quay</c>, <c>distribution</c>,
    /// <c>gar</c>, <c>ecr</c>; CI systems <c>gitlab</c>, <c>azuredevops</c>, <c>circleci</c>, <c>jenkins</c>, <c>spinnaker</c>.
    /// </summary>
    public string? Kind { get; set; }

    /// <summary>
    /// The shared secret: accepted as <c>?token=</c> on every source, and through the vendor's own
    /// mechanism where one exists. Required, except for <c>gar</c> with <see cref="Audience"/> set.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>The GitHub account logins whose App installations this source may trigger. Required and non-empty.</summary>
    public List<string> Owners { get; set; } = [];

    /// <summary><c>gar</c>: the audience of the Pub/Sub push subscription's OIDC token.</summary>
    public string? Audience { get; set; }

    /// <summary><c>gar</c>: the token issuer; default <c>https://accounts.google.com</c>.</summary>
    public string Issuer { get; set; } = "https://accounts.google.com";

    /// <summary><c>gar</c>: where the issuer's signing keys are; default Google's JWKS.</summary>
    public string JwksUrl { get; set; } = "https://www.googleapis.com/oauth2/v3/certs";

    /// <summary><c>gar</c>: when set, the token's <c>email</c> must be this service account.</summary>
    public string? ServiceAccountEmail { get; set; }
}

/// <summary>A validated source.</summary>
/// <param name="Name">The key under <c>Sources</c>, used in the endpoint URL and in repository configs' <c>sources:</c>.</param>
/// <param name="Kind">The vendor.</param>
/// <param name="Options">The raw settings.</param>
internal sealed record ConfiguredSource(string Name, SourceKind Kind, SourceOptions Options)
{
    public bool IsRegistry => SourceCatalog.IsRegistryKind(Kind);

    public bool AllowsOwner(string? account) =>
        account is not null && Options.Owners.Any(o => string.Equals(o, account, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Start-up refuses a source that is incomplete; the message names the key and never a value.</summary>
internal sealed class SourceConfigurationException(string message) : Exception(message);
