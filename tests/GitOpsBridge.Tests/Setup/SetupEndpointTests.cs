using System.Net;
using GitOpsBridge.GitHub;
using GitOpsBridge.Secrets;
using GitOpsBridge.Setup;
using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Service;
using GitOpsBridge.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.Tests.Setup;

/// <summary>First-run setup in process: the real service with no GitHub credentials, against the GitHub emulator.</summary>
public sealed class SetupEndpointTests
{
    private static Dictionary<string, string?> NoCredentials(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { [SecretKeys.AppId] = null, [SecretKeys.PrivateKey] = null, [SecretKeys.WebhookSecret] = null };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task Root_WithoutToken_ForbiddenWithTheTokenForm()
    {
        await using var s = await Scenario.StartAsync();
        using var browser = new SetupBrowser(s.Bridge.BaseAddress);

        using var response = await browser.GetAsync("/");
        using var wrongToken = await browser.GetAsync("/?token=" + new string('0', 32));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("name=\"token\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
    }

    [Fact]
    public async Task Root_TokenInQuery_HttpOnlyStrictCookieThenTheRegistrationForm()
    {
        await using var s = await Scenario.StartAsync();
        using var browser = new SetupBrowser(s.Bridge.BaseAddress);

        using var withToken = await browser.GetAsync($"/?token={s.Token}");
        var form = await browser.OpenWithTokenAsync(s.Token);

        var cookie = Assert.Single(withToken.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("/", withToken.Headers.Location!.OriginalString);
        Assert.Equal(new Uri(s.GitHub.BaseAddress, "settings/apps/new").AbsoluteUri, form.Action.GetLeftPart(UriPartial.Path));
        Assert.Equal("GitOps Bridge", form.Manifest["name"]!.GetValue<string>());
        Assert.Equal(new Uri(s.Bridge.BaseAddress, "/api/github/webhooks").AbsoluteUri, form.Manifest["hook_attributes"]!["url"]!.GetValue<string>());
        Assert.Equal(new Uri(s.Bridge.BaseAddress, "/setup/callback").AbsoluteUri, form.Manifest["redirect_url"]!.GetValue<string>());
        Assert.Equal(AppManifest.Create("GitOps Bridge", s.Bridge.BaseAddress).ToJsonString(), form.ManifestJson);
    }

    [Fact]
    public async Task Root_OrganizationNameAndPublicUrlSet_FormPostsToTheOrganizationWithThePublicUrls()
    {
        await using var s = await Scenario.StartAsync(NoCredentials(("Setup:Organization", "acme"), ("Setup:PublicUrl", "https://bridge.example.com"), ("Setup:AppName", "Acme Bridge")));
        using var browser = new SetupBrowser(s.Bridge.BaseAddress);

        var form = await browser.OpenWithTokenAsync(s.Token);

        Assert.Equal(new Uri(s.GitHub.BaseAddress, "organizations/acme/settings/apps/new").AbsoluteUri, form.Action.GetLeftPart(UriPartial.Path));
        Assert.Equal("Acme Bridge", form.Manifest["name"]!.GetValue<string>());
        Assert.Equal("https://bridge.example.com/api/github/webhooks", form.Manifest["hook_attributes"]!["url"]!.GetValue<string>());
        Assert.Equal("https://bridge.example.com/setup/callback", form.Manifest["redirect_url"]!.GetValue<string>());
    }

    [Fact]
    public async Task TokenForm_WrongThenRightToken_ForbiddenThenTheCookie()
    {
        await using var s = await Scenario.StartAsync();
        using var browser = new SetupBrowser(s.Bridge.BaseAddress);

        using var wrong = await browser.PostFormAsync("/setup/token", new Dictionary<string, string> { ["token"] = "guess" });
        using var right = await browser.PostFormAsync("/setup/token", new Dictionary<string, string> { ["token"] = s.Token });
        using var page = await browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Register GitHub App", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, HttpStatusCode.Forbidden)]
    [InlineData(true, HttpStatusCode.SeeOther)]
    public async Task Root_FromARemoteAddressWithTheToken_OnlyServedWhenAllowRemote(bool allowRemote, HttpStatusCode expected)
    {
        await using var s = await Scenario.StartAsync(NoCredentials(("Setup:AllowRemote", allowRemote ? "true" : "false")), IPAddress.Parse("203.0.113.7"));
        using var browser = new SetupBrowser(s.Bridge.BaseAddress);

        using var response = await browser.GetAsync($"/?token={s.Token}");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Webhook_InSetupMode_503SayingSoAndNothingStored()
    {
        await using var s = await Scenario.StartAsync();
        using var request = SignedWebhook.Create(BridgeServer.WebhookSecret);

        using var response = await s.Bridge.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("setup is not complete", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await s.Bridge.Services.GetRequiredService<IBridgeStore>().CountDeliveriesAsync());
    }

    [Fact]
    public async Task Callback_UnknownOrReusedState_RefusedAndSetupGoesOn()
    {
        await using var s = await Scenario.StartAsync();
        using var browser = new SetupBrowser(s.Bridge.BaseAddress);
        var form = await browser.OpenWithTokenAsync(s.Token);

        var unknown = await browser.CallbackAsync(s.GitHub.CreateManifestCode(form.ManifestJson), new string('a', 32));
        var rejectedCode = await browser.CallbackAsync("0badc0de", form.State);
        var reused = await browser.CallbackAsync(s.GitHub.CreateManifestCode(form.ManifestJson), form.State);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal(HttpStatusCode.BadGateway, rejectedCode.Status);
        Assert.Contains("GitHub does not know this code", rejectedCode.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
        Assert.True(s.Bridge.Services.GetRequiredService<SetupMode>().IsActive);
        Assert.Null(await s.Bridge.Services.GetRequiredService<ISecretProvider>().GetAsync(SecretKeys.AppId));
    }

    [Fact]
    public async Task Callback_CodeFromGitHub_StoresTheAppAndLeavesSetupWithoutARestart()
    {
        await using var s = await Scenario.StartAsync();
        using var browser = new SetupBrowser(s.Bridge.BaseAddress);
        var form = await browser.OpenWithTokenAsync(s.Token);
        using (var before = SignedWebhook.Create(BridgeServer.WebhookSecret))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await s.Bridge.Client.SendAsync(before)).StatusCode);
        }

        var (status, html) = await browser.CallbackAsync(s.GitHub.CreateManifestCode(form.ManifestJson), form.State);
        using var after = SignedWebhook.Create(BridgeServer.WebhookSecret);
        using var webhook = await s.Bridge.Client.SendAsync(after);
        using var page = await browser.GetAsync("/");
        var again = await browser.CallbackAsync(s.GitHub.CreateManifestCode(form.ManifestJson), form.State);
        var installations = await s.Bridge.Services.GetRequiredService<IGitHubApi>().ListInstallationsAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Setup complete", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, webhook.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal(s.InstallationId, Assert.Single(installations).Id);
        var secrets = s.Bridge.Services.GetRequiredService<ISetupSecretStore>();
        Assert.Equal(s.GitHub.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture), await secrets.GetAsync(SecretKeys.AppId));
        Assert.Equal(s.GitHub.ClientId, await secrets.GetAsync(SecretKeys.ClientId));
        Assert.DoesNotContain(BridgeServer.WebhookSecret, s.Bridge.Logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", s.Bridge.Logs.Text, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(s.Bridge.Logs.Text, s.Token));
        s.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Serve_OnlyTheAppIdInTheSetupStore_RefusesNamingTheOthers()
    {
        var dir = Directory.CreateTempSubdirectory("setup-partial-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, FileSetupSecretStore.FileName), """{"GitHub:AppId":"5"}""");

            var (exit, _, stderr) = CliRunner.Run(["serve", "--urls", "http://127.0.0.1:0", $"--Storage:Path={Path.Combine(dir.FullName, "bridge.db")}"]);

            Assert.Equal(1, exit);
            Assert.Contains("set GitHub:PrivateKey or GitHub:PrivateKeyPath, GitHub:WebhookSecret (", stderr, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>An emulator with one installation and the bridge in setup mode; the token read from its log.</summary>
    private sealed class Scenario : IAsyncDisposable
    {
        private Scenario(GitHubEmulator.GitHubEmulator github, BridgeServer bridge, long installationId, string token)
        {
            GitHub = github;
            Bridge = bridge;
            InstallationId = installationId;
            Token = token;
        }

        public GitHubEmulator.GitHubEmulator GitHub { get; }

        public BridgeServer Bridge { get; }

        public long InstallationId { get; }

        public string Token { get; }

        public static async Task<Scenario> StartAsync(Dictionary<string, string?>? settings = null, IPAddress? remoteAddress = null)
        {
            var port = BridgeServer.FreePort();
            var github = await BridgeServer.StartEmulatorAsync(port);
            await github.CreateRepositoryAsync("acme", "gitops", new Dictionary<string, string> { ["README.md"] = "gitops\n" });
            var installation = github.CreateInstallation("acme", "gitops");
            var bridge = await BridgeServer.StartAsync(
                github,
                port,
                settings: settings ?? NoCredentials(),
                services: remoteAddress is null ? null : s => s.AddSingleton<IStartupFilter>(new RemoteAddress(remoteAddress)));
            var token = SetupBrowser.TokenIn(bridge.Logs.Text);
            Assert.True(token is not null, $"no setup token in the log:\n{bridge.Logs.Text}");
            return new Scenario(github, bridge, installation.Id, token);
        }

        public async ValueTask DisposeAsync()
        {
            await Bridge.DisposeAsync();
            Bridge.DeleteData();
            await GitHub.DisposeAsync();
        }
    }

    /// <summary>Makes every request look as if it came from <paramref name="address"/>; no traffic goes there.</summary>
    private sealed class RemoteAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
