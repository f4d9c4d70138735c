using System.Globalization;

namespace GitOpsBridge.Core.Config;

/// <summary>Durations of the file: <c>&lt;int&gt;(d|h|m|s)</c> parts in that order, e.g. <c>30s</c>, <c>1h30m</c>, <c>2d</c>.</summary>
internal static class DurationSyntax
{
    private static readonly long[] SecondsPerUnit = [86_400, 3_600, 60, 1];

    private static readonly long MaxSeconds = (long)TimeSpan.MaxValue.TotalSeconds;

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
}
