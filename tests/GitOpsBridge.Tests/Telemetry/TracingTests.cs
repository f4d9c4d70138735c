using System.Diagnostics;
using GitOpsBridge.Storage;
using OpenTelemetry.Trace;

namespace GitOpsBridge.Tests.Telemetry;

/// <summary>Spans exported in memory from the real service: one trace from the webhook to the pull request, and no query string anywhere.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task Trace_WebhookToPullRequest_IsOneTrace()
    {
        var spans = new SpanBag();
        await using var s = await PublishScenario.StartAsync(configure: b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));

        var delivery = await s.PublishAsync("1.5.0", "traced-1");
        Assert.Equal("done", delivery.GetProperty("status").GetString());
        var stored = await s.Bridge.Services.GetRequiredService<IBridgeStore>().GetDeliveryAsync("traced-1");
        var traceId = stored!.TraceId;
        Assert.NotNull(traceId);

        // The PR is opened before the delivery settles; its spans end when the job does.
        var trace = await WaitForSpansAsync(spans, traceId, "target.reconcile");
        var names = trace.Select(a => a.DisplayName).ToList();
        Assert.Contains("webhook.receive", names);
        Assert.Contains("delivery.process", names);
        Assert.Contains("target.reconcile", names);
        Assert.Contains("git.push", names);
        Assert.Contains(trace, a => a.DisplayName == "github POST" && ((string?)a.GetTagItem("github.route"))?.EndsWith("/pulls", StringComparison.Ordinal) == true);
        Assert.Contains(trace, a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("url.path") == "/api/github/webhooks");
        var reconcile = trace.Single(a => a.DisplayName == "target.reconcile");
        Assert.Equal(PublishScenario.Repository, reconcile.GetTagItem("target.repository"));
        Assert.Equal(trace.Single(a => a.DisplayName == "git.push").ParentSpanId, reconcile.SpanId);
    }

    internal static async Task<IReadOnlyList<Activity>> WaitForSpansAsync(SpanBag spans, string traceId, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var trace = spans.Snapshot().Where(a => a.TraceId.ToString() == traceId).ToList();

            if (trace.Any(a => a.DisplayName == name) || DateTime.UtcNow > deadline)
            {
                return trace;
            }

            await Task.Delay(50);
        }
    }
}
