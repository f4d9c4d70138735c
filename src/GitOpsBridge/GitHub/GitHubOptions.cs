using System.ComponentModel.DataAnnotations;

namespace GitOpsBridge.GitHub;

/// <summary>
/// The GitHub App GitOps Bridge acts as, and where GitHub is. Bound from the configuration section
/// <c>GitHub</c>. Only <see cref="AppId"/> and one of <see cref="PrivateKey"/> or
/// <see cref="PrivateKeyPath"/> must be set; the URLs default to github.com.
/// </summary>
public sealed class GitHubOptions
{
    /// <summary>The App's numeric id (the JWT's <c>iss</c>). No default: set <c>GitHub:AppId</c>.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Set GitHub:AppId to the GitHub App's numeric id.")]
    public long AppId { get; set; }

    /// <summary>
    /// The App's private key as PEM text: PKCS#1 (<c>BEGIN RSA PRIVATE KEY</c>, as GitHub hands it out)
    /// or PKCS#8 (<c>BEGIN PRIVATE KEY</c>). Default none; wins over <see cref="PrivateKeyPath"/>.
    /// </summary>
    public string? PrivateKey { get; set; }

    /// <summary>A file holding the App's PEM private key. Default none.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>The secret GitHub signs webhook deliveries with (<c>X-Hub-Signature-256</c>). Default none.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// The REST API root. Default <c>https://api.github.com</c>; GitHub Enterprise Server is
    /// <c>https://HOST/api/v3</c>; the test emulator is <c>http://127.0.0.1:PORT</c>.
    /// </summary>
    public string ApiUrl { get; set; } = "https://api.github.com";

    /// <summary>
    /// The GraphQL endpoint. Default (null): derived from <see cref="ApiUrl"/>,
    /// <c>https://api.github.com/graphql</c> or <c>https://HOST/api/graphql</c>.
    /// </summary>
    public string? GraphQLUrl { get; set; }

    /// <summary>
    /// The web root that pull request and compare links use. Default (null): derived from
    /// <see cref="ApiUrl"/>, <c>https://github.com</c> or <c>https://HOST</c> (for the emulator,
    /// <see cref="ApiUrl"/> itself).
    /// </summary>
    public string? WebUrl { get; set; }

    /// <summary>Where repositories are cloned from (<c>{GitUrl}/{owner}/{name}.git</c>). Default (null): the web root.</summary>
    public string? GitUrl { get; set; }

    /// <summary>
    /// The longest a call waits in line for the rate-limit budget before it gives up with
    /// <see cref="GitHubRateLimitedException"/> so the worker can reschedule the job instead of
    /// holding it. Default 10 seconds.
    /// </summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(10);
}
