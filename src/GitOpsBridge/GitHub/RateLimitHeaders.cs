using System.Globalization;
using Octokit;

namespace GitOpsBridge.GitHub;

/// <summary>
/// Reads GitHub's rate-limit headers. Header names are matched ignoring case, as HTTP requires.
/// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit
/// </summary>
internal static class RateLimitHeaders
{
    /// <summary>GitHub's advice when a secondary limit names no time: wait at least a minute.</summary>
    public static readonly TimeSpan SecondaryLimitFallback = TimeSpan.FromMinutes(1);

    public static string? Find(IReadOnlyDictionary<string, string> headers, string name)
    {
        if (headers.TryGetValue(name, out var value))
        {
            return value;
        }

        foreach (var (key, candidate) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return null;
    }

    public static int? Remaining(IReadOnlyDictionary<string, string> headers) =>
        int.TryParse(Find(headers, "x-ratelimit-remaining"), NumberStyles.None, CultureInfo.InvariantCulture, out var remaining) ? remaining : null;

    public static DateTimeOffset? Reset(IReadOnlyDictionary<string, string> headers) =>
        long.TryParse(Find(headers, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <summary><c>Retry-After</c> as delay-seconds or an HTTP date (RFC 9110 §10.2.3).</summary>
    public static TimeSpan? RetryAfter(IReadOnlyDictionary<string, string> headers, DateTimeOffset now)
    {
        var value = Find(headers, "Retry-After")?.Trim();
        if (value is null)
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date > now ? date - now : TimeSpan.Zero)
            : null;
    }

    /// <summary>
    /// The wait a limited response asks for, in GitHub's order: <c>Retry-After</c>; else the reset time
    /// when nothing remains; else a minute.
    /// https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately
    /// </summary>
    public static TimeSpan RetryAfter(ApiException exception, DateTimeOffset now)
    {
        var headers = exception.HttpResponse?.Headers;
        if (headers is null)
        {
            return SecondaryLimitFallback;
        }

        if (RetryAfter(headers, now) is { } retryAfter)
        {
            return retryAfter;
        }

        return Remaining(headers) == 0 && Reset(headers) is { } reset && reset > now ? reset - now : SecondaryLimitFallback;
    }
}
