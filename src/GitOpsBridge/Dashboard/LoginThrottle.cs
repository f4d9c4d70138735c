using System.Collections.Concurrent;
using System.Net;

namespace GitOpsBridge.Dashboard;

/// <summary>
/// Slows down guessing the admin token: after <see cref="MaxFailures"/> wrong tokens from one
/// address within <see cref="Window"/>, that address's logins are refused with 429 until the
/// window of its oldest failure has passed. Only failures count, so a person who types the token
/// right is never throttled by their own successful logins; other addresses are unaffected.
/// </summary>
/// <param name="time">The clock the window is measured on.</param>
internal sealed class LoginThrottle(TimeProvider time)
{
    /// <summary>Wrong tokens allowed from one address within <see cref="Window"/>.</summary>
    public const int MaxFailures = 5;

    /// <summary>How long a wrong token counts against its address.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Addresses kept at most; beyond it the map is cleared of expired entries, then of all (a flood of addresses must not grow memory).</summary>
    private const int MaxAddresses = 10_000;

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>How long the address must wait before it may try again; <see langword="null"/> when it may try now.</summary>
    /// <param name="address">The client's address.</param>
    /// <returns>The wait, rounded up to whole seconds.</returns>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (!_failures.TryGetValue(Key(address), out var failures))
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (failures)
        {
            Expire(failures, now);
            if (failures.Count < MaxFailures)
            {
                return null;
            }

            var wait = failures.Peek() + Window - now;
            return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds)));
        }
    }

    /// <summary>Counts a wrong token from <paramref name="address"/>.</summary>
    /// <param name="address">The client's address.</param>
    public void Failed(IPAddress? address)
    {
        if (_failures.Count >= MaxAddresses)
        {
            Prune();
        }

        var failures = _failures.GetOrAdd(Key(address), _ => new Queue<DateTimeOffset>());
        var now = time.GetUtcNow();
        lock (failures)
        {
            Expire(failures, now);
            failures.Enqueue(now);
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (key, failures) in _failures)
        {
            lock (failures)
            {
                Expire(failures, now);
                if (failures.Count == 0)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }

        if (_failures.Count >= MaxAddresses)
        {
            _failures.Clear();
        }
    }

    private static void Expire(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && failures.Peek() + Window <= now)
        {
            failures.Dequeue();
        }
    }

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";
}
