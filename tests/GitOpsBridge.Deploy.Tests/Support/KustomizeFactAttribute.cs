namespace GitOpsBridge.Deploy.Tests.Support;

// The same detection as tests/GitOpsBridge.Tests/Support/KustomizeFactAttribute.cs (that file runs
// processes through the main test project's TempRepository, so it cannot be linked here alone).

/// <summary>A test that renders with real kustomize v5; skipped, with the reason, where v5 is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KustomizeFactAttribute : FactAttribute
{
    public KustomizeFactAttribute()
    {
        Skip = Kustomize.SkipReason;
    }
}

/// <summary>A data-driven test that renders with real kustomize v5; skipped where v5 is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KustomizeTheoryAttribute : TheoryAttribute
{
    public KustomizeTheoryAttribute()
    {
        Skip = Kustomize.SkipReason;
    }
}

/// <summary>
/// kustomize v5 (inside kubectl >= 1.27). scripts/test.sh sets GITOPS_BRIDGE_KUSTOMIZE to
/// "kubectl", "kustomize" or "" (missing); without it, kubectl is probed.
/// </summary>
internal static class Kustomize
{
    private static readonly Lazy<string?> Found = new(Probe);

    public static string? Command => Found.Value;

    public static string? SkipReason => Command is null
        ? "kustomize v5 or newer is not installed (kubectl >= 1.27 ships it; Debian's kubernetes-client has v2, which cannot render Components)"
        : null;

    public static async Task<string> RenderAsync(string dir)
    {
        string[] args = Command == "kubectl" ? ["kustomize", dir] : ["build", dir];
        var result = await ProcessRunner.RunAsync(Command!, dir, args);
        return result.ExitCode == 0 ? result.StdOut : throw new InvalidOperationException($"kustomize failed on {dir}: {result.StdErr}");
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
            var result = ProcessRunner.Run("kubectl", Path.GetTempPath(), "version", "--client");
            var match = System.Text.RegularExpressions.Regex.Match(result.StdOut, @"Kustomize Version: v(\d+)\.");
            return result.ExitCode == 0 && match.Success && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 5 ? "kubectl" : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
