using System.Text.Json;
using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Sources;

/// <summary>
/// Reads the push notifications of every registry kind (<see cref="SourceKind.DockerHub"/> to <see cref="SourceKind.Ecr"/>)
/// into one normalised result. Pure: no I/O, no clock.
/// </summary>
/// <remarks>
/// <para>
/// No body makes it throw. An empty or non-JSON body is rejected <c>malformed-json</c>; JSON of the wrong
/// shape or types <c>invalid-payload</c>, naming the field; a push without tag and digest
/// <c>no-tag-or-digest</c>; a bad digest <c>invalid-digest</c>; a repository or tag that is not a valid
/// reference <c>invalid-reference</c>. Pulls, deletes, blob uploads and other event types are ignored
/// <c>not-a-push</c>, vendor pings <c>test-event</c>. The codes are the constants of <see cref="RegistryReasons"/>.
/// </para>
/// <para>
/// Which formats each vendor is read in is documented on its parser: <c>DockerHubPayload</c>, <c>AcrPayload</c>,
/// <c>HarborPayload</c>, <c>QuayPayload</c>, <c>DistributionPayload</c>, <c>GarPayload</c> and <c>EcrPayload</c>.
/// </para>
/// </remarks>
public static class RegistryPayloads
{
    /// <summary>The deepest JSON nesting read; real payloads nest fewer than ten levels.</summary>
    public const int MaxDepth = 64;

    // Duplicate members are refused: a body with two "tag"s could be read one way here and another way by a proxy.
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    /// <summary>Whether <paramref name="kind"/> is a registry kind, one that <see cref="Parse"/> reads.</summary>
    /// <param name="kind">A source kind.</param>
    /// <returns><see langword="true"/> for <see cref="SourceKind.DockerHub"/> to <see cref="SourceKind.Ecr"/>.</returns>
    public static bool IsRegistryKind(SourceKind kind) =>
        kind is SourceKind.DockerHub or SourceKind.Acr or SourceKind.Harbor or SourceKind.Quay
            or SourceKind.Distribution or SourceKind.Gar or SourceKind.Ecr;

    /// <summary>Parses one registry notification.</summary>
    /// <param name="kind">The source's kind; must be a registry kind.</param>
    /// <param name="payload">The request body and headers.</param>
    /// <returns>
    /// <see cref="SourceParseResult.Pushed"/> with the images announced, <see cref="SourceParseResult.Ignored"/>,
    /// <see cref="SourceParseResult.Rejected"/> with a code and reason, or <see cref="SourceParseResult.Handshake"/>
    /// for Event Grid's subscription validation.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="payload"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is a CI kind: a programming error.</exception>
    public static SourceParseResult Parse(SourceKind kind, SourcePayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        (VendorParser parse, string eventName) = ParserFor(kind);
        var delivery = new RegistryDelivery(eventName);
        try
        {
            using JsonDocument document = ParseJson(payload.Body, "the body");
            return parse(RegistryJson.Root(document.RootElement), payload, delivery);
        }
        catch (RegistryPayloadException exception)
        {
            return delivery.Rejected(exception.Code, exception.Message);
        }
    }

    private delegate SourceParseResult VendorParser(RegistryJson root, SourcePayload payload, RegistryDelivery delivery);

    private static (VendorParser Parse, string EventName) ParserFor(SourceKind kind) => kind switch
    {
        // The names stand until the parser reads the event's own; Docker Hub and Quay send no event name.
        SourceKind.DockerHub => (DockerHubPayload.Parse, DockerHubPayload.EventName),
        SourceKind.Acr => (AcrPayload.Parse, "unknown"),
        SourceKind.Harbor => (HarborPayload.Parse, "unknown"),
        SourceKind.Quay => (QuayPayload.Parse, QuayPayload.EventName),
        SourceKind.Distribution => (DistributionPayload.Parse, "unknown"),
        SourceKind.Gar => (GarPayload.Parse, "unknown"),
        SourceKind.Ecr => (EcrPayload.Parse, "unknown"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a registry kind; CI kinds have their own parser"),
    };

    /// <summary>Parses JSON text from a payload; <paramref name="what"/> names it in the rejection.</summary>
    internal static JsonDocument ParseJson(string? text, string what)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new RegistryPayloadException(RegistryReasons.MalformedJson, what + " is empty");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, Options);
        }
        catch (JsonException exception)
        {
            throw new RegistryPayloadException(
                RegistryReasons.MalformedJson,
                what + " is not valid JSON: " + DiagnosticText.Shorten(exception.Message, 200));
        }
        catch (InvalidOperationException)
        {
            // The duplicate-member check unescapes every member name and throws this on a lone surrogate (.NET 10).
            throw new RegistryPayloadException(
                RegistryReasons.MalformedJson,
                what + " has a member name that is not valid Unicode (an escaped lone surrogate)");
        }

        if (FirstBrokenString(document.RootElement) is { } path)
        {
            document.Dispose();
            throw new RegistryPayloadException(
                RegistryReasons.MalformedJson,
                $"{what} has a string that is not valid Unicode (an escaped lone surrogate) at {path}");
        }

        return document;
    }

    // JSON text may escape half a surrogate pair ("\ud800"); System.Text.Json parses it but throws
    // InvalidOperationException when the string or member name is read. Finding them up front keeps
    // every later read safe. Recursion is bounded by MaxDepth.
    private static string? FirstBrokenString(JsonElement element, string path = "the body")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Readable(element.GetString) ? null : path;
            case JsonValueKind.Object:
                foreach (JsonProperty member in element.EnumerateObject())
                {
                    if (!Readable(() => member.Name))
                    {
                        return path + " (a member name)";
                    }

                    if (FirstBrokenString(member.Value, "'" + member.Name + "'") is { } broken)
                    {
                        return broken;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (FirstBrokenString(item, path) is { } broken)
                    {
                        return broken;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool Readable(Func<string?> read)
    {
        try
        {
            read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
