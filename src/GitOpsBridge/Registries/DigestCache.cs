using System.Collections.Concurrent;

namespace GitOpsBridge.Registries;

/// <summary>
/// Remembers found tag → digest answers for a short time, so a burst of events for one image
/// asks the registry once. Expired entries are dropped when read, and swept when the cache grows.
/// </summary>
/// <param name="time">The clock that ages entries.</param>
/// <param name="duration">How long an answer is reused; zero turns the cache off.</param>
internal sealed class DigestCache(TimeProvider time, TimeSpan duration)
{
    private const int SweepThreshold = 4096;
    private readonly ConcurrentDictionary<string, (string Digest, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    /// <summary>The cached digest for <paramref name="key"/>, if one is still fresh.</summary>
    public bool TryGet(string key, out string digest)
    {
        digest = string.Empty;
        if (!_entries.TryGetValue(key, out var entry))
        {
            return false;
        }

        if (entry.Expires <= time.GetUtcNow())
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry));
            return false;
        }

        digest = entry.Digest;
        return true;
    }

    /// <summary>Remembers <paramref name="digest"/> for <paramref name="key"/>.</summary>
    public void Set(string key, string digest)
    {
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_entries.Count >= SweepThreshold)
        {
            foreach (var (staleKey, entry) in _entries)
            {
                if (entry.Expires <= now)
                {
                    _entries.TryRemove(KeyValuePair.Create(staleKey, entry));
                }
            }
        }

        _entries[key] = (digest, now + duration);
    }
}
