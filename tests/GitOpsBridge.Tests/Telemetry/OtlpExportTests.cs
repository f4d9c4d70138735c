using System.Collections.Concurrent;
using System.Text;
using GitOpsBridge.Tests.Service;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.Tests.Telemetry;

/// <summary>With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, traces and logs go out over OTLP; a loopback collector receives them.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Otlp_EndpointSet_ExportsTracesAndLogsWithoutQueryStrings()
    {
        var secret = "otlp-" + Guid.NewGuid().ToString("N");
        await using var collector = await Collector.StartAsync();
        var port = BridgeServer.FreePort();
        await using var github = await BridgeServer.StartEmulatorAsync(port);
        var bridge = await BridgeServer.StartAsync(github, port, settings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        try
        {
            using var ping = await bridge.PostAsync("ping", "{\"zen\":\"Keep it logically awesome.\"}", "otlp-ping");
            Assert.Equal(System.Net.HttpStatusCode.OK, ping.StatusCode);
            using var api = await bridge.Client.GetAsync($"/api/deliveries/otlp-ping?token={secret}");
            Assert.Equal(System.Net.HttpStatusCode.OK, api.StatusCode);
        }
        finally
        {
            // Stopping flushes the batches.
            await bridge.DisposeAsync();
            bridge.DeleteData();
        }

        var traces = collector.Bodies("/v1/traces");
        var logs = collector.Bodies("/v1/logs");
        Assert.Contains("webhook.receive", traces, StringComparison.Ordinal);
        Assert.Contains("/api/deliveries/", traces, StringComparison.Ordinal);
        Assert.Contains("otlp-ping", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, traces + logs + collector.Bodies("/v1/metrics"), StringComparison.Ordinal);
    }

    /// <summary>An OTLP/HTTP collector on loopback that keeps each request's path and body (protobuf keeps strings as UTF-8).</summary>
    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received;

        private Collector(WebApplication app, ConcurrentQueue<(string, byte[])> received, string address)
        {
            _app = app;
            _received = received;
            Address = address;
        }

        public string Address { get; }

        public static async Task<Collector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var received = new ConcurrentQueue<(string, byte[])>();
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer);
                received.Enqueue((context.Request.Path.Value!, buffer.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Collector(app, received, address);
        }

        public string Bodies(string path) =>
            string.Join('\n', _received.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)));

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
