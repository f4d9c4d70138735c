using System.Globalization;
using System.Text.Json;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Dashboard;

/// <summary>
/// The dashboard's pages as HTML, from what the store returned: pure functions of their arguments
/// (the clock included), so tests can render them without a server. Every value goes through
/// <see cref="Html"/>, which encodes it.
/// </summary>
internal static class DashboardPages
{
    /// <summary>Characters of a delivery's body shown on its page.</summary>
    public const int BodyPreviewLength = 4000;

    /// <summary>Bodies up to this size are shown indented when they are JSON; larger ones as received.</summary>
    private const int IndentLimit = 256 * 1024;

    private static readonly string[] Statuses = Enum.GetValues<DeliveryStatus>().Select(StorageText.From).ToArray();

    /// <summary>The navigation, the page's own body, and a logout form that carries <paramref name="csrf"/>.</summary>
    public static string Layout(string title, string active, Markup body, string? csrf)
    {
        var nav = new Html();
        foreach (var (path, label) in new[] { ("/dashboard", "Deliveries"), ("/dashboard/pulls", "Pull requests"), ("/dashboard/queue", "Queue"), ("/dashboard/images", "Versions") })
        {
            nav.Add($"<a href=\"{path}\"{(label == active ? new Markup(" class=\"active\" aria-current=\"page\"") : Markup.Empty)}>{label}</a>");
        }

        var logout = csrf is null
            ? Markup.Empty
            : Html.Of($"<form method=\"post\" action=\"/dashboard/logout\" class=\"logout\"><input type=\"hidden\" name=\"{DashboardAuth.AntiforgeryField}\" value=\"{csrf}\"><button type=\"submit\">Log out</button></form>");
        return new Html().Add($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · GitOps Bridge</title>
            <link rel="stylesheet" href="/dashboard/assets/dashboard.css">
            </head>
            <body>
            <header><span class="brand">GitOps Bridge</span><nav>{nav.ToMarkup()}</nav>{logout}</header>
            <main>
            <h1>{title}</h1>
            {body}
            </main>
            </body>
            </html>
            """).ToString();
    }

    public static string Login(string? error, string returnUrl, string csrf)
    {
        var message = error is null ? Markup.Empty : Html.Of($"<p class=\"error\" role=\"alert\">{error}</p>");
        return Layout("Log in", "", Html.Of($"""
            <form method="post" action="/dashboard/login" class="login">
            {message}
            <label for="token">Admin token</label>
            <input type="password" id="token" name="token" autocomplete="current-password" required autofocus>
            <input type="hidden" name="return" value="{returnUrl}">
            <input type="hidden" name="{DashboardAuth.AntiforgeryField}" value="{csrf}">
            <button type="submit">Log in</button>
            </form>
            <p class="hint">The token is the service's <code>Admin:Token</code> setting.</p>
            """), null);
    }

    public static string Disabled() => Layout("Dashboard disabled", "", Html.Of($"""
        <p>The dashboard is disabled because no admin token is configured. Set <code>Admin:Token</code>
        (environment variable <code>Admin__Token</code>) and restart; the dashboard then asks for that token.</p>
        """), null);

    public static string Message(string title, string text) => Layout(title, "", Html.Of($"<p>{text}</p>"), null);

    /// <summary>The deliveries list with its filter form and the link to the next page.</summary>
    public static string Deliveries(DeliveryQuery query, string? notice, IReadOnlyList<(DeliveryRecord Delivery, IReadOnlyList<TargetOutcome> Targets)> rows, string csrf)
    {
        var body = new Html();
        var options = new Html();
        options.Add($"<option value=\"\">any</option>");
        foreach (var status in Statuses)
        {
            var selected = query.Status is { } s && StorageText.From(s) == status ? new Markup(" selected") : Markup.Empty;
            options.Add($"<option value=\"{status}\"{selected}>{status}</option>");
        }

        body.Add($"""
            <form method="get" action="/dashboard" class="filter">
            <label for="status">Status</label><select id="status" name="status">{options.ToMarkup()}</select>
            <label for="repository">Repository</label><input id="repository" name="repository" placeholder="owner/name" value="{query.Repository}">
            <button type="submit">Filter</button>
            </form>
            """);
        if (notice is not null)
        {
            body.Add($"<p class=\"notice\">{notice}</p>");
        }

        if (rows.Count == 0)
        {
            body.Add($"<p class=\"empty\">No deliveries match.</p>");
            return Layout("Deliveries", "Deliveries", body.ToMarkup(), csrf);
        }

        body.Add($"<table class=\"deliveries\"><thead><tr><th>Received</th><th>Delivery</th><th>Source</th><th>Event</th><th>Outcome</th><th>Reason</th><th>Targets</th></tr></thead><tbody>");
        foreach (var (d, targets) in rows)
        {
            var targetList = new Html();
            foreach (var t in targets)
            {
                targetList.Add($"<li>{t.Repository} {t.Environment}: {Status(t.Status)}</li>");
            }

            body.Add($"""
                <tr><td>{Time(d.ReceivedAt)}</td><td><a href="/dashboard/deliveries/{Uri.EscapeDataString(d.Id)}">{d.Id}</a></td><td>{d.Source}</td><td>{d.Event}</td><td>{Status(d.Status)}</td><td class="reason">{d.Reason}</td><td><ul>{targetList.ToMarkup()}</ul></td></tr>
                """);
        }

        body.Add($"</tbody></table>");
        if (rows.Count == query.Limit)
        {
            body.Add($"<p class=\"more\"><a href=\"{DeliveriesUrl(query with { Before = rows[^1].Delivery.ReceivedAt })}\">Older deliveries</a></p>");
        }

        return Layout("Deliveries", "Deliveries", body.ToMarkup(), csrf);
    }

    /// <summary>One delivery: its record, its outcome per target, and the start of its body (never its headers).</summary>
    public static string Delivery(DeliveryRecord d, IReadOnlyList<TargetOutcome> targets, string? body, string csrf)
    {
        var page = new Html();
        page.Add($"""
            <dl class="delivery">
            <dt>Id</dt><dd>{d.Id}</dd>
            <dt>Source</dt><dd>{d.Source}</dd>
            <dt>Event</dt><dd>{d.Event}</dd>
            <dt>Received</dt><dd>{Time(d.ReceivedAt)}</dd>
            <dt>Outcome</dt><dd>{Status(d.Status)}</dd>
            <dt>Reason code</dt><dd>{d.ReasonCode ?? "—"}</dd>
            <dt>Reason</dt><dd class="reason">{d.Reason ?? "—"}</dd>
            <dt>Installation</dt><dd>{d.InstallationId?.ToString(CultureInfo.InvariantCulture) ?? "—"}</dd>
            <dt>Trace id</dt><dd><code class="trace">{d.TraceId ?? "—"}</code></dd>
            </dl>
            <h2>Targets</h2>
            """);
        if (targets.Count == 0)
        {
            page.Add($"<p class=\"empty\">No target was affected.</p>");
        }
        else
        {
            page.Add($"<table class=\"targets\"><thead><tr><th>Repository</th><th>Environment</th><th>Outcome</th><th>Code</th><th>Reason</th><th>Pull request</th></tr></thead><tbody>");
            foreach (var t in targets)
            {
                page.Add($"<tr><td>{t.Repository}</td><td>{t.Environment}</td><td>{Status(t.Status)}</td><td>{t.ReasonCode}</td><td class=\"reason\">{t.Reason}</td><td>{PullRequestLink(t.PullRequestNumber, t.PullRequestUrl, t.PullRequestAction)}</td></tr>");
            }

            page.Add($"</tbody></table>");
        }

        page.Add($"<h2>Body</h2>");
        if (string.IsNullOrEmpty(body))
        {
            page.Add($"<p class=\"empty\">No body was stored.</p>");
        }
        else
        {
            var (preview, more) = Preview(body);
            page.Add($"<pre class=\"body\">{preview}</pre>");
            if (more > 0)
            {
                page.Add($"<p class=\"hint\">{more} more characters not shown.</p>");
            }
        }

        return Layout("Delivery " + d.Id, "Deliveries", page.ToMarkup(), csrf);
    }

    public static string PullRequests(IReadOnlyList<PullRequestRecord> open, string csrf)
    {
        var page = new Html();
        if (open.Count == 0)
        {
            page.Add($"<p class=\"empty\">The bridge has no open pull request.</p>");
        }

        foreach (var repository in open.GroupBy(p => p.Target.Repository, StringComparer.Ordinal))
        {
            page.Add($"<h2>{repository.Key}</h2><table class=\"pulls\"><thead><tr><th>Environment</th><th>Base</th><th>Pull request</th><th>Branch</th><th>Updated</th></tr></thead><tbody>");
            foreach (var pr in repository)
            {
                page.Add($"<tr><td>{pr.Target.Environment}</td><td>{pr.Target.BaseBranch}</td><td>{PullRequestLink(pr.Number, pr.Url, null)}</td><td>{pr.HeadBranch}</td><td>{Time(pr.UpdatedAt)}</td></tr>");
            }

            page.Add($"</tbody></table>");
        }

        return Layout("Open pull requests", "Pull requests", page.ToMarkup(), csrf);
    }

    public static string Queue(QueueStats stats, IReadOnlyList<Job> jobs, IReadOnlyList<DeliveryRecord> failed, DateTimeOffset now, string csrf)
    {
        var page = new Html();
        page.Add($"""
            <dl class="stats">
            <div><dt>Pending</dt><dd id="queue-pending">{stats.Pending - stats.Retrying}</dd></div>
            <div><dt>Leased</dt><dd id="queue-leased">{stats.Leased}</dd></div>
            <div><dt>Retrying</dt><dd id="queue-retrying">{stats.Retrying}</dd></div>
            <div><dt>Oldest due</dt><dd id="queue-oldest">{Age(stats.OldestDueAge)}</dd></div>
            </dl>
            <h2>Last errors</h2>
            """);
        var errors = jobs.Where(j => j.LastError is not null).ToList();
        if (errors.Count == 0 && failed.Count == 0)
        {
            page.Add($"<p class=\"empty\">No errors.</p>");
        }

        if (errors.Count > 0)
        {
            page.Add($"<table class=\"errors\"><thead><tr><th>Job</th><th>Kind</th><th>Key</th><th>Attempt</th><th>Next try</th><th>Error</th></tr></thead><tbody>");
            foreach (var j in errors)
            {
                page.Add($"<tr><td>{j.Id}</td><td>{Kind(j.Kind)}</td><td>{j.Key}</td><td>{j.Attempt}</td><td>{Due(j.NotBefore, now)}</td><td class=\"reason\">{j.LastError}</td></tr>");
            }

            page.Add($"</tbody></table>");
        }

        if (failed.Count > 0)
        {
            page.Add($"<h3>Failed deliveries</h3><table class=\"failed\"><thead><tr><th>Received</th><th>Delivery</th><th>Event</th><th>Reason</th></tr></thead><tbody>");
            foreach (var d in failed)
            {
                page.Add($"<tr><td>{Time(d.ReceivedAt)}</td><td><a href=\"/dashboard/deliveries/{Uri.EscapeDataString(d.Id)}\">{d.Id}</a></td><td>{d.Event}</td><td class=\"reason\">{d.Reason}</td></tr>");
            }

            page.Add($"</tbody></table>");
        }

        page.Add($"<h2>Jobs</h2>");
        if (jobs.Count == 0)
        {
            page.Add($"<p class=\"empty\">The queue is empty.</p>");
        }
        else
        {
            page.Add($"<table class=\"jobs\"><thead><tr><th>Job</th><th>Kind</th><th>Key</th><th>Lock</th><th>Attempts</th><th>Due</th></tr></thead><tbody>");
            foreach (var j in jobs)
            {
                page.Add($"<tr><td>{j.Id}</td><td>{Kind(j.Kind)}</td><td>{j.Key}</td><td>{j.LockKey}</td><td>{j.Attempt}</td><td>{Due(j.NotBefore, now)}</td></tr>");
            }

            page.Add($"</tbody></table>");
        }

        return Layout("Queue", "Queue", page.ToMarkup(), csrf);
    }

    /// <summary>What version of each image each environment should run: one row per image, one column per environment.</summary>
    public static string Versions(IReadOnlyList<TargetImage> desired, string csrf)
    {
        var page = new Html();
        if (desired.Count == 0)
        {
            page.Add($"<p class=\"empty\">No desired state yet: it is recorded when a tracked image is published.</p>");
            return Layout("What version is where", "Versions", page.ToMarkup(), csrf);
        }

        var environments = desired.Select(d => d.Target.Environment).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var header = new Html();
        foreach (var env in environments)
        {
            header.Add($"<th>{env}</th>");
        }

        page.Add($"<table class=\"versions\"><thead><tr><th>Image</th>{header.ToMarkup()}</tr></thead><tbody>");
        foreach (var image in desired.GroupBy(d => d.Image.ImageName, StringComparer.Ordinal))
        {
            var cells = new Html();
            foreach (var env in environments)
            {
                var here = image.Where(d => d.Target.Environment == env).ToList();
                var cell = new Html();
                foreach (var d in here)
                {
                    var version = d.Image.Tag ?? ShortDigest(d.Image.Digest);
                    cell.Add($"<div><span class=\"version\" title=\"{d.Image.Digest}\">{version}</span> <span class=\"where\">{d.Target.Repository}</span></div>");
                }

                cells.Add($"<td>{(here.Count == 0 ? Html.Of($"<span class=\"none\">—</span>") : cell.ToMarkup())}</td>");
            }

            page.Add($"<tr><th scope=\"row\">{image.Key}</th>{cells.ToMarkup()}</tr>");
        }

        page.Add($"</tbody></table>");
        return Layout("What version is where", "Versions", page.ToMarkup(), csrf);
    }

    /// <summary>The address of a deliveries page with this filter (the limit is the page's own).</summary>
    public static string DeliveriesUrl(DeliveryQuery query)
    {
        var parts = new List<string>();
        if (query.Status is { } status)
        {
            parts.Add("status=" + StorageText.From(status));
        }

        if (!string.IsNullOrEmpty(query.Repository))
        {
            parts.Add("repository=" + Uri.EscapeDataString(query.Repository));
        }

        if (query.Before is { } before)
        {
            parts.Add("before=" + before.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }

        return parts.Count == 0 ? "/dashboard" : "/dashboard?" + string.Join('&', parts);
    }

    /// <summary>The start of a body, indented when it is JSON of a reasonable size, and how many characters are left out.</summary>
    internal static (string Preview, int More) Preview(string body)
    {
        var text = body;
        if (body.Length <= IndentLimit)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                text = JsonSerializer.Serialize(json.RootElement, IndentedJson);
            }
            catch (JsonException)
            {
                // Not JSON: shown as received.
            }
        }

        return text.Length <= BodyPreviewLength ? (text, 0) : (text[..BodyPreviewLength], text.Length - BodyPreviewLength);
    }

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static Markup Status(DeliveryStatus status)
    {
        var text = StorageText.From(status);
        return Html.Of($"<span class=\"status status-{text}\">{text}</span>");
    }

    private static Markup PullRequestLink(int? number, string? url, string? action)
    {
        if (number is not { } n)
        {
            return Markup.Empty;
        }

        var label = action is null ? $"#{n}" : $"#{n} {action}";

        // Only web addresses become links: a stored javascript: URL must not be clickable.
        return url is not null && (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ? Html.Of($"<a href=\"{url}\" rel=\"noreferrer\">{label}</a>")
            : Html.Of($"{label}");
    }

    private static string Kind(JobKind kind) => StorageText.From(kind);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Due(DateTimeOffset notBefore, DateTimeOffset now) => notBefore <= now ? "due" : "in " + Age(notBefore - now);

    private static string Age(TimeSpan age) => age.TotalSeconds switch
    {
        < 1 => "0 s",
        < 120 => $"{(int)age.TotalSeconds} s",
        < 7200 => $"{(int)age.TotalMinutes} min",
        _ => $"{age.TotalHours:0.#} h",
    };

    private static string ShortDigest(string? digest) => digest is null ? "?" : digest.Length > 19 ? digest[..19] + "…" : digest;
}
