using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Lifecycle;

/// <summary>Whether an environment is frozen at one instant, and until when.</summary>
/// <param name="Frozen">True when some freeze window covers the instant.</param>
/// <param name="EndsAt">
/// When the freeze ends (UTC): the end of the whole frozen span, so overlapping and back-to-back windows
/// (Friday 18:00–24:00 then Saturday all day) count as one. <see langword="null"/> when not frozen, and when
/// the span has no end within <see cref="FreezeCalendar.Horizon"/> (a window on every day, all day, is a
/// manual switch that holds until the configuration changes).
/// </param>
/// <param name="Window">The first configured window that covers the instant; <see langword="null"/> when not frozen.</param>
public sealed record FreezeState(bool Frozen, DateTimeOffset? EndsAt, FreezeWindow? Window)
{
    /// <summary>Not frozen.</summary>
    public static FreezeState Open { get; } = new(false, null, null);
}
