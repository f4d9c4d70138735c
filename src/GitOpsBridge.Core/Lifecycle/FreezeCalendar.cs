using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Lifecycle;

/// <summary>
/// Decides whether an environment's <c>freeze</c> windows cover an instant, and when the freeze ends.
/// Windows are local times in their own IANA time zone, so each day's window is turned into UTC with that
/// day's offset. Around daylight-saving changes the window never shrinks: a local time skipped by a
/// spring-forward gap means the first instant after the gap, and a local time that occurs twice in a
/// fall-back overlap means its earlier occurrence for a start and its later occurrence for an end.
/// </summary>
/// <remarks>
/// Pure apart from reading time zone rules (<see cref="TimeZoneInfo.FindSystemTimeZoneById"/> reads the
/// tz database, /usr/share/zoneinfo on Linux; it works with InvariantGlobalization).
/// </remarks>
public static class FreezeCalendar
{
    /// <summary>How far ahead a frozen span is followed before it is taken to have no end.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(400);

    /// <summary>Evaluates the windows at <paramref name="now"/>.</summary>
    /// <param name="windows">The environment's windows, in configuration order.</param>
    /// <param name="now">The instant to evaluate (any offset).</param>
    /// <returns>The state; <see cref="FreezeState.Open"/> when no window covers <paramref name="now"/>.</returns>
    /// <exception cref="FreezeCalendarException">A window names a time zone that does not exist here.</exception>
    public static FreezeState Evaluate(IReadOnlyList<FreezeWindow> windows, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count == 0)
        {
            return FreezeState.Open;
        }

        var zones = windows.Select(window => FindZone(window.TimeZone) ?? throw new FreezeCalendarException(window.TimeZone)).ToArray();
        var covering = SpansAround(windows, zones, now).Where(span => span.Start <= now && now < span.End).ToList();
        if (covering.Count == 0)
        {
            return FreezeState.Open;
        }

        var first = covering.MinBy(span => span.Index);
        var end = covering.Max(span => span.End);
        while (true)
        {
            var reach = end;
            var extended = SpansAround(windows, zones, end).Where(span => span.Start <= reach && span.End > reach).ToList();
            if (extended.Count == 0)
            {
                return new FreezeState(true, end.ToUniversalTime(), windows[first.Index]);
            }

            end = extended.Max(span => span.End);
            if (end - now > Horizon)
            {
                return new FreezeState(true, null, windows[first.Index]);
            }
        }
    }

    /// <summary>The time zones among <paramref name="windows"/> that do not exist on this machine, each once.</summary>
    /// <param name="windows">Windows to check, for example when a configuration is loaded.</param>
    /// <returns>Unknown ids in configuration order; empty when every zone resolves.</returns>
    public static IReadOnlyList<string> UnknownTimeZones(IEnumerable<FreezeWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return [.. windows.Select(window => window.TimeZone).Distinct(StringComparer.Ordinal).Where(id => FindZone(id) is null)];
    }

    private static TimeZoneInfo? FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Every window's span on the local days around <paramref name="instant"/> (the day before, the day
    /// itself and the day after in each window's zone): enough to find every span that contains or
    /// touches the instant, since one day's span ends at most at the next local midnight.
    /// </summary>
    private static IEnumerable<Span> SpansAround(IReadOnlyList<FreezeWindow> windows, TimeZoneInfo[] zones, DateTimeOffset instant)
    {
        for (var index = 0; index < windows.Count; index++)
        {
            var window = windows[index];
            var zone = zones[index];
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
            for (var offset = -1; offset <= 1; offset++)
            {
                var day = today.AddDays(offset);
                if (!window.Days.Contains(day.DayOfWeek))
                {
                    continue;
                }

                var start = ToInstant(day.ToDateTime(window.Start), zone, earliest: true);
                var endLocal = window.End == TimeOnly.MaxValue ? day.AddDays(1).ToDateTime(TimeOnly.MinValue) : day.ToDateTime(window.End);
                var end = ToInstant(endLocal, zone, earliest: false);
                if (start < end)
                {
                    yield return new Span(start, end, index);
                }
            }
        }
    }

    /// <summary>The instant of a local wall-clock time in <paramref name="zone"/>.</summary>
    /// <param name="local">The local time (kind unspecified).</param>
    /// <param name="zone">The zone.</param>
    /// <param name="earliest">For a time that occurs twice: true takes the first occurrence, false the second.</param>
    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone, bool earliest)
    {
        if (zone.IsInvalidTime(local))
        {
            // Skipped by a spring-forward gap: the window starts or ends where the gap ends, the first
            // local minute that exists. Gaps last minutes to hours, so the walk is short.
            var after = local;
            while (zone.IsInvalidTime(after))
            {
                after = after.AddMinutes(1);
            }

            return new DateTimeOffset(after, zone.GetUtcOffset(after));
        }

        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            var offset = earliest ? offsets.Max() : offsets.Min();
            return new DateTimeOffset(local, offset);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private readonly record struct Span(DateTimeOffset Start, DateTimeOffset End, int Index);
}
