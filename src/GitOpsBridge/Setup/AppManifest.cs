using System.Text.Json.Nodes;

namespace GitOpsBridge.Setup;

/// <summary>
/// The GitHub App manifest first-run setup posts to GitHub: the single source in code of the
/// permissions and events the bridge needs (README's "Registering the GitHub App" lists the same;
/// a test holds them together).
/// https://docs.github.com/en/apps/sharing-github-apps/registering-a-github-app-from-a-manifest
/// </summary>
public static class AppManifest
{
    /// <summary>Repository permissions, as the manifest's <c>default_permissions</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> Permissions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["contents"] = "write",
        ["pull_requests"] = "write",
        ["metadata"] = "read",
        ["packages"] = "read",
        ["actions"] = "read",
        ["checks"] = "write",
        ["statuses"] = "read",
        ["deployments"] = "write",
    };

    /// <summary>Subscribed events, as the manifest's <c>default_events</c>.</summary>
    public static readonly IReadOnlyList<string> Events = ["registry_package", "package", "workflow_run", "check_suite", "repository_dispatch", "push", "pull_request", "issue_comment", "deployment_status", "check_run", "status", "pull_request_review"];

    /// <summary>Events GitHub sends every App without a subscription (they cannot be in a manifest).</summary>
    public static readonly IReadOnlyList<string> AlwaysSentEvents = ["installation", "installation_repositories"];

    /// <summary>The webhook path, relative to the public URL.</summary>
    public const string WebhookPath = "api/github/webhooks";

    /// <summary>The path GitHub sends the browser back to with the code.</summary>
    public const string CallbackPath = "setup/callback";

    /// <summary>The manifest for an App named <paramref name="name"/> served at <paramref name="publicUrl"/>.</summary>
    public static JsonObject Create(string name, Uri publicUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(publicUrl);
        var root = publicUrl.AbsoluteUri.EndsWith('/') ? publicUrl : new Uri(publicUrl.AbsoluteUri + "/");
        return new JsonObject
        {
            ["name"] = name,
            ["url"] = root.AbsoluteUri,
            ["hook_attributes"] = new JsonObject { ["url"] = new Uri(root, WebhookPath).AbsoluteUri, ["active"] = true },
            ["redirect_url"] = new Uri(root, CallbackPath).AbsoluteUri,
            ["public"] = false,
            ["default_permissions"] = new JsonObject([.. Permissions.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
            ["default_events"] = new JsonArray([.. Events.Select(e => (JsonNode?)e)]),
        };
    }
}
