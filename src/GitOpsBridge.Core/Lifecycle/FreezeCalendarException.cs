namespace GitOpsBridge.Core.Lifecycle;

/// <summary>A freeze window names a time zone this machine does not know, so whether it is frozen cannot be decided.</summary>
/// <param name="timeZone">The IANA id as configured.</param>
public sealed class FreezeCalendarException(string timeZone)
    : Exception($"unknown time zone \"{timeZone}\" in a freeze window; use an IANA id such as Europe/Berlin or UTC")
{
    /// <summary>The time zone id that could not be found.</summary>
    public string TimeZone { get; } = timeZone;
}
