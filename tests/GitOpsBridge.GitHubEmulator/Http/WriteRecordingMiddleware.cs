using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.GitHubEmulator.Http;

/// <summary>
/// Records every authenticated write to a repository in <see cref="WriteLog"/>: when it began and
/// ended and which installation token made it. Runs after authentication, so the caller is known.
/// </summary>
internal sealed class WriteRecordingMiddleware(RequestDelegate next, EmulatorState state)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.Route();
        if (route is null || !IsWrite(route.Key) || context.Items[EmulatorRouteExtensions.CallerItem] is not Caller { Token: { } token })
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var owner = context.Value("owner");
        var name = context.Value("repo");
        var started = state.Writes.Elapsed;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            state.Writes.Add(new EmulatedWrite(
                state.FindRepository(owner, name)?.FullName ?? $"{owner}/{name}",
                route.Key,
                Client(token.Token),
                context.Request.Headers.UserAgent.ToString(),
                started,
                state.Writes.Elapsed,
                context.Response.StatusCode));
        }
    }

    private static bool IsWrite(string routeKey) =>
        routeKey == GitHubRoutes.GitReceivePack
        || (!routeKey.StartsWith("GET ", StringComparison.Ordinal) && routeKey.Contains(" /repos/{owner}/{repo}", StringComparison.Ordinal));

    private static string Client(string token) =>
        "token:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..12];
}
