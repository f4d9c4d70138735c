using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.Tests.Registries;

/// <summary>One notification request as the registry sent it.</summary>
/// <param name="Headers">The request headers, names ignoring case.</param>
/// <param name="ContentType">The Content-Type (the envelope media type).</param>
/// <param name="Body">The body, an envelope <c>{"events":[…]}</c>.</param>
public sealed record ReceivedNotification(IReadOnlyDictionary<string, string> Headers, string ContentType, string Body)
{
    /// <summary>The envelope's events.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            using var json = JsonDocument.Parse(Body);
            return [.. json.RootElement.GetProperty("events").EnumerateArray().Select(e => e.Clone())];
        }
    }
}

/// <summary>
/// A loopback endpoint that records the registry's notifications, for tests of what the registry
/// really sends. <see cref="Url"/> goes in <see cref="RegistryServerOptions.NotificationUrl"/>.
/// </summary>
public sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedNotification> _received = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NotificationReceiver(WebApplication app) => _app = app;

    /// <summary><c>http://127.0.0.1:PORT/events</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Starts the receiver on 127.0.0.1 with an ephemeral port.</summary>
    public static async Task<NotificationReceiver> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new NotificationReceiver(app);
        app.MapPost("/events", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.Add(new ReceivedNotification(headers, context.Request.ContentType ?? string.Empty, body));
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await app.StartAsync(cancellationToken);
        receiver.Url = new Uri(new Uri(app.Urls.First()), "/events");
        return receiver;
    }

    /// <summary>Everything received so far.</summary>
    public IReadOnlyList<ReceivedNotification> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Waits until an event matching <paramref name="match"/> has arrived and returns it with its request.</summary>
    /// <exception cref="TimeoutException">None arrived within <paramref name="timeout"/>; the message lists what did.</exception>
    public async Task<(ReceivedNotification Notification, JsonElement Event)> WaitForEventAsync(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (true)
        {
            Task arrived;
            lock (_received)
            {
                foreach (var notification in _received)
                {
                    foreach (var item in notification.Events)
                    {
                        if (match(item))
                        {
                            return (notification, item);
                        }
                    }
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = string.Join("\n", Received.SelectMany(n => n.Events).Select(e => e.GetRawText()));
                throw new TimeoutException($"No matching registry event arrived in {timeout.TotalSeconds:0} s. Received:\n{seen}");
            }
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private void Add(ReceivedNotification notification)
    {
        TaskCompletionSource arrived;
        lock (_received)
        {
            _received.Add(notification);
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }
}
