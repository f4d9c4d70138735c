namespace GitOpsBridge.GitHub;

/// <summary>One delivery of the App's webhook, as <c>GET /app/hook/deliveries</c> lists it.</summary>
/// <param name="Id">The delivery id (what redelivery takes).</param>
/// <param name="Guid">The <c>X-GitHub-Delivery</c> header value; a redelivery keeps it.</param>
/// <param name="Event">The event name, e.g. <c>registry_package</c>.</param>
/// <param name="Status">GitHub's summary, e.g. <c>OK</c> or <c>Invalid HTTP Response: 502</c>.</param>
/// <param name="StatusCode">The status the App's endpoint answered (0 when it could not be reached).</param>
/// <param name="Redelivery">True for a redelivery.</param>
/// <param name="DeliveredAt">When it was sent.</param>
public sealed record HookDeliveryInfo(long Id, string Guid, string Event, string Status, int StatusCode, bool Redelivery, DateTimeOffset DeliveredAt);
