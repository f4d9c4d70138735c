using System.Text;
using System.Text.Json;
using GitOpsBridge.Core.Sources;
using GitOpsBridge.Storage;
using GitOpsBridge.Webhooks;

namespace GitOpsBridge.Sources;

/// <summary>
/// <c>POST /api/registries/{name}</c> and <c>POST /api/ci/{name}</c>: authenticate the source, parse
/// the payload (cheap, and it decides the answer), store the delivery with its job and answer
/// <c>{"id": "..."}</c>. The work happens in the worker, as for GitHub events. Every refusal is a 4xx
/// and a stored rejection; an authenticated event that is not a push or a finished run is stored as
/// ignored with its reason.
/// </summary>
internal static partial class SourceEndpoints
{
    /// <summary>Registry and CI notifications are a few KB; 5 MB leaves room for CI payloads listing many jobs.</summary>
    public const long MaxBodyBytes = 5 * 1024 * 1024;

    /// <summary>Headers a parser may need to read a stored body again. Never a credential.</summary>
    private static readonly HashSet<string> KeptHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "user-agent", "x-gitlab-event", "x-gitlab-event-uuid", "x-gitlab-instance", "circleci-event-type",
        "circleci-event-id", "aeg-event-type", "aeg-delivery-count",
    };

    /// <summary>Stored for people and parsers, not embedded in HTML: keep <c>+</c> and quotes readable.</summary>
    private static readonly JsonSerializerOptions HeaderJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointRouteBuilder MapSourceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/registries/{name}", (string name, HttpContext context, CancellationToken cancellationToken) => HandleAsync(name, registry: true, context, cancellationToken));
        endpoints.MapPost("/api/ci/{name}", (string name, HttpContext context, CancellationToken cancellationToken) => HandleAsync(name, registry: false, context, cancellationToken));

        // CloudEvents webhook validation (https://github.com/cloudevents/spec/blob/v1.0/http-webhook.md#4-abuse-protection),
        // which Event Grid uses for CloudEvents subscriptions: an OPTIONS request that must be allowed.
        endpoints.MapMethods("/api/registries/{name}", ["OPTIONS"], ValidateCloudEventsWebhookAsync);
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(string name, bool registry, HttpContext context, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.BridgeTelemetry.Source.StartActivity("source.receive");
        var services = context.RequestServices;
        var store = services.GetRequiredService<IBridgeStore>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("GitOpsBridge.Sources");
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var request = context.Request;
        var sourceName = WebhookRequests.SafeEventName(name) == name && name.Length <= 63 ? name : "unknown";

        var source = services.GetRequiredService<SourceCatalog>().Find(name);
        if (source is null || source.IsRegistry != registry)
        {
            return await WebhookRequests.RejectAsync(store, sourceName, "unknown", now, StatusCodes.Status404NotFound, "unknown-source",
                $"no {(registry ? "registry" : "CI")} source named '{sourceName}' is configured (Sources:{sourceName})", logger, cancellationToken);
        }

        var kindName = SourceCatalog.KindName(source.Kind);
        var body = await WebhookRequests.ReadBodyAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return await WebhookRequests.RejectAsync(store, source.Name, kindName, now, StatusCodes.Status413PayloadTooLarge, "too-large",
                $"the body is larger than {MaxBodyBytes / (1024 * 1024)} MB", logger, cancellationToken);
        }

        if (!await services.GetRequiredService<SourceAuthenticator>().IsAuthenticAsync(source, request, body, cancellationToken))
        {
            return await WebhookRequests.RejectAsync(store, source.Name, kindName, now, StatusCodes.Status401Unauthorized, "bad-credentials",
                $"the request does not carry the credentials of source '{source.Name}' ({Mechanism(source.Kind)})", logger, cancellationToken);
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return await WebhookRequests.RejectAsync(store, source.Name, kindName, now, StatusCodes.Status400BadRequest, "malformed-json",
                "the body is not UTF-8 text", logger, cancellationToken);
        }

        var headers = KeptHeaders.Concat(request.Headers.Keys.Where(k => k.StartsWith("ce-", StringComparison.OrdinalIgnoreCase)))
            .Where(h => request.Headers.ContainsKey(h))
            .ToDictionary(h => h.ToLowerInvariant(), h => request.Headers[h].ToString(), StringComparer.Ordinal);
        var parsed = SourceParsing.Parse(source.Kind, new SourcePayload(text, headers));
        var eventName = WebhookRequests.SafeEventName($"{kindName}.{parsed.EventName}");
        switch (parsed)
        {
            case SourceParseResult.Rejected rejected:
                return await WebhookRequests.RejectAsync(store, source.Name, eventName, now,
                    rejected.Code == "malformed-json" ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity,
                    rejected.Code, rejected.Reason, logger, cancellationToken);
            case SourceParseResult.Handshake handshake:
                Log.Handshake(logger, source.Name);
                return Results.Text(handshake.ResponseJson, "application/json", Encoding.UTF8, StatusCodes.Status200OK);
        }

        var id = parsed.VendorId is { Length: > 0 and <= 200 } vendorId ? $"{source.Name}:{vendorId}" : $"{source.Name}:{Guid.NewGuid():N}";
        var (status, code, reason) = parsed is SourceParseResult.Ignored ignored
            ? (DeliveryStatus.Ignored, ignored.Code, ignored.Reason)
            : (DeliveryStatus.Pending, (string?)null, (string?)null);
        var record = new DeliveryRecord(id, source.Name, eventName, now, status, code, reason, WebhookRequests.Sha256(body), null,
            System.Diagnostics.Activity.Current?.TraceId.ToString())
        {
            Headers = JsonSerializer.Serialize(headers, HeaderJson),
        };
        if (await WebhookRequests.StoreAsync(store, record, text, logger, cancellationToken) is { } answer)
        {
            return answer;
        }

        Log.Accepted(logger, id, source.Name, eventName, status);
        return Results.Accepted(value: new { id });
    }

    private static async Task<IResult> ValidateCloudEventsWebhookAsync(string name, HttpContext context, CancellationToken cancellationToken)
    {
        var source = context.RequestServices.GetRequiredService<SourceCatalog>().Find(name);
        var origin = context.Request.Headers["WebHook-Request-Origin"].ToString();
        if (source is not { IsRegistry: true } || origin.Length == 0
            || !await context.RequestServices.GetRequiredService<SourceAuthenticator>().IsAuthenticAsync(source, context.Request, [], cancellationToken))
        {
            return Results.StatusCode(source is null ? StatusCodes.Status404NotFound : StatusCodes.Status401Unauthorized);
        }

        context.Response.Headers["WebHook-Allowed-Origin"] = origin;
        context.Response.Headers["WebHook-Allowed-Rate"] = "*";
        return Results.Ok();
    }

    /// <summary>How a source of that kind authenticates, for the 401's reason; names mechanisms, never values.</summary>
    internal static string Mechanism(SourceKind kind) => kind switch
    {
        SourceKind.Acr or SourceKind.Harbor or SourceKind.Distribution or SourceKind.Ecr => "?token= or Authorization: Bearer",
        SourceKind.GitLab => "?token= or X-Gitlab-Token",
        SourceKind.AzureDevOps => "?token= or Basic authentication with the secret as password",
        SourceKind.CircleCi => "?token= or the circleci-signature HMAC",
        SourceKind.Gar => "?token= or a Pub/Sub OIDC token",
        _ => "?token=",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Delivery {DeliveryId} from source {Source} ({Event}) stored as {Status}")]
        public static partial void Accepted(ILogger logger, string deliveryId, string source, string @event, DeliveryStatus status);


        [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Answered the subscription handshake of source {Source}")]
        public static partial void Handshake(ILogger logger, string source);
    }
}

/// <summary>One entry point to the Core parsers, by kind.</summary>
internal static class SourceParsing
{
    public static SourceParseResult Parse(SourceKind kind, SourcePayload payload) =>
        SourceCatalog.IsRegistryKind(kind) ? RegistryPayloads.Parse(kind, payload) : CiPayloads.Parse(kind, payload);
}
