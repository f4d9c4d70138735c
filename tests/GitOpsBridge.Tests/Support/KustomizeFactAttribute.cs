namespace GitOpsBridge.Tests.Support;

/// <summary>
/// A test that renders with real kustomize v5 (inside kubectl >= 1.27). scripts/test.sh sets
/// GITOPS_BRIDGE_KUSTOMIZE to "kubectl", "kustomize" or "" (missing); without it, kubectl is probed.
/// Where v5 is missing the test is reported as skipped, with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KustomizeFactAttribute : FactAttribute
{
    public KustomizeFactAttribute()
    {
        if (Kustomize.Command is null)
        {
            Skip = "kustomize v5 or newer is not installed (kubectl >= 1.27 ships it; Debian's kubernetes-client has v2, which cannot render Components)";
        }
    }
}

internal static class Kustomize
{
    private static readonly Lazy<string?> Found = new(Probe);

    /// <summary>"kubectl" or "kustomize", or null when v5 is missing.</summary>
    public static string? Command => Found.Value;

    public static string Render(string dir)
    {
        var args = Command == "kubectl" ? new[] { "kustomize", dir } : ["build", dir];
        var (exit, stdout, stderr) = TempRepository.Run(Command!, dir, null, args);
        return exit == 0 ? stdout : throw new InvalidOperationException($"kustomize failed: {stderr}");
    }

    private static string? Probe()
    {
        var fromScript = Environment.GetEnvironmentVariable("GITOPS_BRIDGE_KUSTOMIZE");
        if (fromScript is not null)
        {
            return fromScript.Length == 0 ? null : fromScript;
        }

        try
        {
            var (exit, stdout, _) = TempRepository.Run("kubectl", Path.GetTempPath(), null, "version", "--client");
            var match = System.Text.RegularExpressions.Regex.Match(stdout, @"Kustomize Version: v(\d+)\.");
            return exit == 0 && match.Success && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 5 ? "kubectl" : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
