using System.Globalization;
using System.Net;
using Octokit;

namespace GitOpsBridge.GitHub;

/// <summary>Turns Octokit's exceptions into ours, with messages that carry no credentials.</summary>
internal static class GitHubFailures
{
    /// <summary>
    /// True for any rate limit: 429, or 403 with <c>Retry-After</c>, with <c>x-ratelimit-remaining: 0</c>
    /// or with "rate limit" in GitHub's message (a secondary limit may come without headers).
    /// </summary>
    public static bool IsRateLimit(ApiException exception)
    {
        var status = (int)exception.StatusCode;
        if (status == 429)
        {
            return true;
        }

        if (status != 403)
        {
            return false;
        }

        var headers = exception.HttpResponse?.Headers;
        return (headers is not null && (RateLimitHeaders.Find(headers, "Retry-After") is not null || RateLimitHeaders.Find(headers, "x-ratelimit-remaining") == "0"))
            || exception.Message.Contains("rate limit", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A rate limit becomes <see cref="GitHubRateLimitedException"/>, anything else <see cref="GitHubApiException"/>.</summary>
    public static Exception Translate(ApiException exception, string method, string path, TimeSpan retryAfter) =>
        IsRateLimit(exception)
            ? new GitHubRateLimitedException(retryAfter, $"{Describe(exception, method, path)} Retry after {retryAfter.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s.")
            : new GitHubApiException((int)exception.StatusCode, Describe(exception, method, path), exception);

    public static GitHubApiException Unreachable(Exception exception, string method, string path) =>
        new(0, $"GitHub could not be reached for {method} {path}: {exception.Message}", exception);

    /// <summary>"GitHub answered 422 to POST repos/o/r/pulls: Validation Failed (A pull request already exists for o:b.)."</summary>
    public static string Describe(ApiException exception, string method, string path)
    {
        var status = (int)exception.StatusCode;
        var text = exception.ApiError?.Message is { Length: > 0 } apiMessage ? apiMessage : exception.Message;
        var details = exception.ApiError?.Errors?
            .Select(e => e.Message ?? string.Join(' ', new[] { e.Resource, e.Field, e.Code }.Where(s => !string.IsNullOrEmpty(s))))
            .Where(s => !string.IsNullOrEmpty(s))
            .ToList() ?? [];
        var reason = Enum.IsDefined((HttpStatusCode)status) ? $" {(HttpStatusCode)status}" : string.Empty;
        return details.Count > 0
            ? $"GitHub answered {status}{reason} to {method} {path}: {text} ({string.Join("; ", details)})."
            : $"GitHub answered {status}{reason} to {method} {path}: {text}.";
    }

    /// <summary>The messages of GitHub's validation errors (422), for matching "already exists".</summary>
    public static IEnumerable<string> ErrorMessages(ApiException exception) =>
        (exception.ApiError?.Errors?.Select(e => e.Message) ?? []).Append(exception.ApiError?.Message).OfType<string>();
}
