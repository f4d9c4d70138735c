using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GitOpsBridge.GitHubEmulator.Http;

/// <summary>How a route authenticates its caller.</summary>
internal enum Authentication
{
    /// <summary><c>Authorization: Bearer &lt;JWT&gt;</c> signed with the App's key.</summary>
    AppJwt,

    /// <summary><c>Authorization: token ghs_…</c> (or Bearer) of an installation.</summary>
    InstallationToken,

    /// <summary>Basic auth, user <c>x-access-token</c>, password an installation token (git smart HTTP).</summary>
    GitBasic,

    /// <summary>No credentials: the route's own parameters are the secret (a manifest code).</summary>
    None,
}

/// <summary>Endpoint metadata: the route's key (see <see cref="GitHubRoutes"/>) and how it authenticates.</summary>
internal sealed record EmulatorRoute(string Key, Authentication Authentication)
{
    public bool IsGit => Authentication == Authentication.GitBasic;
}

/// <summary>Who is calling, once authenticated.</summary>
internal sealed record Caller(string RateLimitKey, TokenRecord? Token, bool IsApp);

internal static class EmulatorRouteExtensions
{
    public const string CallerItem = "emulator.caller";
    public const string FaultInjectedItem = "emulator.fault";
    public const string RateLimitExhaustedItem = "emulator.ratelimit.exhausted";
    public const string GitFetchItem = "emulator.git.fetch";

    /// <summary>
    /// Maps a route by its key. The ASP.NET pattern is the key's template with the multi-segment
    /// parameters (<paramref name="catchAll"/>) turned into catch-alls.
    /// </summary>
    /// <remarks>
    /// Handlers are plain request delegates, not minimal-API delegates: minimal APIs compile a
    /// binder per endpoint per application, which cost each new emulator about 200 ms.
    /// </remarks>
    public static IEndpointConventionBuilder MapGitHub(this IEndpointRouteBuilder endpoints, string key, Authentication authentication, Func<HttpContext, Task<IResult>> handler, string? catchAll = null) =>
        endpoints.MapGitHub(key, authentication, async context => await (await handler(context).ConfigureAwait(false)).ExecuteAsync(context).ConfigureAwait(false), catchAll);

    public static IEndpointConventionBuilder MapGitHub(this IEndpointRouteBuilder endpoints, string key, Authentication authentication, Func<HttpContext, IResult> handler, string? catchAll = null) =>
        endpoints.MapGitHub(key, authentication, context => handler(context).ExecuteAsync(context), catchAll);

    public static IEndpointConventionBuilder MapGitHub(this IEndpointRouteBuilder endpoints, string key, Authentication authentication, RequestDelegate handler, string? catchAll = null)
    {
        var space = key.IndexOf(' ', StringComparison.Ordinal);
        var method = key[..space];
        var pattern = key[(space + 1)..];
        if (catchAll is not null)
        {
            pattern = pattern.Replace($"{{{catchAll}}}", $"{{**{catchAll}}}", StringComparison.Ordinal);
        }

        return endpoints.MapMethods(pattern, [method], handler).WithMetadata(new EmulatorRoute(key, authentication));
    }

    public static EmulatorState State(this HttpContext context) => context.RequestServices.GetRequiredService<EmulatorState>();

    public static Representations Json(this HttpContext context) => context.RequestServices.GetRequiredService<Representations>();

    /// <summary>A route value, decoded as ASP.NET routing gives it.</summary>
    public static string Value(this HttpContext context, string name) => context.Request.RouteValues[name] as string ?? string.Empty;

    public static EmulatorRoute? Route(this HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<EmulatorRoute>();

    public static Caller Caller(this HttpContext context) =>
        context.Items[CallerItem] as Caller ?? throw new InvalidOperationException("The route ran without authentication.");
}
