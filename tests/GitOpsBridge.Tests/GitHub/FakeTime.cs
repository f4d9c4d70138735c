namespace GitOpsBridge.Tests.GitHub;

/// <summary>
/// A clock the test moves by hand. Timers (what <c>Task.Delay(delay, timeProvider)</c> makes) fire
/// when <see cref="Advance"/> passes their due time, so nothing really waits.
/// </summary>
internal sealed class FakeTime(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<Timer> _timers = [];
    private DateTimeOffset _now = start;

    /// <summary>A start on a whole second, so header times (Unix seconds) compare exactly.</summary>
    public static FakeTime AtWholeSecond() => new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <summary>Timers waiting to fire.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        List<Timer> due;
        lock (_lock)
        {
            _now += by;
            due = _timers.Where(t => t.DueAt <= _now).OrderBy(t => t.DueAt).ToList();
            foreach (var timer in due)
            {
                _timers.Remove(timer);
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    /// <summary>Waits (really, briefly) until some code has parked on a timer, so the test can then advance past it.</summary>
    public async Task WaitForTimerAsync(int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (PendingTimers < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No code parked on {count} timer(s) of the fake clock within 10 s.");
            }

            await Task.Delay(5);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state, period);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Schedule(Timer timer, DateTimeOffset dueAt)
    {
        lock (_lock)
        {
            timer.DueAt = dueAt;
            if (!_timers.Contains(timer))
            {
                _timers.Add(timer);
            }
        }
    }

    private void Unschedule(Timer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class Timer(FakeTime clock, TimerCallback callback, object? state, TimeSpan period) : ITimer
    {
        private TimeSpan _period = period;

        public DateTimeOffset DueAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                clock.Unschedule(this);
            }
            else
            {
                clock.Schedule(this, clock.GetUtcNow() + dueTime);
            }

            return true;
        }

        public void Fire()
        {
            callback(state);
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                clock.Schedule(this, DueAt + _period);
            }
        }

        public void Dispose() => clock.Unschedule(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
