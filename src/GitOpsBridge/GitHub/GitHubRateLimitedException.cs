namespace GitOpsBridge.GitHub;

/// <summary>
/// A call hit (or would hit) one of GitHub's rate limits: the primary hourly budget, a secondary
/// limit (403 or 429) or the content-creation pace. The worker reschedules the job after
/// <see cref="RetryAfter"/>.
/// https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately
/// </summary>
/// <param name="retryAfter">How long to wait before trying again.</param>
/// <param name="message">What was limited.</param>
public sealed class GitHubRateLimitedException(TimeSpan retryAfter, string message) : Exception(message)
{
    /// <summary>How long to wait before trying again (from <c>Retry-After</c>, <c>x-ratelimit-reset</c> or the pace).</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
