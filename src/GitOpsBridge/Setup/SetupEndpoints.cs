using System.Net;
using System.Text.Encodings.Web;
using GitOpsBridge.GitHub;
using GitOpsBridge.Secrets;

namespace GitOpsBridge.Setup;

/// <summary>
/// The first-run setup routes, live only in setup mode (404 afterwards): <c>GET /</c> shows the
/// "Register GitHub App" form that posts <see cref="AppManifest"/> to GitHub, <c>POST /setup/token</c>
/// takes the one-time token from a form, and <c>GET /setup/callback</c> exchanges the code GitHub
/// sends back. Only loopback callers are served unless <see cref="SetupOptions.AllowRemote"/>; the page
/// needs the one-time token from the log (<c>?token=</c> once, then an HttpOnly SameSite=Strict cookie).
/// The callback is not guarded by the cookie (a Strict cookie is not sent on GitHub's cross-site
/// redirect) but by its <c>state</c>: random, single-use and only handed to a holder of the token.
/// </summary>
internal static partial class SetupEndpoints
{
    public const string CookieName = "gitops-bridge-setup";

    public static IEndpointRouteBuilder MapSetup(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", PageAsync);
        endpoints.MapPost("/setup/token", TokenFormAsync);
        endpoints.MapGet("/" + AppManifest.CallbackPath, CallbackAsync);
        return endpoints;
    }

    private static async Task<IResult> PageAsync(HttpContext context, SetupMode setup, SetupOptions options, GitHubOptions github, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(context, setup, options, cancellationToken) is { } refused)
        {
            return refused;
        }

        var query = context.Request.Query["token"].ToString();
        if (query.Length > 0 && setup.IsValidToken(query))
        {
            // The token leaves the address bar (and the browser's history) at once.
            SetCookie(context, query);
            return Html(context, StatusCodes.Status303SeeOther, "", location: "/");
        }

        if (!setup.IsValidToken(context.Request.Cookies[CookieName]))
        {
            return Html(context, StatusCodes.Status403Forbidden, SetupPages.TokenForm());
        }

        var publicUrl = PublicUrl(context, options);
        var manifest = AppManifest.Create(options.AppName, publicUrl);
        var web = GitHubEndpoints.From(github).Web;
        var state = setup.IssueState();
        var path = string.IsNullOrWhiteSpace(options.Organization)
            ? "settings/apps/new"
            : $"organizations/{Uri.EscapeDataString(options.Organization)}/settings/apps/new";
        var action = new Uri(web, $"{path}?state={state}");
        return Html(context, StatusCodes.Status200OK, SetupPages.Register(action, manifest.ToJsonString(), publicUrl, options.PublicUrl is null), formAction: web);
    }

    private static async Task<IResult> TokenFormAsync(HttpContext context, SetupMode setup, SetupOptions options, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(context, setup, options, cancellationToken) is { } refused)
        {
            return refused;
        }

        var token = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync(cancellationToken))["token"].ToString() : "";
        if (!setup.IsValidToken(token))
        {
            return Html(context, StatusCodes.Status403Forbidden, SetupPages.TokenForm(wrong: true));
        }

        SetCookie(context, token);
        return Html(context, StatusCodes.Status303SeeOther, "", location: "/");
    }

    private static async Task<IResult> CallbackAsync(
        HttpContext context, SetupMode setup, SetupOptions options, GitHubOptions github, ISetupSecretStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(context, setup, options, cancellationToken) is { } refused)
        {
            return refused;
        }

        var code = context.Request.Query["code"].ToString();
        if (!setup.TryConsumeState(context.Request.Query["state"].ToString()))
        {
            return Html(context, StatusCodes.Status400BadRequest, SetupPages.Failed("This link's state is unknown, expired or already used. Open the setup page again and register the App from there."));
        }

        if (code.Length is 0 or > 200 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return Html(context, StatusCodes.Status400BadRequest, SetupPages.Failed("GitHub sent no usable code. Open the setup page again and register the App from there."));
        }

        var logger = loggers.CreateLogger("GitOpsBridge.Setup");
        ConvertedApp app;
        try
        {
            app = await ManifestConversion.ConvertAsync(GitHubEndpoints.From(github).Api, code, cancellationToken);
            await store.SaveAsync(app.Secrets, cancellationToken);
        }
        catch (Exception exception) when (exception is ManifestConversionException or SecretSourceException or GitHubConfigurationException)
        {
            Log.Failed(logger, exception.Message);
            return Html(context, StatusCodes.Status502BadGateway, SetupPages.Failed(exception.Message));
        }

        setup.Complete();
        Log.Registered(logger, app.Id, app.Slug);
        context.Response.Cookies.Delete(CookieName);
        return Html(context, StatusCodes.Status200OK, SetupPages.Done(app));
    }

    /// <summary>404 once setup is over (the routes are gone), 403 for a remote caller unless allowed.</summary>
    private static async Task<IResult?> RefuseAsync(HttpContext context, SetupMode setup, SetupOptions options, CancellationToken cancellationToken)
    {
        if (!await setup.IsActiveAsync(cancellationToken))
        {
            return Results.NotFound();
        }

        return options.AllowRemote || IsLoopback(context.Connection.RemoteIpAddress)
            ? null
            : Html(context, StatusCodes.Status403Forbidden, SetupPages.Failed("The setup page is only served to this machine (loopback). Open it from the host the service runs on, or set Setup:AllowRemote=true."));
    }

    internal static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static Uri PublicUrl(HttpContext context, SetupOptions options)
    {
        var text = options.PublicUrl ?? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new InvalidOperationException($"Setup:PublicUrl must be an absolute http or https URL; got '{text}'.");
    }

    private static void SetCookie(HttpContext context, string token) =>
        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = TimeSpan.FromHours(12),
        });

    private static IResult Html(HttpContext context, int status, string body, string? location = null, Uri? formAction = null)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Frame-Options"] = "DENY";
        headers["X-Content-Type-Options"] = "nosniff";
        var target = formAction is null ? "'self'" : $"'self' {formAction.GetLeftPart(UriPartial.Authority)}";
        headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'unsafe-inline'; form-action {target}; frame-ancestors 'none'";
        if (location is not null)
        {
            headers.Location = location;
        }

        return Results.Content(body, "text/html; charset=utf-8", statusCode: status);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 902, Level = LogLevel.Information, Message = "GitHub App {AppId} ({Slug}) registered through first-run setup")]
        public static partial void Registered(ILogger logger, long appId, string slug);

        [LoggerMessage(EventId = 903, Level = LogLevel.Warning, Message = "First-run setup could not finish: {Reason}")]
        public static partial void Failed(ILogger logger, string reason);
    }
}

/// <summary>The setup pages: plain server-rendered HTML, no script, every value encoded.</summary>
internal static class SetupPages
{
    private const string Style = "body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code,pre{background:#f4f4f4;padding:.1rem .3rem}button{font-size:1.1rem;padding:.5rem 1.2rem}";

    public static string TokenForm(bool wrong = false) => Page(
        "Setup token required",
        (wrong ? "<p><strong>That token is not valid.</strong></p>" : "")
        + "<p>GitOps Bridge is in first-run setup. Enter the one-time setup token printed in the service's log (or open the link printed there).</p>"
        + "<form method=\"post\" action=\"/setup/token\"><input name=\"token\" type=\"password\" autocomplete=\"off\" size=\"40\" required> <button type=\"submit\">Continue</button></form>");

    public static string Register(Uri action, string manifestJson, Uri publicUrl, bool publicUrlGuessed)
    {
        var e = HtmlEncoder.Default;
        return Page(
            "Register the GitHub App",
            "<p>GitOps Bridge has no GitHub App credentials yet. The button below creates a GitHub App for it from a manifest; GitHub then sends you back here, and the bridge stores the App's id, private key and webhook secret.</p>"
            + $"<p>GitHub will deliver webhooks to <code>{e.Encode(new Uri(publicUrl, AppManifest.WebhookPath).AbsoluteUri)}</code>.</p>"
            + (publicUrlGuessed ? "<p>That address is the one this page was opened on; GitHub must be able to reach it. Set <code>Setup:PublicUrl</code> to the service's public address if it differs.</p>" : "")
            + $"<form method=\"post\" action=\"{e.Encode(action.AbsoluteUri)}\"><input type=\"hidden\" name=\"manifest\" value=\"{e.Encode(manifestJson)}\"><button type=\"submit\">Register GitHub App</button></form>"
            + $"<details><summary>Manifest</summary><pre>{e.Encode(manifestJson)}</pre></details>");
    }

    public static string Done(ConvertedApp app)
    {
        var e = HtmlEncoder.Default;
        var install = app.HtmlUrl.Length > 0 ? $"<p>Now install it on your GitOps repositories and on the repositories whose CI builds images: <a href=\"{e.Encode(app.HtmlUrl.TrimEnd('/'))}/installations/new\">install the App</a>.</p>" : "";
        return Page(
            "Setup complete",
            $"<p>The GitHub App <strong>{e.Encode(app.Slug)}</strong> (id {app.Id}) is registered and its credentials are stored. Webhooks are accepted from now on; this page is gone.</p>" + install);
    }

    public static string Failed(string reason) => Page("Setup", $"<p>{HtmlEncoder.Default.Encode(reason)}</p>");

    private static string Page(string title, string body) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>GitOps Bridge: {HtmlEncoder.Default.Encode(title)}</title><style>{Style}</style></head><body><h1>{HtmlEncoder.Default.Encode(title)}</h1>{body}</body></html>";
}
