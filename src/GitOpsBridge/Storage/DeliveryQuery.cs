namespace GitOpsBridge.Storage;

/// <summary>A filter over stored deliveries, for <see cref="IBridgeStore.QueryDeliveriesAsync"/>; every criterion given must hold.</summary>
/// <param name="Limit">At most this many deliveries are returned.</param>
/// <param name="Status">Only deliveries with this status, when given.</param>
/// <param name="Repository">Only deliveries with an outcome for this GitOps repository (<c>owner/name</c>, exact), when given.</param>
/// <param name="Before">Only deliveries received strictly before this time, when given: the next page after a page's last delivery.</param>
public sealed record DeliveryQuery(int Limit, DeliveryStatus? Status = null, string? Repository = null, DateTimeOffset? Before = null);
