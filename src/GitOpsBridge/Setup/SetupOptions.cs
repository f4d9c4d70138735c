namespace GitOpsBridge.Setup;

/// <summary>First-run setup (section <c>Setup</c>): how the GitHub App is registered from the setup page.</summary>
public sealed class SetupOptions
{
    /// <summary>The App's name on GitHub (unique on the GitHub instance). Default <c>GitOps Bridge</c>.</summary>
    public string AppName { get; set; } = "GitOps Bridge";

    /// <summary>
    /// Where GitHub reaches this service, e.g. <c>https://bridge.example.com</c>: the App's webhook
    /// URL is <c>{PublicUrl}/api/github/webhooks</c> and GitHub sends the browser back to
    /// <c>{PublicUrl}/setup/callback</c>. Default (null): the address the setup page was opened on.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Register the App under this organization instead of the signed-in user. Default none.</summary>
    public string? Organization { get; set; }

    /// <summary>Serve the setup page to other hosts than loopback (still behind the one-time token). Default false.</summary>
    public bool AllowRemote { get; set; }
}
