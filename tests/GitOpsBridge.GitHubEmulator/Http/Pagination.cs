using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;

namespace GitOpsBridge.GitHubEmulator.Http;

/// <summary>
/// Page-number pagination with a <c>Link</c> header (prev, next, last, first), as GitHub does.
/// https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
/// </summary>
internal static class Pagination
{
    public const int DefaultPerPage = 30;
    public const int MaxPerPage = 100;

    public static IReadOnlyList<T> Page<T>(HttpContext context, IReadOnlyList<T> items)
    {
        var query = context.Request.Query;
        var perPage = int.TryParse(query["per_page"], CultureInfo.InvariantCulture, out var requested) && requested > 0
            ? Math.Min(requested, MaxPerPage)
            : DefaultPerPage;
        var page = int.TryParse(query["page"], CultureInfo.InvariantCulture, out var requestedPage) && requestedPage > 0 ? requestedPage : 1;
        var last = Math.Max(1, (items.Count + perPage - 1) / perPage);

        var links = new List<string>();
        if (page > 1)
        {
            links.Add($"<{PageUrl(context, Math.Min(page - 1, last))}>; rel=\"prev\"");
        }

        if (page < last)
        {
            links.Add($"<{PageUrl(context, page + 1)}>; rel=\"next\"");
            links.Add($"<{PageUrl(context, last)}>; rel=\"last\"");
        }

        if (page > 1)
        {
            links.Add($"<{PageUrl(context, 1)}>; rel=\"first\"");
        }

        if (links.Count > 0)
        {
            context.Response.Headers["Link"] = string.Join(", ", links);
        }

        return items.Skip((page - 1) * perPage).Take(perPage).ToList();
    }

    /// <summary>The same request with another <c>page</c>, under the same path base (so <c>/api/v3</c> stays).</summary>
    private static string PageUrl(HttpContext context, int page)
    {
        var request = context.Request;
        var parameters = QueryHelpers.ParseQuery(request.QueryString.Value)
            .Where(p => p.Key != "page")
            .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v)))
            .Append(KeyValuePair.Create("page", (string?)page.ToString(CultureInfo.InvariantCulture)));
        return UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, QueryString.Create(parameters));
    }
}
