using System.Collections.Concurrent;

namespace GitOpsBridge.Secrets;

/// <summary>
/// Values of a remote secret source, each kept for <paramref name="refreshInterval"/> and then
/// fetched again, so a rotated secret is picked up without a restart. A miss (null) is cached too.
/// When a refresh fails, the value held so far is kept for another interval: a Key Vault or
/// database outage must not stop a service that already knows its secrets.
/// </summary>
internal sealed class SecretCache(TimeProvider time, TimeSpan refreshInterval)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async ValueTask<string?> GetAsync(string name, Func<string, CancellationToken, Task<string?>> fetch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var held = _entries.TryGetValue(name, out var entry);
        if (held && now - entry!.FetchedAt < refreshInterval)
        {
            return entry.Value;
        }

        try
        {
            var value = await fetch(name, cancellationToken).ConfigureAwait(false);
            _entries[name] = new Entry(value, now);
            return value;
        }
        catch (SecretSourceException) when (held && entry!.Value is not null)
        {
            _entries[name] = entry with { FetchedAt = now };
            return entry.Value;
        }
    }

    /// <summary>Records a value this process has just written, so it is used at once.</summary>
    public void Set(string name, string value) => _entries[name] = new Entry(value, time.GetUtcNow());

    private sealed record Entry(string? Value, DateTimeOffset FetchedAt);
}
