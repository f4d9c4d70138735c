using GitOpsBridge.Setup;
using GitOpsBridge.Tests.Support;

namespace GitOpsBridge.Tests.Setup;

public sealed class AppManifestTests
{
    [Fact]
    public void Create_PublicUrl_HookAndRedirectUnderItAndPrivate()
    {
        var manifest = AppManifest.Create("GitOps Bridge", new Uri("https://bridge.example.com/base"));

        Assert.Equal("GitOps Bridge", manifest["name"]!.GetValue<string>());
        Assert.Equal("https://bridge.example.com/base/", manifest["url"]!.GetValue<string>());
        Assert.Equal("https://bridge.example.com/base/api/github/webhooks", manifest["hook_attributes"]!["url"]!.GetValue<string>());
        Assert.Equal("https://bridge.example.com/base/setup/callback", manifest["redirect_url"]!.GetValue<string>());
        Assert.False(manifest["public"]!.GetValue<bool>());
        Assert.Equal(
            """{"contents":"write","pull_requests":"write","metadata":"read","packages":"read","actions":"read","checks":"write","statuses":"read","deployments":"write"}""",
            manifest["default_permissions"]!.ToJsonString());
        Assert.Equal("""["registry_package","package","workflow_run","check_suite","repository_dispatch","push","pull_request","issue_comment","deployment_status","check_run","status","pull_request_review"]""", manifest["default_events"]!.ToJsonString());
    }

    [Fact]
    public void Permissions_ReadmeTable_ListsExactlyTheManifestsPermissions()
    {
        var rows = TableRows(ReadmeSection(), "| permission | access | why |");

        var readme = rows.ToDictionary(
            r => r[0].ToLowerInvariant().Replace(' ', '_'),
            r => r[1] switch
            {
                "read & write" => "write",
                "read" => "read",
                var other => throw new InvalidOperationException($"README access '{other}' is neither 'read' nor 'read & write'"),
            });

        Assert.Equal(AppManifest.Permissions.OrderBy(p => p.Key), readme.OrderBy(p => p.Key));
    }

    [Fact]
    public void Events_ReadmeTable_ListsTheManifestsEventsAndThoseSentToEveryApp()
    {
        var rows = TableRows(ReadmeSection(), "| event | why |");

        var readme = rows.SelectMany(r => r[0].Split(',', StringSplitOptions.TrimEntries))
            .Select(name => name.ToLowerInvariant().Replace(' ', '_'))
            .Order(StringComparer.Ordinal);

        Assert.Equal(AppManifest.Events.Concat(AppManifest.AlwaysSentEvents).Order(StringComparer.Ordinal), readme);
    }

    [Fact]
    public void Events_Subscribed_AreAllActedOnByTheWebhookEndpoint()
    {
        Assert.All(AppManifest.Events.Concat(AppManifest.AlwaysSentEvents), e => Assert.Contains(e, GitOpsBridge.Webhooks.GitHubWebhookEndpoint.HandledEvents));
    }

    private static string ReadmeSection()
    {
        var readme = File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot(), "README.md"));
        var start = readme.IndexOf("### Registering the GitHub App", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no '### Registering the GitHub App' section");
        var end = readme.IndexOf("\n#", start + 10, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

    /// <summary>The body rows of the Markdown table under <paramref name="header"/>, cells trimmed.</summary>
    private static List<string[]> TableRows(string text, string header)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        var at = lines.IndexOf(header);
        Assert.True(at >= 0, $"README has no table '{header}'");
        return lines.Skip(at + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .ToList();
    }
}
