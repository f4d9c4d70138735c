using System.Security.Cryptography;
using System.Text;
using GitOpsBridge.Secrets;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Deliveries;

/// <summary>
/// <c>GET /api/deliveries/{id}</c> and <c>GET /api/deliveries?limit=N</c>: the explained outcome of
/// every event, for "why is there no PR?". Both need <c>Authorization: Bearer &lt;Admin:Token&gt;</c>.
/// </summary>
internal static class DeliveriesApi
{
    public static IEndpointRouteBuilder MapDeliveriesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/deliveries").AddEndpointFilter(RequireAdminAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapGet("/", ListAsync);
        return endpoints;
    }

    private static async Task<IResult> GetAsync(string id, IBridgeStore store, CancellationToken cancellationToken)
    {
        var delivery = await store.GetDeliveryAsync(id, cancellationToken);
        return delivery is null
            ? Results.NotFound(new { error = $"no delivery {id}" })
            : Results.Ok(await ToViewAsync(store, delivery, cancellationToken));
    }

    private static async Task<IResult> ListAsync(IBridgeStore store, int? limit, CancellationToken cancellationToken)
    {
        var deliveries = await store.ListDeliveriesAsync(Math.Clamp(limit ?? 50, 1, 500), cancellationToken);
        var views = new List<DeliveryView>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            views.Add(await ToViewAsync(store, delivery, cancellationToken));
        }

        return Results.Ok(views);
    }

    private static async Task<DeliveryView> ToViewAsync(IBridgeStore store, DeliveryRecord d, CancellationToken cancellationToken)
    {
        var targets = await store.GetTargetOutcomesAsync(d.Id, cancellationToken);
        return new DeliveryView(d.Id, d.Source, d.Event, d.ReceivedAt, Lower(d.Status), d.Reason, d.ReasonCode,
            targets.Select(t => new TargetView(t.Repository, t.Environment, Lower(t.Status), t.Reason,
                t.PullRequestNumber is { } n ? new PullRequestView(n, t.PullRequestUrl, t.PullRequestAction) : null)).ToList());
    }

    private static string Lower(DeliveryStatus status) => status.ToString().ToLowerInvariant();

    private static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var secrets = context.HttpContext.RequestServices.GetRequiredService<ISecretProvider>();
        var expected = await secrets.GetAsync(SecretKeys.AdminToken, context.HttpContext.RequestAborted);
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (expected is null || !header.StartsWith("Bearer ", StringComparison.Ordinal)
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header[7..])), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Json(new { error = expected is null ? $"the API is closed until {SecretKeys.AdminToken} is set" : "a valid Authorization: Bearer <Admin:Token> is required" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        return await next(context);
    }

    internal sealed record DeliveryView(string Id, string Source, string Event, DateTimeOffset ReceivedAt, string Status, string? Reason, string? ReasonCode, IReadOnlyList<TargetView> Targets);

    internal sealed record TargetView(string Repository, string Environment, string Status, string? Reason, PullRequestView? PullRequest);

    internal sealed record PullRequestView(int Number, string? Url, string? Action);
}
