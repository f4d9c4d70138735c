using System.Collections.Concurrent;

namespace GitOpsBridge.GitHub;

/// <summary>
/// One rate-limit budget per installation (and one for the App's own JWT calls, under
/// <see cref="AppKey"/>), fed by the headers of every response. It knows three limits:
/// <list type="bullet">
/// <item>the primary hourly budget: once <c>x-ratelimit-remaining</c> is 0, wait until <c>x-ratelimit-reset</c>;</item>
/// <item>secondary limits: a 403 or 429 with <c>Retry-After</c> blocks for that long (a 429 without it for a minute);</item>
/// <item>content creation (POST, PATCH, PUT, DELETE): at most 80 a minute and 500 an hour. A sliding
/// window, not a fixed spacing, so the first writes of a burst (the PR itself) are not delayed.</item>
/// </list>
/// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
/// </summary>
/// <param name="time">The clock for resets, blocks and windows, and for <see cref="WaitAsync"/>.</param>
public sealed class RateLimitBudget(TimeProvider time)
{
    /// <summary>The budget key of calls made as the App itself (JWT): installation ids start at 1.</summary>
    public const long AppKey = 0;

    /// <summary>Content-creating requests allowed in any minute.</summary>
    public const int ContentCreatingPerMinute = 80;

    /// <summary>Content-creating requests allowed in any hour.</summary>
    public const int ContentCreatingPerHour = 500;

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<long, State> _states = new();

    /// <summary>Takes what a response says about the budget: remaining calls, reset time, and any secondary limit.</summary>
    /// <param name="installationId">The installation the call was made for, or <see cref="AppKey"/>.</param>
    /// <param name="statusCode">The response status.</param>
    /// <param name="headers">The response headers (names matched ignoring case).</param>
    public void Observe(long installationId, int statusCode, IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var now = time.GetUtcNow();
        var remaining = RateLimitHeaders.Remaining(headers);
        var reset = RateLimitHeaders.Reset(headers);
        var retryAfter = RateLimitHeaders.RetryAfter(headers, now);
        var state = StateOf(installationId);
        lock (state.Sync)
        {
            if (remaining is not null)
            {
                state.Remaining = remaining;
            }

            if (reset is not null)
            {
                state.Reset = reset;
            }

            if (statusCode is not (403 or 429))
            {
                return;
            }

            if (retryAfter is { } wait)
            {
                state.BlockUntil(now + wait);
            }
            else if (remaining == 0 && reset is { } resetAt)
            {
                state.BlockUntil(resetAt);
            }
            else if (statusCode == 429)
            {
                state.BlockUntil(now + RateLimitHeaders.SecondaryLimitFallback);
            }
        }
    }

    /// <summary>How long the next call must wait (zero when it may go now).</summary>
    /// <param name="installationId">The installation, or <see cref="AppKey"/>.</param>
    /// <param name="contentCreating">True for POST, PATCH, PUT and DELETE, which also count against the content-creation pace.</param>
    public TimeSpan DelayFor(long installationId, bool contentCreating)
    {
        var state = StateOf(installationId);
        lock (state.Sync)
        {
            return state.DelayFor(time.GetUtcNow(), contentCreating);
        }
    }

    /// <summary>
    /// Waits (on the <see cref="TimeProvider"/>) until the call may go, then takes its place: a
    /// content-creating call is counted in the pace windows, and the remaining budget is spent by one
    /// until the next response says otherwise.
    /// </summary>
    public async ValueTask WaitAsync(long installationId, bool contentCreating, CancellationToken cancellationToken = default)
    {
        var state = StateOf(installationId);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan delay;
            lock (state.Sync)
            {
                var now = time.GetUtcNow();
                delay = state.DelayFor(now, contentCreating);
                if (delay <= TimeSpan.Zero)
                {
                    state.Take(now, contentCreating);
                    return;
                }
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The last <c>x-ratelimit-remaining</c> seen, less the calls let through since; null before any response.</summary>
    public int? Remaining(long installationId)
    {
        var state = StateOf(installationId);
        lock (state.Sync)
        {
            return state.Remaining;
        }
    }

    /// <summary>
    /// <see cref="Remaining"/> of every installation (and <see cref="AppKey"/>) for which a response
    /// has said it, for the rate-limit gauge.
    /// </summary>
    public IReadOnlyDictionary<long, int> RemainingByInstallation()
    {
        var remaining = new Dictionary<long, int>();
        foreach (var (installationId, state) in _states)
        {
            lock (state.Sync)
            {
                if (state.Remaining is { } left)
                {
                    remaining[installationId] = left;
                }
            }
        }

        return remaining;
    }

    /// <summary>Blocks calls for a while: a secondary limit that named no time (GitHub: wait at least a minute).</summary>
    internal void BackOff(long installationId, TimeSpan duration)
    {
        var state = StateOf(installationId);
        lock (state.Sync)
        {
            state.BlockUntil(time.GetUtcNow() + duration);
        }
    }

    private State StateOf(long installationId) => _states.GetOrAdd(installationId, static _ => new State());

    private sealed class State
    {
        private readonly Queue<DateTimeOffset> _contentCalls = new();
        private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;

        public Lock Sync { get; } = new();

        public int? Remaining { get; set; }

        public DateTimeOffset? Reset { get; set; }

        public void BlockUntil(DateTimeOffset until)
        {
            if (until > _blockedUntil)
            {
                _blockedUntil = until;
            }
        }

        public TimeSpan DelayFor(DateTimeOffset now, bool contentCreating)
        {
            var until = _blockedUntil;
            if (Remaining <= 0 && Reset is { } reset && reset > until)
            {
                until = reset;
            }

            if (contentCreating)
            {
                Forget(now);
                var calls = _contentCalls.Count;
                if (calls >= ContentCreatingPerHour)
                {
                    until = Later(until, _contentCalls.ElementAt(calls - ContentCreatingPerHour) + Hour);
                }

                if (calls >= ContentCreatingPerMinute)
                {
                    until = Later(until, _contentCalls.ElementAt(calls - ContentCreatingPerMinute) + Minute);
                }
            }

            return until > now ? until - now : TimeSpan.Zero;
        }

        public void Take(DateTimeOffset now, bool contentCreating)
        {
            if (Remaining > 0)
            {
                Remaining--;
            }

            if (contentCreating)
            {
                _contentCalls.Enqueue(now);
            }
        }

        private void Forget(DateTimeOffset now)
        {
            while (_contentCalls.Count > 0 && _contentCalls.Peek() <= now - Hour)
            {
                _contentCalls.Dequeue();
            }
        }

        private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    }
}
