using System.Text.Json;
using GitOpsBridge.Secrets;
using GitOpsBridge.Setup;
using GitOpsBridge.Storage;
using GitOpsBridge.Telemetry;

namespace GitOpsBridge.Webhooks;

/// <summary>
/// <c>POST /api/github/webhooks</c>: verifies the signature against the current secret, stores the
/// delivery durably and answers in milliseconds. No git or GitHub work happens in the request; a
/// job picks the delivery up. Every rejection is a 4xx and a stored, explained outcome, never a 500.
/// </summary>
internal static partial class GitHubWebhookEndpoint
{
    /// <summary>GitHub caps payloads at 25 MB (https://docs.github.com/webhooks/webhook-events-and-payloads#payload-cap).</summary>
    public const long MaxBodyBytes = 25 * 1024 * 1024;

    /// <summary>Events the worker acts on; every other signed event is stored as ignored.</summary>
    public static readonly IReadOnlySet<string> HandledEvents = new HashSet<string>(StringComparer.Ordinal)
    {
        "registry_package", "package", "workflow_run", "check_suite", "repository_dispatch", "installation", "installation_repositories", "push", "pull_request", "issue_comment",
        "check_run", "status", "pull_request_review",
        "deployment_status",
    };

    public static IEndpointRouteBuilder MapGitHubWebhooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/github/webhooks", HandleAsync);
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, IBridgeStore store, ISecretProvider secrets, SetupMode setup, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (await setup.IsActiveAsync(cancellationToken))
        {
            // Nothing is stored: without a secret no delivery can be verified, so none is evidence of anything.
            return Results.Json(
                new { error = "setup is not complete: the GitHub App is not registered yet, so no webhook can be verified; finish first-run setup on this service's page at /" },
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var logger = loggers.CreateLogger("GitOpsBridge.Webhooks");
        using var activity = BridgeTelemetry.Source.StartActivity("webhook.receive");
        var request = context.Request;
        var eventName = request.Headers["X-GitHub-Event"].ToString();
        var deliveryId = request.Headers["X-GitHub-Delivery"].ToString();
        var now = time.GetUtcNow();

        var body = await WebhookRequests.ReadBodyAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return await WebhookRequests.RejectAsync(store, "github", eventName, now, StatusCodes.Status413PayloadTooLarge, "too-large",
                $"the body is larger than GitHub's 25 MB cap", logger, cancellationToken);
        }

        var secret = await secrets.GetAsync(SecretKeys.WebhookSecret, cancellationToken);
        if (secret is null)
        {
            return await WebhookRequests.RejectAsync(store, "github", eventName, now, StatusCodes.Status503ServiceUnavailable, "no-secret",
                $"no webhook secret is configured ({SecretKeys.WebhookSecret}); unsigned deliveries are never accepted", logger, cancellationToken);
        }

        if (!WebhookSignature.IsValid(secret, body, request.Headers["X-Hub-Signature-256"].ToString()))
        {
            return await WebhookRequests.RejectAsync(store, "github", eventName, now, StatusCodes.Status401Unauthorized, "bad-signature",
                "the X-Hub-Signature-256 header is missing or does not match the body", logger, cancellationToken);
        }

        if (!IsValidDeliveryId(deliveryId) || eventName.Length is 0 or > 100)
        {
            return await WebhookRequests.RejectAsync(store, "github", eventName, now, StatusCodes.Status400BadRequest, "bad-headers",
                "X-GitHub-Delivery and X-GitHub-Event must be present", logger, cancellationToken);
        }

        long? installationId;
        string? action;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("the payload is not a JSON object");
            }

            installationId = json.RootElement.TryGetProperty("installation", out var inst) && inst.ValueKind == JsonValueKind.Object
                && inst.TryGetProperty("id", out var idElement) && idElement.TryGetInt64(out var id) ? id : null;
            action = json.RootElement.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        }
        catch (JsonException ex)
        {
            return await WebhookRequests.RejectAsync(store, "github", eventName, now, StatusCodes.Status400BadRequest, "malformed-json",
                $"the body is not valid JSON: {ex.Message}", logger, cancellationToken);
        }

        var fullEvent = action is null ? eventName : eventName + "." + action;
        var handled = HandledEvents.Contains(eventName);
        var status = eventName == "ping" ? DeliveryStatus.Done : handled ? DeliveryStatus.Pending : DeliveryStatus.Ignored;
        var (code, reason) = eventName == "ping"
            ? ("ping", "ping received; webhooks reach the bridge")
            : handled ? ((string?)null, (string?)null) : ("not-handled", $"the bridge does not act on {eventName} events");
        var record = new DeliveryRecord(deliveryId, "github", fullEvent, now, status, code, reason, WebhookRequests.Sha256(body), installationId,
            System.Diagnostics.Activity.Current?.TraceId.ToString());

        if (await WebhookRequests.StoreAsync(store, record, System.Text.Encoding.UTF8.GetString(body), logger, cancellationToken) is { } answer)
        {
            return answer;
        }

        Log.Accepted(logger, deliveryId, fullEvent, status);
        return eventName == "ping" ? Results.Ok(new { id = deliveryId }) : Results.Accepted(value: new { id = deliveryId });
    }

    private static bool IsValidDeliveryId(string id) =>
        id.Length is > 0 and <= 100 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Event}) stored as {Status}")]
        public static partial void Accepted(ILogger logger, string deliveryId, string @event, DeliveryStatus status);

    }
}
