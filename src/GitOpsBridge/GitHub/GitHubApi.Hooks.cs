using System.Globalization;

namespace GitOpsBridge.GitHub;

/// <summary>The App's webhook deliveries (App JWT), for catching up on deliveries that failed while the bridge was down.</summary>
public sealed partial class GitHubApi
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<HookDeliveryInfo>> ListHookDeliveriesAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        // Newest first with cursor pagination: stop at the first page that reaches back past `since`.
        // https://docs.github.com/en/rest/apps/webhooks#list-deliveries-for-an-app-webhook
        var deliveries = await GetPagesAsync<List<HookDeliveryItem>, HookDeliveryItem>(
            installationId: null, "app/hook/deliveries", page => page, page => page.Any(d => d.DeliveredAt < since), MaxHookDeliveryPages, ct).ConfigureAwait(false);
        return
        [
            .. deliveries
                .Where(d => d.DeliveredAt >= since)
                .Select(d => new HookDeliveryInfo(d.Id, d.Guid, d.Event, d.Status, d.StatusCode, d.Redelivery, d.DeliveredAt)),
        ];
    }

    /// <inheritdoc />
    public async Task RedeliverAsync(long deliveryId, CancellationToken ct = default)
    {
        var path = $"app/hook/deliveries/{deliveryId.ToString(CultureInfo.InvariantCulture)}/attempts";
        await SendAsync(installationId: null, "POST", path, c => c.Post<object>(Relative(path), ct), ct).ConfigureAwait(false);
    }

    /// <summary><c>hook-delivery-item</c>, read by Octokit's serializer (Octokit 14 has no model for it).</summary>
    private sealed class HookDeliveryItem
    {
        public long Id { get; private set; }

        public string Guid { get; private set; } = string.Empty;

        public string Event { get; private set; } = string.Empty;

        public string Status { get; private set; } = string.Empty;

        public int StatusCode { get; private set; }

        public bool Redelivery { get; private set; }

        public DateTimeOffset DeliveredAt { get; private set; }
    }
}
