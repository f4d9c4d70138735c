namespace GitOpsBridge.Registries;

/// <summary>
/// Spaces requests to each registry host at least <c>1 / requestsPerSecond</c> apart. Each caller
/// books the next free slot under a lock and then waits for it on the <see cref="TimeProvider"/>,
/// so callers go in arrival order and a cancelled wait gives nothing back (the slot stays spent,
/// which only errs on the slow side).
/// </summary>
/// <param name="time">The clock to wait on.</param>
/// <param name="requestsPerSecond">The rate per host; 0 or less turns the limit off.</param>
internal sealed class RegistryRateLimiter(TimeProvider time, double requestsPerSecond)
{
    private readonly Dictionary<string, DateTimeOffset> _nextSlot = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private readonly TimeSpan _interval = requestsPerSecond > 0 ? TimeSpan.FromSeconds(1 / requestsPerSecond) : TimeSpan.Zero;

    /// <summary>Waits until a request to <paramref name="host"/> may go.</summary>
    public Task WaitAsync(string host, CancellationToken cancellationToken)
    {
        if (_interval == TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        TimeSpan delay;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var slot = _nextSlot.TryGetValue(host, out var next) && next > now ? next : now;
            _nextSlot[host] = slot + _interval;
            delay = slot - now;
        }

        return delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, time, cancellationToken);
    }
}
