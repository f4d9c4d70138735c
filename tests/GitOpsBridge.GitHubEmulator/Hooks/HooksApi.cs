using System.Globalization;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GitOpsBridge.GitHubEmulator.Hooks;

/// <summary>
/// The App's webhook deliveries: list (newest first, cursor pagination), get, and redeliver.
/// https://docs.github.com/en/rest/apps/webhooks
/// </summary>
internal static class HooksApi
{
    public static void MapHooksApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHub(GitHubRoutes.ListHookDeliveries, Authentication.AppJwt, c => List(c, c.State()));
        endpoints.MapGitHub(GitHubRoutes.GetHookDelivery, Authentication.AppJwt, c => Get(c.State(), c.Value("delivery_id")));
        endpoints.MapGitHub(GitHubRoutes.RedeliverHookDelivery, Authentication.AppJwt, c => Redeliver(c.State(), c.RequestServices.GetRequiredService<WebhookSender>(), c.Value("delivery_id")));
    }

    private static IResult List(HttpContext context, EmulatorState state)
    {
        var query = context.Request.Query;
        var perPage = int.TryParse(query["per_page"], CultureInfo.InvariantCulture, out var requested) && requested > 0 ? Math.Min(requested, 100) : 30;
        var status = query["status"].ToString();
        List<HookDeliveryRecord> deliveries;
        lock (state.Sync)
        {
            deliveries = state.Deliveries.OrderByDescending(d => d.Delivery.Id).ToList();
        }

        deliveries = status switch
        {
            "success" => deliveries.Where(d => d.Delivery.StatusCode is >= 200 and < 400).ToList(),
            "failure" => deliveries.Where(d => d.Delivery.StatusCode is not (>= 200 and < 400)).ToList(),
            _ => deliveries,
        };

        // The cursor is the id the page starts after, as an opaque string.
        if (long.TryParse(query["cursor"], CultureInfo.InvariantCulture, out var after))
        {
            deliveries = deliveries.Where(d => d.Delivery.Id < after).ToList();
        }

        var page = deliveries.Take(perPage).ToList();
        if (deliveries.Count > perPage)
        {
            var request = context.Request;
            var next = QueryString.Create(
                request.Query.Where(q => q.Key != "cursor").SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v)))
                    .Append(KeyValuePair.Create("cursor", (string?)page[^1].Delivery.Id.ToString(CultureInfo.InvariantCulture))));
            context.Response.Headers["Link"] = $"<{UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, next)}>; rel=\"next\"";
        }

        return GitHubResults.Json(new JsonArray([.. page.Select(d => (JsonNode)Representations.HookDelivery(d, detailed: false))]));
    }

    private static IResult Get(EmulatorState state, string delivery_id)
    {
        HookDeliveryRecord? record;
        lock (state.Sync)
        {
            record = long.TryParse(delivery_id, CultureInfo.InvariantCulture, out var id) ? state.Deliveries.FirstOrDefault(d => d.Delivery.Id == id) : null;
        }

        if (record is null)
        {
            return GitHubResults.NotFound();
        }

        var json = Representations.HookDelivery(record, detailed: true);
        json["url"] = state.Options.WebhookUrl?.ToString() ?? string.Empty;
        return GitHubResults.Json(json);
    }

    private static IResult Redeliver(EmulatorState state, WebhookSender sender, string delivery_id)
    {
        HookDeliveryRecord? record;
        lock (state.Sync)
        {
            record = long.TryParse(delivery_id, CultureInfo.InvariantCulture, out var id) ? state.Deliveries.FirstOrDefault(d => d.Delivery.Id == id) : null;
        }

        if (record is null)
        {
            return GitHubResults.NotFound();
        }

        // GitHub accepts at once and delivers in the background.
        sender.Redeliver(record.Delivery);
        return GitHubResults.Json(new JsonObject(), StatusCodes.Status202Accepted);
    }
}
