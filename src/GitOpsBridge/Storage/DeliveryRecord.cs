namespace GitOpsBridge.Storage;

/// <summary>One received webhook or registry notification, as stored for the worker and for <c>GET /api/deliveries</c>.</summary>
/// <param name="Id">The sender's delivery id (<c>X-GitHub-Delivery</c>, the registry event id).</param>
/// <param name="Source">The event source that received it, for example <c>github</c> or <c>registry</c>.</param>
/// <param name="Event">The event name, for example <c>registry_package</c>.</param>
/// <param name="ReceivedAt">When the bridge received it.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="ReasonCode">A stable code for <see cref="DeliveryStatus.Skipped"/>, <see cref="DeliveryStatus.Ignored"/>, <see cref="DeliveryStatus.Rejected"/> and <see cref="DeliveryStatus.Failed"/>.</param>
/// <param name="Reason">The human-readable reason.</param>
/// <param name="BodySha256">The hash of the body, which tells a redelivery from a different body under the same id.</param>
/// <param name="InstallationId">The GitHub App installation it belongs to, when known.</param>
/// <param name="TraceId">The W3C trace id of the request that received it.</param>
public sealed record DeliveryRecord(
    string Id,
    string Source,
    string Event,
    DateTimeOffset ReceivedAt,
    DeliveryStatus Status,
    string? ReasonCode,
    string? Reason,
    string BodySha256,
    long? InstallationId,
    string? TraceId)
{
    /// <summary>
    /// The request headers a parser needs to read the body again (a JSON object of lower-case names to
    /// values), for sources whose meaning is partly in headers; never credentials. <see langword="null"/> for GitHub.
    /// </summary>
    public string? Headers { get; init; }
}
