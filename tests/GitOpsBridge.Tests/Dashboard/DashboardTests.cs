using System.Net;
using GitOpsBridge.Dashboard;
using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Dashboard;

/// <summary>The dashboard over real HTTP on the in-process service: its login, its session, its escaping, its pages.</summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private GitHubEmulator.GitHubEmulator _github = null!;
    private BridgeServer _bridge = null!;

    public async Task InitializeAsync()
    {
        var port = BridgeServer.FreePort();
        _github = await BridgeServer.StartEmulatorAsync(port);
        _bridge = await BridgeServer.StartAsync(_github, port);
    }

    public async Task DisposeAsync()
    {
        await _bridge.DisposeAsync();
        _bridge.DeleteData();
        await _github.DisposeAsync();
    }

    [Fact]
    public async Task Dashboard_WithoutSession_ShowsLoginFormUnderContentSecurityPolicy()
    {
        using var session = new DashboardSession(_bridge.BaseAddress);

        using var response = await session.Client.GetAsync("/dashboard?status=failed");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("action=\"/dashboard/login\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"return\" value=\"/dashboard?status=failed\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<table", html, StringComparison.Ordinal);
        Assert.Equal("default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Login_RightToken_SetsHttpOnlyStrictSessionCookieAndOpensPages()
    {
        using var session = new DashboardSession(_bridge.BaseAddress);

        using var login = await session.LoginAsync(BridgeServer.AdminToken, "/dashboard/queue");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/dashboard/queue", login.Headers.Location?.ToString());
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(DashboardAuth.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(BridgeServer.AdminToken, cookie, StringComparison.Ordinal);
        foreach (var page in new[] { "/dashboard", "/dashboard/pulls", "/dashboard/queue", "/dashboard/images" })
        {
            using var response = await session.Client.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("action=\"/dashboard/logout\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Login_WrongTokenOrNoAntiforgeryToken_IsRefused()
    {
        using var session = new DashboardSession(_bridge.BaseAddress);

        using var wrong = await session.LoginAsync("not-the-token");
        using var forged = await session.PostFormAsync("/dashboard/login", null, new Dictionary<string, string> { ["token"] = BridgeServer.AdminToken });
        using var after = await session.Client.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("That is not the admin token.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.DoesNotContain("not-the-token", _bridge.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_TooManyWrongTokens_RefusesEvenTheRightOneWith429AndRetryAfter()
    {
        using var session = new DashboardSession(_bridge.BaseAddress);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            using var wrong = await session.LoginAsync($"guess-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var blocked = await session.LoginAsync(BridgeServer.AdminToken);
        using var after = await session.Client.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.InRange(blocked.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), LoginThrottle.Window);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Logout_WithItsForm_EndsTheSession()
    {
        using var session = new DashboardSession(_bridge.BaseAddress);
        (await session.LoginAsync(BridgeServer.AdminToken)).Dispose();
        var page = await session.Client.GetStringAsync("/dashboard");

        using var logout = await session.PostFormAsync("/dashboard/logout", DashboardSession.Csrf(page), []);
        using var after = await session.Client.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Session_AdminTokenRotated_EndsAndTheNewTokenLogsIn()
    {
        using var session = new DashboardSession(_bridge.BaseAddress);
        (await session.LoginAsync(BridgeServer.AdminToken)).Dispose();
        using (var before = await session.Client.GetAsync("/dashboard"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        _bridge.Services.GetRequiredService<IConfiguration>()["Admin:Token"] = "rotated-admin-token-3c1e";
        using var after = await session.Client.GetAsync("/dashboard");
        using var oldToken = await session.LoginAsync(BridgeServer.AdminToken);
        using var newToken = await session.LoginAsync("rotated-admin-token-3c1e");

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, oldToken.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, newToken.StatusCode);
    }

    [Fact]
    public async Task Deliveries_ReasonWithScriptTag_IsEscaped()
    {
        // The event name is the sender's; an unknown one is stored as ignored with a reason that names it.
        using var posted = await _bridge.PostAsync("<script>alert(1)</script>", "{}", "xss-1");
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        using var session = new DashboardSession(_bridge.BaseAddress);
        (await session.LoginAsync(BridgeServer.AdminToken)).Dispose();

        var list = await session.Client.GetStringAsync("/dashboard");
        var detail = await session.Client.GetStringAsync("/dashboard/deliveries/xss-1");

        foreach (var html in new[] { list, detail })
        {
            Assert.Contains("the bridge does not act on &lt;script&gt;alert(1)&lt;/script&gt; events", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Deliveries_FilterByStatusAndRepository_ShowsOnlyMatches()
    {
        var store = _bridge.Services.GetRequiredService<IBridgeStore>();
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, status, repository) in new[] { ("f-done", DeliveryStatus.Done, "acme/gitops"), ("f-failed", DeliveryStatus.Failed, "acme/gitops"), ("f-other", DeliveryStatus.Failed, "acme/other") })
        {
            await store.InsertDeliveryAsync(new DeliveryRecord(id, "github", "registry_package.published", now, status, null, $"reason of {id}", "00", 1, null), "{}");
            await store.AddTargetOutcomeAsync(id, new TargetOutcome(repository, "dev", status, null, null, null, null, null));
        }

        using var session = new DashboardSession(_bridge.BaseAddress);
        (await session.LoginAsync(BridgeServer.AdminToken)).Dispose();

        var failed = await session.Client.GetStringAsync("/dashboard?status=failed");
        var failedInGitops = await session.Client.GetStringAsync("/dashboard?status=failed&repository=acme%2Fgitops");
        var unknown = await session.Client.GetStringAsync("/dashboard?status=%3Cb%3Ebogus");

        Assert.Contains("reason of f-failed", failed, StringComparison.Ordinal);
        Assert.Contains("reason of f-other", failed, StringComparison.Ordinal);
        Assert.DoesNotContain("reason of f-done", failed, StringComparison.Ordinal);
        Assert.Contains("reason of f-failed", failedInGitops, StringComparison.Ordinal);
        Assert.DoesNotContain("reason of f-other", failedInGitops, StringComparison.Ordinal);
        Assert.Contains("There is no status &quot;&lt;b&gt;bogus&quot;; showing every status.", unknown, StringComparison.Ordinal);
        Assert.Contains("reason of f-done", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_UnknownId_IsNotFound()
    {
        using var session = new DashboardSession(_bridge.BaseAddress);
        (await session.LoginAsync(BridgeServer.AdminToken)).Dispose();

        using var response = await session.Client.GetAsync("/dashboard/deliveries/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Stylesheet_IsServedByTheAppWithoutSession()
    {
        using var session = new DashboardSession(_bridge.BaseAddress);

        using var css = await session.Client.GetAsync("/dashboard/assets/dashboard.css");

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".status-failed", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>Without <c>Admin:Token</c> the dashboard is closed, never open.</summary>
public sealed class DashboardDisabledTests
{
    [Fact]
    public async Task Dashboard_NoAdminToken_SaysDisabledAndRefusesLogin()
    {
        var port = BridgeServer.FreePort();
        await using var github = await BridgeServer.StartEmulatorAsync(port);
        var bridge = await BridgeServer.StartAsync(github, port, settings: new Dictionary<string, string?> { ["Admin:Token"] = "" });
        try
        {
            using var session = new DashboardSession(bridge.BaseAddress);
            using var page = await session.Client.GetAsync("/dashboard");
            using var deliveries = await session.Client.GetAsync("/dashboard/deliveries/x");
            using var login = await session.PostFormAsync("/dashboard/login", null, new Dictionary<string, string> { ["token"] = "" });

            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
            Assert.Contains("The dashboard is disabled because no admin token is configured", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, deliveries.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        }
        finally
        {
            await bridge.DisposeAsync();
            bridge.DeleteData();
        }
    }
}
