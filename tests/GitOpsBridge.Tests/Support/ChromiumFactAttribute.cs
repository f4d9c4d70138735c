namespace GitOpsBridge.Tests.Support;

/// <summary>
/// A test that drives Debian's Chromium (<c>/usr/bin/chromium</c>, installed by scripts/test.sh).
/// Where it is missing the test is skipped with the reason, except under CI (<c>CI</c> set), where a
/// missing browser is a broken machine and the test runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Where Debian's chromium package puts the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ExecutablePath) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"Chromium is not installed at {ExecutablePath} (apt-get install chromium; scripts/test.sh installs it)";
        }
    }
}
