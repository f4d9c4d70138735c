using System.Text.Json;

namespace GitOpsBridge.Core.Sources;

/// <summary>
/// Azure Container Registry, in three formats:
/// <list type="bullet">
/// <item>the native webhook (<see href="https://learn.microsoft.com/azure/container-registry/container-registry-webhook-reference"/>):
/// one object with <c>id</c>, <c>action</c> (<c>push</c>, <c>delete</c>, <c>chart_push</c>, <c>ping</c>…),
/// <c>target.repository/tag/digest</c> and <c>request.host</c>;</item>
/// <item>Event Grid schema (<see href="https://learn.microsoft.com/azure/event-grid/event-schema-container-registry"/>):
/// an array of events, each with <c>id</c>, <c>eventType</c> (<c>Microsoft.ContainerRegistry.ImagePushed</c>…) and
/// <c>data</c> shaped like the native webhook; a single event object is read too;</item>
/// <item>CloudEvents 1.0 (structured mode): one object with <c>specversion</c>, <c>type</c>, <c>id</c> and the same <c>data</c>.</item>
/// </list>
/// </summary>
/// <remarks>
/// Event Grid's <c>Microsoft.EventGrid.SubscriptionValidationEvent</c> is answered with
/// <c>{"validationResponse":"&lt;data.validationCode&gt;"}</c>. The CloudEvents schema validates with an HTTP
/// OPTIONS request instead, which the endpoint answers; it never reaches this parser.
/// </remarks>
internal static class AcrPayload
{
    private const string EventTypePrefix = "Microsoft.ContainerRegistry.";
    private const string ImagePushed = "Microsoft.ContainerRegistry.ImagePushed";
    private const string ValidationEvent = "Microsoft.EventGrid.SubscriptionValidationEvent";

    public static SourceParseResult Parse(RegistryJson root, SourcePayload payload, RegistryDelivery delivery)
    {
        if (root.IsArray)
        {
            return ParseEventGrid(root.AsArray(), delivery);
        }

        RegistryJson body = root.AsObject();
        if (RegistryCloudEvent.Read(body, payload, allowBinary: false) is { } cloudEvent)
        {
            delivery.VendorId = cloudEvent.Id;
            return ParseEvent(cloudEvent.Type, cloudEvent.RequiredData, delivery);
        }

        if (body.Optional("eventType") is not null)
        {
            return ParseEventGrid([body], delivery);
        }

        if (body.Optional("action") is not null)
        {
            return ParseNative(body, delivery);
        }

        throw new RegistryPayloadException(
            RegistryReasons.InvalidPayload,
            "the body is neither an ACR webhook ('action'), an Event Grid event ('eventType') nor a CloudEvent ('specversion')");
    }

    private static SourceParseResult ParseNative(RegistryJson body, RegistryDelivery delivery)
    {
        string action = body.NonEmptyString("action");
        delivery.EventName = action;
        delivery.VendorId = body.OptionalNonEmptyString("id");
        return action switch
        {
            "push" => delivery.Pushed(Push(body)),
            "ping" => delivery.Ignored(RegistryReasons.TestEvent, "an ACR webhook ping"),
            _ => delivery.Ignored(RegistryReasons.NotAPush, $"the ACR action {RegistryImages.Show(action)} announces no new image"),
        };
    }

    // Event Grid batches events; the delivery is named after the first and carries every image pushed.
    private static SourceParseResult ParseEventGrid(IReadOnlyList<RegistryJson> events, RegistryDelivery delivery)
    {
        if (events.Count == 0)
        {
            throw new RegistryPayloadException(RegistryReasons.InvalidPayload, "the Event Grid array is empty");
        }

        var pushes = new List<ImagePush>();
        SourceParseResult? first = null;
        foreach (RegistryJson gridEvent in events)
        {
            RegistryJson item = gridEvent.AsObject();
            string eventType = item.NonEmptyString("eventType");
            if (first is null)
            {
                delivery.VendorId = item.OptionalNonEmptyString("id");
            }

            SourceParseResult result = eventType == ValidationEvent
                ? Validate(item, delivery)
                : ParseEvent(eventType, item.Required("data"), delivery);
            if (result is SourceParseResult.Handshake)
            {
                return result;
            }

            first ??= result;
            if (result is SourceParseResult.Pushed pushed)
            {
                pushes.AddRange(pushed.Images);
            }
        }

        return pushes.Count > 0 ? delivery.Pushed(pushes) with { EventName = ShortName(ImagePushed) } : first!;
    }

    private static SourceParseResult ParseEvent(string eventType, RegistryJson data, RegistryDelivery delivery)
    {
        delivery.EventName = ShortName(eventType);
        return eventType == ImagePushed
            ? delivery.Pushed(Push(data.AsObject()))
            : delivery.Ignored(RegistryReasons.NotAPush, $"the event type {RegistryImages.Show(eventType)} announces no new image");
    }

    private static SourceParseResult Validate(RegistryJson validationEvent, RegistryDelivery delivery)
    {
        delivery.EventName = "SubscriptionValidation";
        string code = validationEvent.Object("data").NonEmptyString("validationCode");
        return delivery.Handshake("{\"validationResponse\":\"" + JsonEncodedText.Encode(code) + "\"}");
    }

    private static ImagePush Push(RegistryJson data)
    {
        RegistryJson target = data.Object("target");
        string host = data.Object("request").NonEmptyString("host");
        return RegistryImages.Push(
            host + "/" + target.NonEmptyString("repository"),
            target.OptionalString("tag"),
            target.OptionalString("digest"),
            data.OptionalObject("actor")?.OptionalString("name"));
    }

    private static string ShortName(string eventType) =>
        eventType.StartsWith(EventTypePrefix, StringComparison.Ordinal) ? eventType[EventTypePrefix.Length..] : eventType;
}
