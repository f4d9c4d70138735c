namespace GitOpsBridge.GitHubEmulator;

/// <summary>What the emulator does with a request or response that breaks GitHub's REST description.</summary>
public enum SpecViolationMode
{
    /// <summary>Record it in <see cref="GitHubEmulator.SpecViolations"/> and answer as if nothing happened.</summary>
    Record,

    /// <summary>Record it and answer 500 with the violation text, so the client fails where the breach is.</summary>
    Fail,
}

/// <summary>Settings for one <see cref="GitHubEmulator"/>. Every property has a working default.</summary>
public sealed class GitHubEmulatorOptions
{
    /// <summary>Check every request and response against GitHub's OpenAPI description. Default true; switch off for latency benchmarks.</summary>
    public bool ValidateAgainstSpec { get; set; } = true;

    /// <summary>What a violation does. Default <see cref="SpecViolationMode.Fail"/>: the call fails with a 500 naming the breach.</summary>
    public SpecViolationMode ViolationMode { get; set; } = SpecViolationMode.Fail;

    /// <summary>
    /// Undocumented query parameters that are not violations, as <c>operationId?name</c>. Default:
    /// the ones Octokit 14 sends on its own and GitHub ignores (<c>sort</c> and <c>direction</c> on
    /// issues/list-comments).
    /// </summary>
    public ISet<string> ToleratedQueryParameters { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "issues/list-comments?sort",
        "issues/list-comments?direction",
    };

    /// <summary>The App's numeric id. Default 1001.</summary>
    public long AppId { get; set; } = 1001;

    /// <summary>
    /// The App's private key (PEM, PKCS#1 or PKCS#8). Default null: each emulator generates its own
    /// 2048-bit key on first use. A suite can generate one key and pass it to every emulator, since
    /// key generation costs about a second of CPU on a small machine.
    /// </summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>The App's slug; its bot user is <c>{slug}[bot]</c>. Default <c>gitops-bridge</c>.</summary>
    public string AppSlug { get; set; } = "gitops-bridge";

    /// <summary>How long an installation access token is accepted. Default 1 hour, as on GitHub.</summary>
    public TimeSpan InstallationTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Where redeliveries are POSTed (the App's webhook URL). Default none: a redelivery then records status 0.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Secret for <c>X-Hub-Signature-256</c>. Default <c>emulator-webhook-secret</c>.</summary>
    public string WebhookSecret { get; set; } = "emulator-webhook-secret";

    /// <summary>The primary rate limit announced in <c>x-ratelimit-limit</c> for an installation or the App. Default 5000.</summary>
    public int RateLimit { get; set; } = 5000;

    /// <summary>Clock for token expiry, JWT checks and timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Folder for the bare repositories; a fresh temporary folder (deleted on dispose) when null.</summary>
    public string? RootDirectory { get; set; }
}
