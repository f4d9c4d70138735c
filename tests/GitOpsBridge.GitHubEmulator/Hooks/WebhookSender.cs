using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace GitOpsBridge.GitHubEmulator.Hooks;

/// <summary>
/// POSTs stored payloads to the App's webhook URL, signed as GitHub signs them, and records each
/// attempt as a delivery with <c>redelivery: true</c>.
/// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
/// </summary>
internal sealed class WebhookSender(EmulatorState state) : IDisposable
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentDictionary<long, TaskCompletionSource<EmulatedHookDelivery>> _waiters = new();
    private readonly ConcurrentBag<Task> _inFlight = [];

    public static string Sign(string secret, byte[] payload) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload));

    public void Redeliver(EmulatedHookDelivery original) => _inFlight.Add(Task.Run(() => SendAsync(original)));

    /// <summary>Completes with the first redelivery attempt of a delivery, at once if it was already made.</summary>
    public Task<EmulatedHookDelivery> FirstRedeliveryAsync(long deliveryId, CancellationToken cancellationToken)
    {
        lock (state.Sync)
        {
            var made = state.Deliveries.FirstOrDefault(d => d.Delivery.RedeliveryOf == deliveryId);
            if (made is not null)
            {
                return Task.FromResult(made.Delivery);
            }

            var waiter = _waiters.GetOrAdd(deliveryId, _ => new TaskCompletionSource<EmulatedHookDelivery>(TaskCreationOptions.RunContinuationsAsynchronously));
            return waiter.Task.WaitAsync(cancellationToken);
        }
    }

    public async Task DrainAsync()
    {
        foreach (var task in _inFlight)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                // Already recorded as a failed attempt.
            }
        }
    }

    private async Task SendAsync(EmulatedHookDelivery original)
    {
        var payload = Encoding.UTF8.GetBytes(original.Payload);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Accept"] = "*/*",
            ["User-Agent"] = "GitHub-Hookshot/emulator",
            ["X-GitHub-Delivery"] = original.Guid,
            ["X-GitHub-Event"] = original.Event,
            ["X-GitHub-Hook-ID"] = "1",
            ["X-GitHub-Hook-Installation-Target-ID"] = state.App.AppId.ToString(CultureInfo.InvariantCulture),
            ["X-GitHub-Hook-Installation-Target-Type"] = "integration",
            ["X-Hub-Signature-256"] = Sign(state.Options.WebhookSecret, payload),
            ["content-type"] = "application/json",
        };

        var stopwatch = Stopwatch.StartNew();
        var status = 0;
        string? responseBody = null;
        var responseHeaders = new Dictionary<string, string>(StringComparer.Ordinal);
        if (state.Options.WebhookUrl is { } url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url);
            request.Content = new ByteArrayContent(payload);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            foreach (var (name, value) in headers.Where(h => h.Key is not ("content-type" or "Accept")))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            try
            {
                using var response = await _client.SendAsync(request).ConfigureAwait(false);
                status = (int)response.StatusCode;
                responseBody = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                foreach (var header in response.Headers.Concat(response.Content.Headers))
                {
                    responseHeaders[header.Key] = string.Join(", ", header.Value);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                status = 0;
                responseBody = exception.Message;
            }
        }

        var attempt = original with
        {
            Id = state.NextId(),
            Redelivery = true,
            StatusCode = status,
            DeliveredAt = state.Now,
            RedeliveryOf = original.RedeliveryOf ?? original.Id,
        };
        lock (state.Sync)
        {
            state.Deliveries.Add(new HookDeliveryRecord(attempt, headers, responseHeaders, responseBody, stopwatch.Elapsed));
            if (_waiters.TryRemove(attempt.RedeliveryOf!.Value, out var waiter))
            {
                waiter.TrySetResult(attempt);
            }
        }
    }

    public void Dispose() => _client.Dispose();
}
