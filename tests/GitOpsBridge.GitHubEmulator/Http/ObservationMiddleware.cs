using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.GitHubEmulator.Http;

/// <summary>
/// Counts every request by route, and puts GitHub's primary rate-limit headers on every REST
/// response (<c>x-ratelimit-limit/remaining/reset/used/resource</c>).
/// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit
/// </summary>
internal sealed class ObservationMiddleware(RequestDelegate next, EmulatorState state)
{
    private const int AnonymousLimit = 60;

    public Task InvokeAsync(HttpContext context)
    {
        var route = context.Route();
        if (route is { IsGit: true })
        {
            state.GitCalls.Count(route.Key);
            return next(context);
        }

        state.ApiCalls.Count(route?.Key ?? $"{context.Request.Method} (unmatched)");
        context.Response.OnStarting(() =>
        {
            var caller = context.Items[EmulatorRouteExtensions.CallerItem] as Caller;
            var key = caller?.RateLimitKey ?? $"anonymous:{context.Connection.RemoteIpAddress}";
            var limit = caller is null ? AnonymousLimit : state.Options.RateLimit;
            var (reset, used) = state.RateLimits.Spend(key, state.Now);
            var remaining = context.Items.ContainsKey(EmulatorRouteExtensions.RateLimitExhaustedItem) ? 0 : Math.Max(0, limit - used);
            var headers = context.Response.Headers;
            headers["x-ratelimit-limit"] = limit.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-used"] = Math.Min(used, limit).ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-resource"] = "core";
            headers["x-github-api-version-selected"] = "2022-11-28";
            headers["x-github-request-id"] = context.TraceIdentifier;
            return Task.CompletedTask;
        });
        return next(context);
    }
}
