using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GitOpsBridge.Webhooks;

namespace GitOpsBridge.Tests.Setup;

/// <summary>A browser's side of first-run setup: a cookie jar, no automatic redirects, and the form read from the page.</summary>
internal sealed partial class SetupBrowser(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = baseAddress };

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path);

    public Task<HttpResponseMessage> PostFormAsync(string path, IDictionary<string, string> fields) =>
        _client.PostAsync(path, new FormUrlEncodedContent(fields));

    /// <summary>Opens the link from the log, follows the redirect, and reads the registration form.</summary>
    public async Task<SetupForm> OpenWithTokenAsync(string token)
    {
        using var withToken = await _client.GetAsync($"/?token={token}");
        Assert.Equal(HttpStatusCode.SeeOther, withToken.StatusCode);
        using var page = await _client.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET / answered {page.StatusCode}: {html}");
        return SetupForm.Parse(html);
    }

    /// <summary>The request GitHub's redirect makes the browser send; a cross-site navigation, so no SameSite=Strict cookie.</summary>
    public async Task<(HttpStatusCode Status, string Html)> CallbackAsync(string code, string state)
    {
        using var fresh = new HttpClient { BaseAddress = _client.BaseAddress };
        using var response = await fresh.GetAsync($"/setup/callback?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => _client.Dispose();

    /// <summary>The one-time token from the service's log.</summary>
    public static string? TokenIn(string log) => TokenPattern().Match(log) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"/\?token=([0-9a-f]{32})")]
    private static partial Regex TokenPattern();
}

/// <summary>The "Register GitHub App" form: where it posts, the state, and the manifest.</summary>
internal sealed partial record SetupForm(Uri Action, string State, JsonObject Manifest, string ManifestJson)
{
    public static SetupForm Parse(string html)
    {
        var action = ActionPattern().Match(html);
        var manifest = ManifestPattern().Match(html);
        Assert.True(action.Success && manifest.Success, $"no registration form in: {html}");
        var uri = new Uri(WebUtility.HtmlDecode(action.Groups[1].Value));
        var state = System.Web.HttpUtility.ParseQueryString(uri.Query)["state"];
        Assert.False(string.IsNullOrEmpty(state));
        var json = WebUtility.HtmlDecode(manifest.Groups[1].Value);
        return new SetupForm(uri, state, JsonNode.Parse(json)!.AsObject(), json);
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"><input type=\"hidden\"")]
    private static partial Regex ActionPattern();

    [GeneratedRegex("name=\"manifest\" value=\"([^\"]+)\"")]
    private static partial Regex ManifestPattern();
}

internal static class SignedWebhook
{
    public static HttpRequestMessage Create(string secret, string eventName = "registry_package", string body = """{"action":"published","installation":{"id":1}}""")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", WebhookSignature.Compute(secret, Encoding.UTF8.GetBytes(body)));
        return request;
    }
}
