using System.Diagnostics;

namespace GitOpsBridge.GitHubEmulator;

/// <summary>
/// One request that wrote to a repository: a git push (<c>git-receive-pack</c>) or a REST call
/// other than GET under <c>/repos/{owner}/{repo}</c> (pull requests, labels, comments, refs).
/// </summary>
/// <param name="Repository"><c>owner/name</c> as the emulator hosts it.</param>
/// <param name="Route">The route key (see <see cref="GitHubRoutes"/>).</param>
/// <param name="Client">
/// Who wrote: <c>token:</c> and the first 12 hex digits of the SHA-256 of the installation token that
/// authenticated the request. Each process of the bridge mints its own installation tokens, so two
/// processes never share a client; the token itself is never kept.
/// </param>
/// <param name="UserAgent">The request's <c>User-Agent</c>, for messages.</param>
/// <param name="Started">When the emulator began to serve it, on the emulator's monotonic clock.</param>
/// <param name="Ended">When it had answered (for a push: after the refs were updated).</param>
/// <param name="StatusCode">The answer's status.</param>
public sealed record EmulatedWrite(string Repository, string Route, string Client, string? UserAgent, TimeSpan Started, TimeSpan Ended, int StatusCode)
{
    /// <summary>Whether the two were being served at the same time.</summary>
    public bool Overlaps(EmulatedWrite other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Started < other.Ended && other.Started < Ended;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Route} on {Repository} by {Client} ({UserAgent}) {Started.TotalMilliseconds:F1}–{Ended.TotalMilliseconds:F1} ms → {StatusCode}";
}

/// <summary>
/// Every write to every repository with its time interval and client, so a test can prove that two
/// writers (two replicas of the bridge) never wrote one repository at the same time.
/// </summary>
public sealed class WriteLog
{
    private readonly Lock _sync = new();
    private readonly List<EmulatedWrite> _writes = [];
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <summary>Every write so far, in the order they ended.</summary>
    public IReadOnlyList<EmulatedWrite> All
    {
        get
        {
            lock (_sync)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>The writes to one repository, in the order they ended.</summary>
    public IReadOnlyList<EmulatedWrite> For(string owner, string name) =>
        All.Where(w => string.Equals(w.Repository, $"{owner}/{name}", StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>Pairs of writes to one repository by different clients whose intervals overlap; empty when every repository had one writer at a time.</summary>
    public IReadOnlyList<(EmulatedWrite First, EmulatedWrite Second)> ConcurrentWritesByDifferentClients()
    {
        var overlaps = new List<(EmulatedWrite, EmulatedWrite)>();
        foreach (var repository in All.GroupBy(w => w.Repository, StringComparer.OrdinalIgnoreCase))
        {
            var writes = repository.OrderBy(w => w.Started).ToList();
            for (var i = 0; i < writes.Count; i++)
            {
                // Sorted by start: only the writes that start before this one ends can overlap it.
                for (var j = i + 1; j < writes.Count && writes[j].Started < writes[i].Ended; j++)
                {
                    if (!string.Equals(writes[i].Client, writes[j].Client, StringComparison.Ordinal))
                    {
                        overlaps.Add((writes[i], writes[j]));
                    }
                }
            }
        }

        return overlaps;
    }

    /// <summary>Forgets every write (a new scenario).</summary>
    public void Clear()
    {
        lock (_sync)
        {
            _writes.Clear();
        }
    }

    internal TimeSpan Elapsed => Stopwatch.GetElapsedTime(_origin);

    internal void Add(EmulatedWrite write)
    {
        lock (_sync)
        {
            _writes.Add(write);
        }
    }
}
