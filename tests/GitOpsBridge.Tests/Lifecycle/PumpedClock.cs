using Microsoft.Extensions.Time.Testing;

namespace GitOpsBridge.Tests.Lifecycle;

/// <summary>
/// A fake clock that keeps moving: the worker waits on it between polls, so it runs ten times
/// faster than real time; <see cref="AdvanceTo"/> jumps it to a moment under test.
/// </summary>
internal sealed class PumpedClock : IAsyncDisposable
{
    private readonly CancellationTokenSource _pumping = new();
    private readonly Task _pump;

    public PumpedClock(DateTimeOffset start)
    {
        Clock = new FakeTimeProvider(start);
        _pump = Task.Run(async () =>
        {
            while (!_pumping.IsCancellationRequested)
            {
                Clock.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(10);
            }
        });
    }

    public FakeTimeProvider Clock { get; }

    /// <summary>Moves the clock forward to <paramref name="when"/>; fails when it is already later.</summary>
    public void AdvanceTo(DateTimeOffset when)
    {
        var by = when - Clock.GetUtcNow();
        Assert.True(by >= TimeSpan.Zero, $"the fake clock already passed {when:O}: {Clock.GetUtcNow():O}");
        Clock.Advance(by);
    }

    public async ValueTask DisposeAsync()
    {
        await _pumping.CancelAsync();
        await _pump;
        _pumping.Dispose();
    }
}
