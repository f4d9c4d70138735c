using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Lifecycle;

namespace GitOpsBridge.Core.Tests.Lifecycle;

public sealed class FreezeCalendarTests
{
    private static readonly DayOfWeek[] EveryDay = Enum.GetValues<DayOfWeek>();

    private static FreezeWindow Window(string zone, string start, string end, params DayOfWeek[] days) =>
        new(days.Length == 0 ? EveryDay : days, TimeOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), end == "24:00" ? TimeOnly.MaxValue : TimeOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), zone);

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    [Fact]
    public void Evaluate_NoWindows_IsOpen()
    {
        Assert.Equal(FreezeState.Open, FreezeCalendar.Evaluate([], Utc("2026-01-10T12:00:00Z")));
    }

    [Fact]
    public void Evaluate_WeekendInBerlinOnSaturday_FrozenUntilMondayMidnightLocal()
    {
        var weekend = Window("Europe/Berlin", "00:00", "24:00", DayOfWeek.Saturday, DayOfWeek.Sunday);

        var state = FreezeCalendar.Evaluate([weekend], Utc("2026-01-10T12:00:00Z"));

        Assert.True(state.Frozen);
        Assert.Same(weekend, state.Window);
        Assert.Equal(Utc("2026-01-11T23:00:00Z"), state.EndsAt); // Monday 00:00 CET
        Assert.Equal(TimeSpan.Zero, state.EndsAt!.Value.Offset);
    }

    [Fact]
    public void Evaluate_WeekendInBerlinOnFriday_IsOpen()
    {
        var weekend = Window("Europe/Berlin", "00:00", "24:00", DayOfWeek.Saturday, DayOfWeek.Sunday);

        Assert.False(FreezeCalendar.Evaluate([weekend], Utc("2026-01-09T22:59:59Z")).Frozen);
        Assert.True(FreezeCalendar.Evaluate([weekend], Utc("2026-01-09T23:00:00Z")).Frozen); // Saturday 00:00 CET
    }

    [Fact]
    public void Evaluate_StartInclusiveEndExclusive()
    {
        var friday = Window("UTC", "16:00", "18:00", DayOfWeek.Friday);

        Assert.False(FreezeCalendar.Evaluate([friday], Utc("2026-01-09T15:59:59Z")).Frozen);
        Assert.Equal(Utc("2026-01-09T18:00:00Z"), FreezeCalendar.Evaluate([friday], Utc("2026-01-09T16:00:00Z")).EndsAt);
        Assert.False(FreezeCalendar.Evaluate([friday], Utc("2026-01-09T18:00:00Z")).Frozen);
    }

    [Fact]
    public void Evaluate_WindowsJoinedAcrossMidnight_EndIsEndOfWholeSpan()
    {
        // A freeze over midnight is written as two windows; together they are one freeze.
        var fridayEvening = Window("America/New_York", "16:00", "24:00", DayOfWeek.Friday);
        var weekend = Window("America/New_York", "00:00", "24:00", DayOfWeek.Saturday, DayOfWeek.Sunday);
        var mondayMorning = Window("America/New_York", "00:00", "06:00", DayOfWeek.Monday);

        var state = FreezeCalendar.Evaluate([weekend, fridayEvening, mondayMorning], Utc("2026-01-09T22:00:00Z")); // Fri 17:00 EST

        Assert.True(state.Frozen);
        Assert.Same(fridayEvening, state.Window);
        Assert.Equal(Utc("2026-01-12T11:00:00Z"), state.EndsAt); // Monday 06:00 EST
    }

    [Fact]
    public void Evaluate_OverlappingWindows_FirstConfiguredWindowAndLatestEnd()
    {
        var morning = Window("UTC", "08:00", "12:00", DayOfWeek.Monday);
        var midday = Window("UTC", "10:00", "14:00", DayOfWeek.Monday);

        var state = FreezeCalendar.Evaluate([midday, morning], Utc("2026-01-12T11:00:00Z"));

        Assert.Same(midday, state.Window);
        Assert.Equal(Utc("2026-01-12T14:00:00Z"), state.EndsAt);
        Assert.Equal(Utc("2026-01-12T14:00:00Z"), FreezeCalendar.Evaluate([morning, midday], Utc("2026-01-12T09:00:00Z")).EndsAt);
    }

    [Fact]
    public void Evaluate_WindowsWithAGap_NotMerged()
    {
        var first = Window("UTC", "08:00", "12:00", DayOfWeek.Monday);
        var second = Window("UTC", "12:01", "14:00", DayOfWeek.Monday);

        Assert.Equal(Utc("2026-01-12T12:00:00Z"), FreezeCalendar.Evaluate([first, second], Utc("2026-01-12T09:00:00Z")).EndsAt);
        Assert.False(FreezeCalendar.Evaluate([first, second], Utc("2026-01-12T12:00:30Z")).Frozen);
    }

    [Fact]
    public void Evaluate_WindowsInDifferentZonesOverlap_Merged()
    {
        var berlin = Window("Europe/Berlin", "18:00", "22:00", DayOfWeek.Friday);      // 17:00–21:00 UTC
        var newYork = Window("America/New_York", "15:00", "20:00", DayOfWeek.Friday);  // 20:00–01:00 UTC

        var state = FreezeCalendar.Evaluate([berlin, newYork], Utc("2026-01-09T17:30:00Z"));

        Assert.Same(berlin, state.Window);
        Assert.Equal(Utc("2026-01-10T01:00:00Z"), state.EndsAt);
    }

    [Fact]
    public void Evaluate_NowWithLocalOffset_SameAsUtc()
    {
        var friday = Window("Europe/Berlin", "16:00", "24:00", DayOfWeek.Friday);
        var now = new DateTimeOffset(2026, 1, 9, 12, 30, 0, TimeSpan.FromHours(-5)); // 17:30 UTC, 18:30 CET

        var state = FreezeCalendar.Evaluate([friday], now);

        Assert.True(state.Frozen);
        Assert.Equal(Utc("2026-01-09T23:00:00Z"), state.EndsAt);
    }

    [Fact]
    public void Evaluate_BerlinSpringForwardDay_IsTwentyThreeHoursLong()
    {
        // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST.
        var sunday = Window("Europe/Berlin", "00:00", "24:00", DayOfWeek.Sunday);

        Assert.False(FreezeCalendar.Evaluate([sunday], Utc("2026-03-28T22:59:59Z")).Frozen);
        var state = FreezeCalendar.Evaluate([sunday], Utc("2026-03-28T23:00:00Z"));
        Assert.True(state.Frozen);
        Assert.Equal(Utc("2026-03-29T22:00:00Z"), state.EndsAt); // Monday 00:00 CEST
    }

    [Fact]
    public void Evaluate_BerlinStartInsideSpringForwardGap_StartsWhenGapEnds()
    {
        // 02:30 does not exist on 2026-03-29; the window starts at 03:00 CEST (01:00 UTC).
        var window = Window("Europe/Berlin", "02:30", "04:00", DayOfWeek.Sunday);

        Assert.False(FreezeCalendar.Evaluate([window], Utc("2026-03-29T00:59:59Z")).Frozen);
        var state = FreezeCalendar.Evaluate([window], Utc("2026-03-29T01:00:00Z"));
        Assert.True(state.Frozen);
        Assert.Equal(Utc("2026-03-29T02:00:00Z"), state.EndsAt); // 04:00 CEST
    }

    [Fact]
    public void Evaluate_WindowEntirelyInsideSpringForwardGap_NeverFreezes()
    {
        var window = Window("Europe/Berlin", "02:10", "02:50", DayOfWeek.Sunday);

        Assert.False(FreezeCalendar.Evaluate([window], Utc("2026-03-29T01:00:00Z")).Frozen);
        Assert.False(FreezeCalendar.Evaluate([window], Utc("2026-03-29T00:59:00Z")).Frozen);
    }

    [Fact]
    public void Evaluate_BerlinFallBackDay_IsTwentyFiveHoursLong()
    {
        // 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET.
        var sunday = Window("Europe/Berlin", "00:00", "24:00", DayOfWeek.Sunday);

        Assert.False(FreezeCalendar.Evaluate([sunday], Utc("2026-10-24T21:59:59Z")).Frozen);
        var state = FreezeCalendar.Evaluate([sunday], Utc("2026-10-24T22:00:00Z"));
        Assert.Equal(Utc("2026-10-25T23:00:00Z"), state.EndsAt); // Monday 00:00 CET
    }

    [Fact]
    public void Evaluate_BerlinWindowInRepeatedHour_CoversBothOccurrences()
    {
        // 02:30–02:45 happens twice on 2026-10-25: 00:30–00:45 UTC (CEST) and 01:30–01:45 UTC (CET).
        // The freeze starts at the first 02:30 and ends at the second 02:45.
        var window = Window("Europe/Berlin", "02:30", "02:45", DayOfWeek.Sunday);

        Assert.False(FreezeCalendar.Evaluate([window], Utc("2026-10-25T00:29:59Z")).Frozen);
        Assert.Equal(Utc("2026-10-25T01:45:00Z"), FreezeCalendar.Evaluate([window], Utc("2026-10-25T00:30:00Z")).EndsAt);
        Assert.True(FreezeCalendar.Evaluate([window], Utc("2026-10-25T01:10:00Z")).Frozen);
        Assert.False(FreezeCalendar.Evaluate([window], Utc("2026-10-25T01:45:00Z")).Frozen);
    }

    [Fact]
    public void Evaluate_NewYorkAcrossSpringForward_OffsetsOfEachDay()
    {
        // 2026-03-08: New York goes from EST (-5) to EDT (-4) at 02:00.
        var fridayEvening = Window("America/New_York", "16:00", "24:00", DayOfWeek.Friday);
        var weekend = Window("America/New_York", "00:00", "24:00", DayOfWeek.Saturday, DayOfWeek.Sunday);

        var state = FreezeCalendar.Evaluate([fridayEvening, weekend], Utc("2026-03-06T21:00:00Z")); // Fri 16:00 EST

        Assert.True(state.Frozen);
        Assert.Equal(Utc("2026-03-09T04:00:00Z"), state.EndsAt); // Monday 00:00 EDT
        Assert.False(FreezeCalendar.Evaluate([fridayEvening, weekend], Utc("2026-03-09T04:00:00Z")).Frozen);
        Assert.True(FreezeCalendar.Evaluate([fridayEvening, weekend], Utc("2026-03-09T03:59:59Z")).Frozen);
    }

    [Fact]
    public void Evaluate_NewYorkFallBack_FridayWindowUsesStandardTime()
    {
        // 2026-11-01 is the fall-back Sunday; the Friday after is on EST.
        var fridayEvening = Window("America/New_York", "16:00", "24:00", DayOfWeek.Friday);

        Assert.False(FreezeCalendar.Evaluate([fridayEvening], Utc("2026-11-06T20:59:59Z")).Frozen);
        Assert.Equal(Utc("2026-11-07T05:00:00Z"), FreezeCalendar.Evaluate([fridayEvening], Utc("2026-11-06T21:00:00Z")).EndsAt);
    }

    [Fact]
    public void Evaluate_EveryDayAllDay_FrozenWithoutEnd()
    {
        var always = Window("UTC", "00:00", "24:00");

        var state = FreezeCalendar.Evaluate([always], Utc("2026-01-09T12:00:00Z"));

        Assert.True(state.Frozen);
        Assert.Null(state.EndsAt);
        Assert.Same(always, state.Window);
    }

    [Fact]
    public void Evaluate_EveryDayButOneMinuteGap_EndsAtTheGap()
    {
        var window = Window("UTC", "00:00", "23:59");
        var state = FreezeCalendar.Evaluate([window], Utc("2026-01-09T12:00:00Z"));

        Assert.Equal(Utc("2026-01-09T23:59:00Z"), state.EndsAt);
    }

    [Fact]
    public void Evaluate_UnknownTimeZone_ThrowsNamingIt()
    {
        var window = Window("Mars/Olympus_Mons", "00:00", "24:00");

        var exception = Assert.Throws<FreezeCalendarException>(() => FreezeCalendar.Evaluate([window], Utc("2026-01-09T12:00:00Z")));

        Assert.Equal("Mars/Olympus_Mons", exception.TimeZone);
        Assert.Contains("Mars/Olympus_Mons", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTimeZones_ListsEachMissingZoneOnce()
    {
        var windows = new[]
        {
            Window("Europe/Berlin", "00:00", "24:00"),
            Window("Mars/Olympus_Mons", "00:00", "24:00"),
            Window("Etc/GMT+5", "00:00", "24:00"),
            Window("Mars/Olympus_Mons", "01:00", "02:00"),
        };

        Assert.Equal(["Mars/Olympus_Mons"], FreezeCalendar.UnknownTimeZones(windows));
    }

    [Fact]
    public void Evaluate_WindowsFromParsedConfig_FreezeFridayEveningAndWeekend()
    {
        var config = ConfigParser.Parse("""
            version: 1
            images:
              api: { repository: ghcr.io/acme/api }
            environments:
              prod:
                freeze:
                  - { days: [fri], start: "18:00", timeZone: Europe/Berlin }
                  - { days: [sat, sun], timeZone: Europe/Berlin }
                files:
                  - { path: envs/prod/values.yaml, helm: { image: api, path: image } }
            """);
        var freeze = config.Environments["prod"].Freeze;

        var state = FreezeCalendar.Evaluate(freeze, Utc("2026-01-09T17:00:00Z")); // Friday 18:00 CET

        Assert.True(state.Frozen);
        Assert.Equal(freeze[0], state.Window);
        Assert.Equal(Utc("2026-01-11T23:00:00Z"), state.EndsAt);
    }
}
