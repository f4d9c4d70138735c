using System.Net;
using System.Text.Json;

namespace GitOpsBridge.Tests.Registries;

/// <summary>
/// What the test registry really does: it stores what skopeo pushes, asks for tokens when token
/// authentication is on, and delivers notifications with the configured headers. The bridge's
/// end-to-end tests rely on each of these.
/// </summary>
public sealed class RegistryServerTests
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);

    [RegistryFact]
    public async Task PushAsync_NewOciImage_ReturnsTheManifestDigestTheRegistryServes()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions());
        var image = OciImage.Create(Directory.CreateTempSubdirectory("oci-").FullName);

        var pushed = await registry.PushAsync("team/app", "1.0.0", image);
        var again = await registry.PushAsync("team/app", "1.0.1");

        Assert.Equal(image.Digest, pushed);
        Assert.Equal(pushed, await registry.InspectDigestAsync("team/app", "1.0.0"));
        Assert.NotEqual(pushed, again);
        Assert.Contains(OciImage.ManifestMediaType, await registry.PullManifestAsync("team/app", "1.0.0"), StringComparison.Ordinal);
        Directory.Delete(image.Directory, recursive: true);
    }

    [RegistryFact]
    public async Task PushAsync_WithNotifications_DeliversTheManifestPushWithTheConfiguredAuthorization()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions
        {
            NotificationUrl = receiver.Url,
            NotificationHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer source-secret-1" },
        });

        var digest = await registry.PushAsync("team/app", "1.2.3");
        var (notification, push) = await receiver.WaitForEventAsync(
            e => Text(e, "action") == "push" && Text(e.GetProperty("target"), "tag") == "1.2.3", EventTimeout);

        Assert.Equal("Bearer source-secret-1", notification.Headers["Authorization"]);
        Assert.StartsWith(RegistryServer.EnvelopeMediaType, notification.ContentType, StringComparison.Ordinal);
        var target = push.GetProperty("target");
        Assert.Equal("team/app", Text(target, "repository"));
        Assert.Equal(digest, Text(target, "digest"));
        Assert.Equal(OciImage.ManifestMediaType, Text(target, "mediaType"));
        Assert.Equal(registry.Host, Text(push.GetProperty("request"), "host"));
    }

    [RegistryFact]
    public async Task PullManifestAsync_WithNotifications_DeliversAPullEvent()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions
        {
            NotificationUrl = receiver.Url,
            IgnoredNotificationMediaTypes = ["application/octet-stream"],
        });
        var digest = await registry.PushAsync("team/app", "1.2.3");

        await registry.PullManifestAsync("team/app", "1.2.3");
        var (_, pull) = await receiver.WaitForEventAsync(e => Text(e, "action") == "pull", EventTimeout);

        Assert.Equal("team/app", Text(pull.GetProperty("target"), "repository"));
        Assert.Equal(digest, Text(pull.GetProperty("target"), "digest"));

        // ignoredmediatypes took the blob events out: every event left is about the manifest.
        Assert.All(receiver.Received.SelectMany(n => n.Events), e => Assert.Equal(OciImage.ManifestMediaType, Text(e.GetProperty("target"), "mediaType")));
    }

    [RegistryFact]
    public async Task PushAsync_TokenAuth_SkopeoPushesWithATokenAndAnonymousCallsAreChallenged()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { TokenAuth = new RegistryTokenAuthOptions() });

        var digest = await registry.PushAsync("team/app", "1.0.0");
        using var http = new HttpClient();
        using var anonymous = await http.GetAsync(new Uri(registry.BaseUri, "v2/team/app/manifests/1.0.0"));

        Assert.StartsWith("sha256:", digest, StringComparison.Ordinal);
        Assert.True(registry.TokenServer!.BasicTokenRequests > 0);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var challenge = Assert.Single(anonymous.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains($"realm=\"{registry.TokenServer.Realm}\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("scope=\"repository:team/app:pull\"", challenge.Parameter, StringComparison.Ordinal);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
