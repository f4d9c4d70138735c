using System.Globalization;
using System.Reflection;
using GitOpsBridge.Storage;
using Microsoft.AspNetCore.Antiforgery;

namespace GitOpsBridge.Dashboard;

/// <summary>
/// <c>/dashboard</c>: server-rendered pages over the store for people (deliveries with their
/// outcome and reason, a delivery's detail, open pull requests, the queue and its errors, what
/// version is where). Behind the admin token: a login form opens a cookie session
/// (<see cref="DashboardAuth"/>), every POST carries an antiforgery token, and without
/// <c>Admin:Token</c> the dashboard stays closed. Its only asset is one CSS file served from the
/// assembly, under <c>Content-Security-Policy: default-src 'self'</c>.
/// </summary>
internal static partial class DashboardApi
{
    /// <summary>Deliveries per page.</summary>
    public const int PageSize = 50;

    private const string ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    private const string HtmlType = "text/html; charset=utf-8";

    private static readonly Lazy<byte[]> Css = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("GitOpsBridge.Dashboard.dashboard.css")
            ?? throw new InvalidOperationException("the dashboard stylesheet is not embedded in the assembly");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    });

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder, string dataDirectory)
    {
        builder.Services.AddDashboardAuth(dataDirectory);
        builder.Services.AddSingleton<LoginThrottle>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        var dashboard = endpoints.MapGroup("/dashboard").AddEndpointFilter(SecurityHeadersAsync);
        dashboard.MapGet("/assets/dashboard.css", () => Results.Bytes(Css.Value, "text/css; charset=utf-8"));
        dashboard.MapGet("/login", LoginFormAsync);
        dashboard.MapPost("/login", LoginAsync);
        dashboard.MapPost("/logout", LogoutAsync);

        var pages = dashboard.MapGroup("").AddEndpointFilter(RequireSessionAsync);
        pages.MapGet("/", DeliveriesAsync);
        pages.MapGet("/deliveries/{id}", DeliveryAsync);
        pages.MapGet("/pulls", PullRequestsAsync);
        pages.MapGet("/queue", QueueAsync);
        pages.MapGet("/images", VersionsAsync);
        return endpoints;
    }

    private static async Task<IResult> DeliveriesAsync(HttpContext context, IBridgeStore store, IAntiforgery antiforgery, string? status, string? repository, long? before, CancellationToken cancellationToken)
    {
        string? notice = null;
        DeliveryStatus? wanted = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            wanted = Enum.GetValues<DeliveryStatus>().Select(s => (DeliveryStatus?)s).FirstOrDefault(s => StorageText.From(s!.Value) == status.Trim());
            notice = wanted is null ? $"There is no status \"{status}\"; showing every status." : null;
        }

        repository = string.IsNullOrWhiteSpace(repository) ? null : repository.Trim();
        if (repository is { Length: > 200 })
        {
            notice = "The repository name is too long to be one; showing every repository.";
            repository = null;
        }

        DateTimeOffset? beforeTime = before is >= 0 and <= 253402300799999 ? DateTimeOffset.FromUnixTimeMilliseconds(before.Value) : null;
        var query = new DeliveryQuery(PageSize, wanted, repository, beforeTime);
        var deliveries = await store.QueryDeliveriesAsync(query, cancellationToken);
        var rows = new List<(DeliveryRecord, IReadOnlyList<TargetOutcome>)>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            rows.Add((delivery, await store.GetTargetOutcomesAsync(delivery.Id, cancellationToken)));
        }

        return Page(DashboardPages.Deliveries(query, notice, rows, Csrf(context, antiforgery)));
    }

    private static async Task<IResult> DeliveryAsync(HttpContext context, string id, IBridgeStore store, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var delivery = await store.GetDeliveryAsync(id, cancellationToken);
        if (delivery is null)
        {
            return Page(DashboardPages.Message("Not found", $"There is no delivery \"{id}\"."), StatusCodes.Status404NotFound);
        }

        var targets = await store.GetTargetOutcomesAsync(id, cancellationToken);
        var body = await store.GetDeliveryBodyAsync(id, cancellationToken);
        return Page(DashboardPages.Delivery(delivery, targets, body, Csrf(context, antiforgery)));
    }

    private static async Task<IResult> PullRequestsAsync(HttpContext context, IBridgeStore store, IAntiforgery antiforgery, CancellationToken cancellationToken) =>
        Page(DashboardPages.PullRequests(await store.ListPullRequestsAsync("open", cancellationToken), Csrf(context, antiforgery)));

    private static async Task<IResult> QueueAsync(HttpContext context, IBridgeStore store, IAntiforgery antiforgery, TimeProvider time, CancellationToken cancellationToken)
    {
        var stats = await store.GetQueueStatsAsync(cancellationToken);
        var jobs = await store.ListJobsAsync(200, cancellationToken);
        var failed = await store.QueryDeliveriesAsync(new DeliveryQuery(20, DeliveryStatus.Failed), cancellationToken);
        return Page(DashboardPages.Queue(stats, jobs, failed, time.GetUtcNow(), Csrf(context, antiforgery)));
    }

    private static async Task<IResult> VersionsAsync(HttpContext context, IBridgeStore store, IAntiforgery antiforgery, CancellationToken cancellationToken) =>
        Page(DashboardPages.Versions(await store.ListDesiredImagesAsync(cancellationToken), Csrf(context, antiforgery)));

    private static async Task<IResult> LoginFormAsync(HttpContext context, IAntiforgery antiforgery, string? @return)
    {
        var token = await DashboardAuth.AdminTokenAsync(context);
        if (token is null)
        {
            return Page(DashboardPages.Disabled(), StatusCodes.Status403Forbidden);
        }

        return await DashboardAuth.HasSessionAsync(context, token)
            ? Results.Redirect(LocalReturn(@return))
            : Page(DashboardPages.Login(null, LocalReturn(@return), Csrf(context, antiforgery)));
    }

    private static async Task<IResult> LoginAsync(HttpContext context, IAntiforgery antiforgery, LoginThrottle throttle, ILoggerFactory loggers)
    {
        var token = await DashboardAuth.AdminTokenAsync(context);
        if (token is null)
        {
            return Page(DashboardPages.Disabled(), StatusCodes.Status403Forbidden);
        }

        var address = context.Connection.RemoteIpAddress;
        if (throttle.RetryAfter(address) is { } wait)
        {
            // Checked before the token is compared, so a guess in the blocked window tells nothing.
            context.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page(DashboardPages.Message("Too many attempts",
                $"Too many wrong tokens came from your address. Try again in {(int)wait.TotalSeconds} seconds."), StatusCodes.Status429TooManyRequests);
        }

        if (await FormAsync(context, antiforgery) is not { } form)
        {
            return Page(DashboardPages.Message("Form expired", "The form expired or did not come from this dashboard. Go back, reload and try again."), StatusCodes.Status400BadRequest);
        }

        var returnUrl = LocalReturn(form["return"].ToString());
        if (!DashboardAuth.Matches(form["token"].ToString(), token))
        {
            throttle.Failed(address);
            Log.LoginFailed(loggers.CreateLogger("GitOpsBridge.Dashboard"), address?.ToString() ?? "unknown");
            return Page(DashboardPages.Login("That is not the admin token.", returnUrl, Csrf(context, antiforgery)), StatusCodes.Status401Unauthorized);
        }

        await DashboardAuth.SignInAsync(context, token);
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (await FormAsync(context, antiforgery) is null)
        {
            return Page(DashboardPages.Message("Form expired", "The form expired or did not come from this dashboard. Go back, reload and try again."), StatusCodes.Status400BadRequest);
        }

        await DashboardAuth.SignOutAsync(context);
        return Results.Redirect("/dashboard/login");
    }

    /// <summary>The pages answer only to a session opened with the current admin token; anyone else gets the login form.</summary>
    private static async ValueTask<object?> RequireSessionAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var token = await DashboardAuth.AdminTokenAsync(context);
        if (token is null)
        {
            return Page(DashboardPages.Disabled(), StatusCodes.Status403Forbidden);
        }

        if (!await DashboardAuth.HasSessionAsync(context, token))
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            return Page(DashboardPages.Login(null, LocalReturn(context.Request.Path + context.Request.QueryString), Csrf(context, antiforgery)), StatusCodes.Status401Unauthorized);
        }

        return await next(invocation);
    }

    private static ValueTask<object?> SecurityHeadersAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var headers = invocation.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";

        // No Cache-Control here: antiforgery sets no-store on every page with a form, and warns when it has to replace ours.
        return next(invocation);
    }

    /// <summary>The posted form, or null when its antiforgery token is missing or wrong.</summary>
    private static async Task<IFormCollection?> FormAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return null;
        }

        return await context.Request.ReadFormAsync(context.RequestAborted);
    }

    private static string Csrf(HttpContext context, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(context).RequestToken ?? "";

    /// <summary>Where to go after logging in: a dashboard path, never another site (<c>//evil</c>, <c>/\evil</c>).</summary>
    internal static string LocalReturn(string? url) =>
        url is { Length: > 0 and <= 2000 } && url.StartsWith("/dashboard", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
            && !url.StartsWith("/dashboard/login", StringComparison.Ordinal) && !url.StartsWith("/dashboard/logout", StringComparison.Ordinal)
            ? url
            : "/dashboard";

    private static IResult Page(string html, int statusCode = StatusCodes.Status200OK) => Results.Content(html, HtmlType, System.Text.Encoding.UTF8, statusCode);

    private static partial class Log
    {
        [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "A dashboard login from {RemoteAddress} presented a wrong admin token")]
        public static partial void LoginFailed(ILogger logger, string remoteAddress);
    }
}
