using System.Diagnostics;
using System.Net;
using GitOpsBridge.Tests.Service;
using OpenTelemetry.Trace;

namespace GitOpsBridge.Tests.Telemetry;

/// <summary>Registry sources carry secrets in <c>?token=</c>: no query string may reach a log line or an exported span.</summary>
public sealed class QueryRedactionTests
{
    [Fact]
    public async Task QueryToken_InRequests_AppearsInNoLogLineAndNoSpan()
    {
        var secret = "qtok-" + Guid.NewGuid().ToString("N");
        var spans = new SpanBag();
        await using var github = await BridgeServer.StartEmulatorAsync(BridgeServer.FreePort());
        var bridge = await BridgeServer.StartAsync(github, BridgeServer.FreePort(),
            configure: b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        try
        {
            using (var dashboard = await bridge.Client.GetAsync($"/dashboard?token={secret}&status=done"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, dashboard.StatusCode);
            }

            using (var api = await bridge.Client.GetAsync($"/api/deliveries?limit=1&token={secret}"))
            {
                Assert.Equal(HttpStatusCode.OK, api.StatusCode);
            }

            using (var webhook = await bridge.Client.PostAsync($"/api/registry/hook?token={secret}", new StringContent("{}")))
            {
                Assert.Equal(HttpStatusCode.NotFound, webhook.StatusCode);
            }

            var server = await WaitForServerSpanAsync(spans, "/api/registry/hook");
            Assert.NotNull(server);
        }
        finally
        {
            await bridge.DisposeAsync();
            bridge.DeleteData();
        }

        var exported = spans.Snapshot();
        Assert.Contains(exported, a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("url.path") == "/dashboard");
        Assert.Contains(exported, a => a.Kind == ActivityKind.Client && a.GetTagItem("url.full") is string url && url.Contains("/api/deliveries", StringComparison.Ordinal));
        foreach (var span in exported)
        {
            Assert.Null(span.GetTagItem("url.query"));
            var text = string.Join(' ', new[] { span.DisplayName, span.OperationName, span.StatusDescription }
                .Concat(span.TagObjects.Select(t => $"{t.Key}={t.Value}"))
                .Concat(span.Events.Select(e => e.Name)));
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("/api/deliveries", bridge.Logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, bridge.Logs.Text, StringComparison.Ordinal);
    }

    private static async Task<Activity?> WaitForServerSpanAsync(SpanBag spans, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (spans.Snapshot().FirstOrDefault(a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("url.path") == path) is { } span)
            {
                return span;
            }

            await Task.Delay(50);
        }

        return null;
    }
}
