using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Telemetry;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GitOpsBridge.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser: Debian's Chromium, driven by Playwright, against the real
/// service after a real webhook opened a pull request on the GitHub emulator.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    [ChromiumFact]
    public async Task Browser_LoginFilterAndDeliveryDetail_ShowsOutcomeAndSavesScreenshot()
    {
        Assert.True(File.Exists(ChromiumFactAttribute.ExecutablePath), $"CI is set but Chromium is missing at {ChromiumFactAttribute.ExecutablePath}: scripts/test.sh installs it");
        await using var s = await PublishScenario.StartAsync();
        var published = await s.PublishAsync("1.5.0", "browser-published");
        Assert.Equal("done", published.GetProperty("status").GetString());
        var store = s.Bridge.Services.GetRequiredService<IBridgeStore>();
        await store.InsertDeliveryAsync(new DeliveryRecord("browser-failed", "github", "registry_package.published", DateTimeOffset.UtcNow, DeliveryStatus.Failed,
            "error", "failed after 8 attempts: <b>GitHub</b> answered 502", "00", s.InstallationId, null), "{}");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(15_000);
        var console = new List<string>();
        page.Console += (_, message) => console.Add(message.Text);

        // Not logged in: the login form.
        await page.GotoAsync(new Uri(s.Bridge.BaseAddress, "/dashboard").ToString());
        await page.FillAsync("#token", Service.BridgeServer.AdminToken);
        await page.ClickAsync("form.login button[type=submit]");
        await page.WaitForSelectorAsync("table.deliveries");
        Assert.Contains("browser-published", await page.InnerTextAsync("table.deliveries"), StringComparison.Ordinal);

        // Filter: failed only.
        await page.SelectOptionAsync("#status", "failed");
        await page.ClickAsync("form.filter button[type=submit]");
        await page.WaitForURLAsync("**/dashboard?status=failed*");
        var failedOnly = await page.InnerTextAsync("table.deliveries");
        Assert.Contains("<b>GitHub</b> answered 502", failedOnly, StringComparison.Ordinal);
        Assert.DoesNotContain("browser-published", failedOnly, StringComparison.Ordinal);

        // Back to every status, then the published delivery's detail.
        await page.SelectOptionAsync("#status", "done");
        await page.ClickAsync("form.filter button[type=submit]");
        await page.ClickAsync("a[href='/dashboard/deliveries/browser-published']");
        await page.WaitForSelectorAsync("table.targets");
        var targets = await page.InnerTextAsync("table.targets");
        Assert.Contains(PublishScenario.Repository, targets, StringComparison.Ordinal);
        Assert.Contains("#1 opened", targets, StringComparison.Ordinal);
        var traceId = (await store.GetDeliveryAsync("browser-published"))!.TraceId!;
        Assert.Equal(traceId, await page.InnerTextAsync("code.trace"));
        Assert.Contains("hello-world-npm", await page.InnerTextAsync("pre.body"), StringComparison.Ordinal);
        Assert.Equal("rgb(26, 127, 55)", await page.EvalOnSelectorAsync<string>("table.targets .status-done", "e => getComputedStyle(e).color"));

        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 10_000);

        // The other pages render in the browser too, without a CSP violation (reported on the console).
        foreach (var (path, selector) in new[] { ("/dashboard/pulls", "table.pulls"), ("/dashboard/queue", "dl.stats"), ("/dashboard/images", "table.versions") })
        {
            await page.GotoAsync(new Uri(s.Bridge.BaseAddress, path).ToString());
            await page.WaitForSelectorAsync(selector);
        }

        Assert.Contains("1.5.0", await page.InnerTextAsync("table.versions"), StringComparison.Ordinal);
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }
}
