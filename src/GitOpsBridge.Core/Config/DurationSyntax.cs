using System.Globalization;

namespace GitOpsBridge.Core.Config;

/// <summary>Durations of the file: <c>&lt;int&gt;(d|h|m|s)</c> parts in that order, e.g. <c>30s</c>, <c>1h30m</c>, <c>2d</c>.</summary>
public static class DurationSyntax
{
    private static readonly long[] SecondsPerUnit = [86_400, 3_600, 60, 1];

    private static readonly long MaxSeconds = (long)TimeSpan.MaxValue.TotalSeconds;

    /// <summary>Parses a duration as the file writes it.</summary>
    /// <param name="text">The text, e.g. <c>1h30m</c>.</param>
    /// <param name="duration">The duration, when the text is one.</param>
    /// <returns>Whether the text is a duration.</returns>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = ConfigSyntax.Duration().Match(text);
        if (!match.Success || text.EndsWith('\n'))
        {
            return false;
        }

        long seconds = 0;
        for (var unit = 0; unit < SecondsPerUnit.Length; unit++)
        {
            var group = match.Groups[unit + 1];
            if (!group.Success)
            {
                continue;
            }

            if (!long.TryParse(group.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
                || amount > (MaxSeconds - seconds) / SecondsPerUnit[unit])
            {
                return false;
            }

            seconds += amount * SecondsPerUnit[unit];
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>A duration as the file writes it (whole seconds): <c>30s</c>, <c>2m</c>, <c>1h30m</c>, <c>2d</c>.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>Its text; <c>0s</c> for less than a second.</returns>
    public static string Format(TimeSpan duration)
    {
        var parts = new List<string>();
        if (duration.Days > 0)
        {
            parts.Add(duration.Days.ToString(CultureInfo.InvariantCulture) + "d");
        }

        if (duration.Hours > 0)
        {
            parts.Add(duration.Hours.ToString(CultureInfo.InvariantCulture) + "h");
        }

        if (duration.Minutes > 0)
        {
            parts.Add(duration.Minutes.ToString(CultureInfo.InvariantCulture) + "m");
        }

        if (duration.Seconds > 0 || parts.Count == 0)
        {
            parts.Add(duration.Seconds.ToString(CultureInfo.InvariantCulture) + "s");
        }

        return string.Concat(parts);
    }
}
