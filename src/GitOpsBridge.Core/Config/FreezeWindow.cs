namespace GitOpsBridge.Core.Config;

/// <summary>A recurring window in which the bridge makes no change to an environment.</summary>
/// <param name="Days">Days on which the window applies, in local time of <see cref="TimeZone"/>.</param>
/// <param name="Start">Local start time (inclusive).</param>
/// <param name="End">Local end time (exclusive); <see cref="TimeOnly.MaxValue"/> stands for <c>24:00</c>. Always after <see cref="Start"/>.</param>
/// <param name="TimeZone">IANA time zone id; only its syntax is checked here, the host checks it exists.</param>
public sealed record FreezeWindow(IReadOnlyList<DayOfWeek> Days, TimeOnly Start, TimeOnly End, string TimeZone);
