using System.Buffers;
using System.Security.Cryptography;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Webhooks;

/// <summary>What every inbound endpoint (GitHub, registries, CI) does the same way.</summary>
internal static partial class WebhookRequests
{
    /// <summary>Reads the raw body, or null when it exceeds <paramref name="maxBytes"/> (then nothing more is read).</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is > 0 && request.ContentLength < maxBytes ? (int)request.ContentLength : 16 * 1024);

        // Pooled: a fresh 64 KB array per request was zeroed and collected thousands of times a second.
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Stores a rejected request under a generated id, so a forger can never occupy the id of a real
    /// delivery, and answers with that id and the reason. The body is not kept: it is unauthenticated
    /// or unusable, and storing it would let anyone fill the disk.
    /// </summary>
    public static async Task<IResult> RejectAsync(IBridgeStore store, string source, string eventName, DateTimeOffset now, int statusCode, string code, string reason, ILogger logger, CancellationToken cancellationToken)
    {
        var id = "rejected-" + Guid.NewGuid().ToString("N");
        await store.InsertDeliveryAsync(new DeliveryRecord(id, source, SafeEventName(eventName), now, DeliveryStatus.Rejected, code, reason, "", null, null), "", cancellationToken);
        Log.Rejected(logger, id, source, code, statusCode);
        Telemetry.BridgeTelemetry.DeliveryFinished(source, "rejected");
        System.Diagnostics.Activity.Current?.SetTag("delivery.rejected", code);
        return Results.Json(new { id, error = reason }, statusCode: statusCode);
    }

    /// <summary>
    /// Stores an accepted delivery, with its job when it is pending (never one without the other),
    /// and records its receipt on the current span and, when it is already final, in the metrics.
    /// </summary>
    /// <returns>
    /// <see langword="null"/> when it was stored; otherwise the answer: 200 for a redelivery of the
    /// same body, which does nothing, and 409 with a stored rejection for the same id with another body.
    /// </returns>
    public static async Task<IResult?> StoreAsync(IBridgeStore store, DeliveryRecord record, string body, ILogger logger, CancellationToken cancellationToken)
    {
        var inserted = record.Status == DeliveryStatus.Pending
            ? await store.InsertDeliveryAndEnqueueAsync(record, body, JobKind.Delivery, "delivery:" + record.Id, cancellationToken)
            : await store.InsertDeliveryAsync(record, body, cancellationToken);
        switch (inserted)
        {
            case InsertDeliveryResult.Duplicate:
                Log.Duplicate(logger, record.Id);
                return Results.Ok(new { id = record.Id, duplicate = true });
            case InsertDeliveryResult.Conflict:
                return await RejectAsync(store, record.Source, record.Event, record.ReceivedAt, StatusCodes.Status409Conflict, "replay",
                    $"delivery {record.Id} was already received with a different body", logger, cancellationToken);
        }

        System.Diagnostics.Activity.Current?.SetTag("delivery.id", record.Id);
        System.Diagnostics.Activity.Current?.SetTag("delivery.event", record.Event);
        if (record.Status != DeliveryStatus.Pending)
        {
            Telemetry.BridgeTelemetry.DeliveryFinished(record.Source, StorageText.From(record.Status));
        }

        return null;
    }

    /// <summary>An event name as stored: letters, digits and <c>_ . - : space</c>, at most 100 characters, else <c>unknown</c>.</summary>
    public static string SafeEventName(string eventName) =>
        eventName.Length is > 0 and <= 100 && eventName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or ':' or ' ') ? eventName : "unknown";

    public static string Sha256(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    private static partial class Log
    {
        [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Delivery {DeliveryId} received again with the same body; nothing to do")]
        public static partial void Duplicate(ILogger logger, string deliveryId);

        [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Rejected a request to source {Source} ({Code}, HTTP {StatusCode}); stored as {RejectionId}")]
        public static partial void Rejected(ILogger logger, string rejectionId, string source, string code, int statusCode);
    }
}
