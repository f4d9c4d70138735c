using System.Collections.Concurrent;

namespace GitOpsBridge.GitHubEmulator;

/// <summary>
/// Counts requests per route, keyed like the fault queue: <c>"POST /repos/{owner}/{repo}/pulls"</c>
/// (see <see cref="GitHubRoutes"/>). REST calls and git smart HTTP requests are counted apart.
/// </summary>
public sealed class CallCounter
{
    private readonly ConcurrentDictionary<string, int> _byRoute = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>Requests counted since the last <see cref="Reset"/>.</summary>
    public int Total => Volatile.Read(ref _total);

    /// <summary>Counts per route key.</summary>
    public IReadOnlyDictionary<string, int> ByRoute => new Dictionary<string, int>(_byRoute, StringComparer.Ordinal);

    /// <summary>Count for one route key; 0 when never called.</summary>
    public int this[string route] => _byRoute.TryGetValue(route, out var count) ? count : 0;

    /// <summary>Starts a new scenario: every count back to 0.</summary>
    public void Reset()
    {
        _byRoute.Clear();
        Interlocked.Exchange(ref _total, 0);
    }

    internal void Count(string route)
    {
        _byRoute.AddOrUpdate(route, 1, static (_, count) => count + 1);
        Interlocked.Increment(ref _total);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Total} call(s): " + string.Join(", ", _byRoute.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} x{p.Value}"));
}
