using System.Net;
using System.Text.RegularExpressions;

namespace GitOpsBridge.Tests.Dashboard;

/// <summary>A browser-like client of the dashboard: it keeps cookies, and posts forms with the antiforgery token the page carried.</summary>
internal sealed partial class DashboardSession : IDisposable
{
    private readonly HttpClientHandler _handler;

    public DashboardSession(Uri baseAddress)
    {
        _handler = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false };
        Client = new HttpClient(_handler) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Client { get; }

    /// <summary>Gets the login form and posts <paramref name="token"/> with the form's antiforgery token.</summary>
    public async Task<HttpResponseMessage> LoginAsync(string token, string returnUrl = "/dashboard")
    {
        var form = await Client.GetStringAsync("/dashboard/login");
        return await PostFormAsync("/dashboard/login", Csrf(form), new Dictionary<string, string> { ["token"] = token, ["return"] = returnUrl });
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, string? csrf, Dictionary<string, string> fields)
    {
        if (csrf is not null)
        {
            fields["__csrf"] = csrf;
        }

        return Client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    /// <summary>The antiforgery token a page's form carries.</summary>
    public static string Csrf(string html) => CsrfField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("the page has no antiforgery field: " + html);

    public void Dispose()
    {
        Client.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
