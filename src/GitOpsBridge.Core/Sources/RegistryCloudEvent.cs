namespace GitOpsBridge.Core.Sources;

/// <summary>
/// A <see href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md">CloudEvents 1.0</see> envelope
/// around a registry event: in structured mode (the whole event is the JSON body) or, where a vendor uses it,
/// binary mode (attributes in <c>ce-*</c> headers, the body is the data).
/// </summary>
internal sealed class RegistryCloudEvent
{
    private readonly RegistryJson? envelope;
    private readonly SourcePayload payload;

    private RegistryCloudEvent(string type, string? id, RegistryJson? data, RegistryJson? envelope, SourcePayload payload)
    {
        Type = type;
        Id = id;
        Data = data;
        this.envelope = envelope;
        this.payload = payload;
    }

    /// <summary>The event type, e.g. <c>harbor.artifact.pushed</c>.</summary>
    public string Type { get; }

    /// <summary>The event id, unique per source.</summary>
    public string? Id { get; }

    /// <summary>The event data, when there is any.</summary>
    public RegistryJson? Data { get; }

    /// <summary>The event data, which the caller needs.</summary>
    public RegistryJson RequiredData =>
        Data ?? throw new RegistryPayloadException(RegistryReasons.InvalidPayload, "'data' is missing");

    /// <summary>
    /// Reads <paramref name="root"/> as a structured-mode event when it has <c>specversion</c>, or as a
    /// binary-mode event when <paramref name="allowBinary"/> and the request carries <c>ce-specversion</c> or <c>ce-type</c>.
    /// </summary>
    /// <returns><see langword="null"/> when the payload is not a CloudEvent.</returns>
    public static RegistryCloudEvent? Read(RegistryJson root, SourcePayload payload, bool allowBinary)
    {
        if (root.IsObject && root.Optional("specversion") is { } version)
        {
            CheckVersion(version.AsString(), "'specversion'");
            return new RegistryCloudEvent(
                root.NonEmptyString("type"), root.OptionalNonEmptyString("id"), root.Optional("data"), root, payload);
        }

        if (!allowBinary || (payload.Header("ce-specversion") is null && payload.Header("ce-type") is null))
        {
            return null;
        }

        CheckVersion(payload.Header("ce-specversion") ?? string.Empty, "the ce-specversion header");
        string type = payload.Header("ce-type") is { Length: > 0 } headerType
            ? headerType
            : throw new RegistryPayloadException(RegistryReasons.InvalidPayload, "the ce-type header is missing");
        return new RegistryCloudEvent(type, payload.Header("ce-id") is { Length: > 0 } id ? id : null, root, envelope: null, payload);
    }

    /// <summary>A context attribute or extension (<c>region</c>, <c>operator</c>): an envelope member, or a <c>ce-</c> header in binary mode.</summary>
    public string? Attribute(string name) =>
        envelope is { } structured
            ? structured.OptionalNonEmptyString(name)
            : payload.Header("ce-" + name) is { Length: > 0 } value ? value : null;

    private static void CheckVersion(string version, string field)
    {
        if (version != "1.0")
        {
            throw new RegistryPayloadException(
                RegistryReasons.InvalidPayload,
                $"{field} is {RegistryImages.Show(version)}; only CloudEvents 1.0 is read");
        }
    }
}
