using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GitOpsBridge.GitHubEmulator.Tests.Hooks;

public sealed class HookDeliveryTests
{
    private const string Payload = """{"action":"published","registry_package":{"name":"api"},"installation":{"id":7},"repository":{"id":9}}""";

    [Fact]
    public async Task Redeliver_PostsTheStoredPayloadSignedToTheWebhookUrl()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var github = await GitHubEmulator.StartAsync(TestKeys.WithSharedKey(new GitHubEmulatorOptions { WebhookUrl = receiver.Url, WebhookSecret = "s3cret" }));
        var failed = github.AddFailedDelivery("registry_package", Payload);
        using var http = new HttpClient { BaseAddress = github.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", github.CreateAppJwt());
        http.DefaultRequestHeaders.UserAgent.ParseAdd("tests");

        var listed = await http.GetFromJsonAsync<JsonElement>("app/hook/deliveries?per_page=10");
        var item = Assert.Single(listed.EnumerateArray().ToList());
        Assert.Equal(failed.Id, item.GetProperty("id").GetInt64());
        Assert.Equal(502, item.GetProperty("status_code").GetInt32());
        using var attempt = await http.PostAsync($"app/hook/deliveries/{failed.Id}/attempts", null);
        var redelivery = await github.WaitForRedeliveryAsync(failed.Id).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Accepted, attempt.StatusCode);
        var received = Assert.Single(receiver.Requests);
        Assert.Equal(Payload, received.Body);
        Assert.Equal(failed.Guid, received.Headers["X-GitHub-Delivery"]);
        Assert.Equal("registry_package", received.Headers["X-GitHub-Event"]);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("s3cret"u8, Encoding.UTF8.GetBytes(Payload)));
        Assert.Equal(expected, received.Headers["X-Hub-Signature-256"]);
        Assert.True(redelivery.Redelivery);
        Assert.Equal(200, redelivery.StatusCode);
        Assert.Equal(failed.Guid, redelivery.Guid);
        Assert.Equal(failed.Id, redelivery.RedeliveryOf);

        var detail = await http.GetFromJsonAsync<JsonElement>($"app/hook/deliveries/{redelivery.Id}");
        Assert.True(detail.GetProperty("redelivery").GetBoolean());
        Assert.Equal("published", detail.GetProperty("request").GetProperty("payload").GetProperty("action").GetString());
        github.AssertNoSpecViolations();
    }

    [Fact]
    public async Task List_PagesWithCursorLinks_AndFiltersFailures()
    {
        await using var github = await GitHubEmulator.StartAsync(TestKeys.WithSharedKey());
        var ids = Enumerable.Range(0, 3).Select(_ => github.AddFailedDelivery("push", """{"ref":"refs/heads/main"}""").Id).ToList();
        using var http = new HttpClient { BaseAddress = github.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", github.CreateAppJwt());
        http.DefaultRequestHeaders.UserAgent.ParseAdd("tests");

        using var first = await http.GetAsync("app/hook/deliveries?per_page=2&status=failure");
        var firstPage = await first.Content.ReadFromJsonAsync<JsonElement>();
        var next = first.Headers.GetValues("Link").Single();
        var nextUrl = next[1..next.IndexOf('>', StringComparison.Ordinal)];
        var secondPage = await http.GetFromJsonAsync<JsonElement>(nextUrl);

        Assert.Equal([ids[2], ids[1]], firstPage.EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        Assert.EndsWith("rel=\"next\"", next, StringComparison.Ordinal);
        Assert.Equal([ids[0]], secondPage.EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        github.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Redeliver_UnknownDelivery_Is404()
    {
        await using var github = await GitHubEmulator.StartAsync(TestKeys.WithSharedKey(new GitHubEmulatorOptions { ViolationMode = SpecViolationMode.Record }));
        using var http = new HttpClient { BaseAddress = github.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", github.CreateAppJwt());
        http.DefaultRequestHeaders.UserAgent.ParseAdd("tests");

        using var response = await http.PostAsync("app/hook/deliveries/999/attempts", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>A stand-in for the App's webhook endpoint that records what it receives.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Receiver(WebApplication app, Uri url)
        {
            _app = app;
            Url = url;
        }

        public Uri Url { get; }

        public ConcurrentQueue<(string Body, IReadOnlyDictionary<string, string> Headers)> Requests { get; } = new();

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            Receiver? receiver = null;
            app.MapPost("/webhooks/github", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                receiver!.Requests.Enqueue((body, headers));
                return Results.Ok();
            });
            await app.StartAsync();
            var address = app.Urls.First();
            receiver = new Receiver(app, new Uri(new Uri(address), "/webhooks/github"));
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
