using System.Diagnostics;
using OpenTelemetry;

namespace GitOpsBridge.Telemetry;

/// <summary>
/// Keeps query strings out of every exported span. Registry sources authenticate with
/// <c>?token=</c>, so a query is a secret until proven otherwise: <c>url.query</c> is dropped and
/// the query part of <c>url.full</c>, <c>http.url</c> and <c>http.target</c> is cut, whatever the
/// instrumentation's own redaction did. Runs at the end of each span, before the exporters.
/// </summary>
internal sealed class QueryRedactionProcessor : BaseProcessor<Activity>
{
    private static readonly string[] UrlTags = ["url.full", "http.url", "http.target"];

    public override void OnEnd(Activity data) => Redact(data);

    /// <summary>Removes the query from the span's URL tags (also used by the instrumentations' enrich callbacks).</summary>
    public static void Redact(Activity activity)
    {
        if (activity.GetTagItem("url.query") is not null)
        {
            activity.SetTag("url.query", null);
        }

        foreach (var tag in UrlTags)
        {
            if (activity.GetTagItem(tag) is string url && WithoutQuery(url) is { } cut)
            {
                activity.SetTag(tag, cut);
            }
        }
    }

    /// <summary>The URL without its query and fragment, or null when it has neither.</summary>
    internal static string? WithoutQuery(string url)
    {
        var end = url.IndexOfAny(['?', '#']);
        return end < 0 ? null : url[..end];
    }
}
