using System.Text;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.GitHubEmulator.Http;

/// <summary>
/// Authenticates each route as GitHub does: the App's JWT for <c>/app</c> routes, an installation
/// token for the rest, and Basic <c>x-access-token:&lt;token&gt;</c> for git. A repository the
/// caller may not see answers 404, as GitHub hides private repositories.
/// </summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, EmulatorState state)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.Route();
        if (route is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var failure = route.Authentication switch
        {
            Authentication.AppJwt => AuthenticateApp(context),
            Authentication.InstallationToken => AuthenticateInstallation(context),
            Authentication.None => null,
            _ => AuthenticateGit(context),
        };

        if (failure is not null)
        {
            await failure.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private IResult? AuthenticateApp(HttpContext context)
    {
        var credential = Credential(context.Request, "Bearer");
        if (credential is null)
        {
            return GitHubResults.Error(StatusCodes.Status401Unauthorized, "A JSON web token could not be decoded");
        }

        var problem = state.App.Validate(credential, state.Now);
        if (problem is not null)
        {
            return GitHubResults.Error(StatusCodes.Status401Unauthorized, problem);
        }

        context.Items[EmulatorRouteExtensions.CallerItem] = new Caller($"app:{state.App.AppId}", null, IsApp: true);
        return null;
    }

    private IResult? AuthenticateInstallation(HttpContext context)
    {
        var credential = Credential(context.Request, "token") ?? Credential(context.Request, "Bearer");
        if (credential is null)
        {
            return GitHubResults.Error(StatusCodes.Status401Unauthorized, "Requires authentication");
        }

        if (state.ValidToken(credential) is not { } token)
        {
            return GitHubResults.BadCredentials();
        }

        context.Items[EmulatorRouteExtensions.CallerItem] = new Caller($"installation:{token.InstallationId}", token, IsApp: false);
        return RepositoryVisible(context, token) ? null : GitHubResults.NotFound();
    }

    private IResult? AuthenticateGit(HttpContext context)
    {
        var challenge = Results.Text("Authentication failed", statusCode: StatusCodes.Status401Unauthorized);
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"GitHub\"";
        var basic = Credential(context.Request, "Basic");
        if (basic is null)
        {
            return challenge;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(basic));
        }
        catch (FormatException)
        {
            return challenge;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || decoded[..colon] != "x-access-token" || state.ValidToken(decoded[(colon + 1)..]) is not { } token)
        {
            return challenge;
        }

        context.Response.Headers.Remove("WWW-Authenticate");
        context.Items[EmulatorRouteExtensions.CallerItem] = new Caller($"installation:{token.InstallationId}", token, IsApp: false);
        return RepositoryVisible(context, token) ? null : Results.Text("Repository not found.", statusCode: StatusCodes.Status404NotFound);
    }

    private bool RepositoryVisible(HttpContext context, TokenRecord token)
    {
        if (context.Request.RouteValues["owner"] is not string owner || context.Request.RouteValues["repo"] is not string name)
        {
            return true;
        }

        return state.FindRepository(owner, name) is { } repository && state.CanAccess(token, repository);
    }

    /// <summary>The credential after <paramref name="scheme"/> in the Authorization header (scheme compared ignoring case).</summary>
    internal static string? Credential(HttpRequest request, string scheme)
    {
        var header = request.Headers.Authorization.ToString();
        return header.Length > scheme.Length + 1
            && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && header[scheme.Length] == ' '
            ? header[(scheme.Length + 1)..].Trim()
            : null;
    }
}
