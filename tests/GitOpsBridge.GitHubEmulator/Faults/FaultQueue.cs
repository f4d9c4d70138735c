namespace GitOpsBridge.GitHubEmulator;

/// <summary>
/// Faults waiting for their route. Each is consumed by the next matching request, once or the
/// number of times it was queued for, in the order queued; faults for a specific route are taken
/// before faults for <see cref="GitHubRoutes.Any"/>.
/// </summary>
public sealed class FaultQueue
{
    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];
    private readonly IReadOnlySet<string> _routes;

    internal FaultQueue(IReadOnlySet<string> routes) => _routes = routes;

    /// <summary>Faults not yet used up.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _entries.Sum(e => e.Remaining);
            }
        }
    }

    /// <summary>Queues a fault for a route key from <see cref="GitHubRoutes"/> (or <see cref="GitHubRoutes.Any"/>).</summary>
    /// <exception cref="ArgumentException">The route is not one the emulator serves.</exception>
    public void Enqueue(string route, Fault fault, int times = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        if (route != GitHubRoutes.Any && !_routes.Contains(route))
        {
            throw new ArgumentException($"The emulator serves no route '{route}'. Use a key from {nameof(GitHubRoutes)}.", nameof(route));
        }

        if (fault.Kind == FaultKind.MoveBranchAfterFetch && route != GitHubRoutes.GitUploadPack)
        {
            throw new ArgumentException($"{nameof(FaultKind.MoveBranchAfterFetch)} belongs on {GitHubRoutes.GitUploadPack}.", nameof(route));
        }

        if (fault.Kind == FaultKind.MoveBranchBeforePush && route != GitHubRoutes.GitInfoRefs)
        {
            throw new ArgumentException($"{nameof(FaultKind.MoveBranchBeforePush)} belongs on {GitHubRoutes.GitInfoRefs}.", nameof(route));
        }

        lock (_lock)
        {
            _entries.Add(new Entry(route, fault) { Remaining = times });
        }
    }

    /// <summary>
    /// Makes <paramref name="branch"/> move right after the next fetch of the repository: the race a
    /// client meets when the base branch changes between its fetch and its push.
    /// </summary>
    public void MoveBranchAfterNextFetch(string owner, string repository, string branch, IReadOnlyDictionary<string, string?> files) =>
        Enqueue(GitHubRoutes.GitUploadPack, Fault.MoveBranchAfterFetch(owner, repository, branch, files));

    /// <summary>
    /// Makes <paramref name="branch"/> move when the next push to the repository starts, before its
    /// advertisement: the race a client meets when another writer pushes between its fetch and its
    /// push, at a point a test can count on.
    /// </summary>
    public void MoveBranchBeforeNextPush(string owner, string repository, string branch, IReadOnlyDictionary<string, string?> files) =>
        Enqueue(GitHubRoutes.GitInfoRefs, Fault.MoveBranchBeforePush(owner, repository, branch, files));

    /// <summary>Drops every pending fault.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }

    internal Fault? TryTake(string route, Func<Fault, bool> applies)
    {
        lock (_lock)
        {
            var entry = _entries.FirstOrDefault(e => e.Route == route && applies(e.Fault))
                ?? _entries.FirstOrDefault(e => e.Route == GitHubRoutes.Any && applies(e.Fault));
            if (entry is null)
            {
                return null;
            }

            if (--entry.Remaining == 0)
            {
                _entries.Remove(entry);
            }

            return entry.Fault;
        }
    }

    private sealed record Entry(string Route, Fault Fault)
    {
        public int Remaining { get; set; }
    }
}
