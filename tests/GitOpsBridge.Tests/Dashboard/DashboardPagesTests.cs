using GitOpsBridge.Dashboard;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Tests.Dashboard;

/// <summary>The pure parts of the dashboard: where a login may return to, the body preview, links and encoding.</summary>
public sealed class DashboardPagesTests
{
    private static readonly DateTimeOffset Received = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Theory]
    [InlineData("/dashboard/queue?x=1", "/dashboard/queue?x=1")]
    [InlineData("/dashboard", "/dashboard")]
    [InlineData("//evil.example/dashboard", "/dashboard")]
    [InlineData("/dashboard/\\evil.example", "/dashboard")]
    [InlineData("https://evil.example/dashboard", "/dashboard")]
    [InlineData("/dashboard/login", "/dashboard")]
    [InlineData("/dashboard/logout", "/dashboard")]
    [InlineData("", "/dashboard")]
    [InlineData(null, "/dashboard")]
    public void LocalReturn_AnyUrl_StaysOnTheDashboard(string? url, string expected)
    {
        Assert.Equal(expected, DashboardApi.LocalReturn(url));
    }

    [Fact]
    public void Preview_LongJson_IsIndentedAndCut()
    {
        var body = "{\"items\":[" + string.Join(',', Enumerable.Range(0, 2000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]}";

        var (preview, more) = DashboardPages.Preview(body);

        Assert.Equal(DashboardPages.BodyPreviewLength, preview.Length);
        Assert.StartsWith("{\n  \"items\": [\n    0,", preview.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.True(more > 0);
    }

    [Fact]
    public void Preview_ShortText_IsShownWhole()
    {
        Assert.Equal(("not json <b>", 0), DashboardPages.Preview("not json <b>"));
    }

    [Fact]
    public void Delivery_HostileValues_AreEncodedAndOnlyWebLinksAreLinks()
    {
        var delivery = new DeliveryRecord("d\"1", "github", "push<x>", Received, DeliveryStatus.Done, "c&d", "<img src=x onerror=alert(1)>", "00", 7, "0af7651916cd43dd8448eb211c80319c");
        var targets = new[]
        {
            new TargetOutcome("acme/gitops", "dev", DeliveryStatus.Done, null, "ok", 5, "javascript:alert(1)", "opened"),
            new TargetOutcome("acme/gitops", "prod", DeliveryStatus.Done, null, "ok", 6, "https://github.com/acme/gitops/pull/6", "updated"),
        };

        var html = DashboardPages.Delivery(delivery, targets, "{\"a\":\"</pre><script>x</script>\"}", "csrf\"token");

        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://github.com/acme/gitops/pull/6\" rel=\"noreferrer\">#6 updated</a>", html, StringComparison.Ordinal);
        Assert.Contains("#5 opened", html, StringComparison.Ordinal);
        Assert.Contains("value=\"csrf&quot;token\"", html, StringComparison.Ordinal);
        Assert.Contains("2026-01-02 03:04:05 UTC", html, StringComparison.Ordinal);
    }

    [Fact]
    public void DeliveriesUrl_Filter_IsEscapedForTheNextPage()
    {
        var url = DashboardPages.DeliveriesUrl(new DeliveryQuery(50, DeliveryStatus.Failed, "acme/git ops&x=1", Received));

        Assert.Equal("/dashboard?status=failed&repository=acme%2Fgit%20ops%26x%3D1&before=" + Received.ToUnixTimeMilliseconds(), url);
    }

    [Fact]
    public void Versions_ImagesInSeveralEnvironments_OneRowPerImageOneColumnPerEnvironment()
    {
        var provenance = new Provenance(null, null, null, null);
        var desired = new[]
        {
            new TargetImage(new TargetKey(1, "acme/gitops", "main", "dev"), new DesiredImage("ghcr.io/acme/api", "1.2.0", null, "d1", provenance, Received)),
            new TargetImage(new TargetKey(1, "acme/gitops", "main", "prod"), new DesiredImage("ghcr.io/acme/api", "1.1.0", null, "d2", provenance, Received)),
            new TargetImage(new TargetKey(1, "acme/gitops", "main", "dev"), new DesiredImage("ghcr.io/acme/web", null, "sha256:" + new string('a', 64), "d3", provenance, Received)),
        };

        var html = DashboardPages.Versions(desired, "t");

        Assert.Contains("<th>dev</th><th>prod</th>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">ghcr.io/acme/api</th>", html, StringComparison.Ordinal);
        Assert.Contains(">1.2.0</span>", html, StringComparison.Ordinal);
        Assert.Contains(">sha256:aaaaaaaaaaaa…</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"none\">—</span>", html, StringComparison.Ordinal);
    }
}
