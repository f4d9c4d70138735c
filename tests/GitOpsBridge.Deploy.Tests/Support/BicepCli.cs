using System.Reflection;

namespace GitOpsBridge.Deploy.Tests.Support;

/// <summary>
/// The real Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64; the project file
/// passes its path in as assembly metadata. It compiles and lints offline.
/// </summary>
internal static class BicepCli
{
    private static readonly Lazy<string> Executable = new(Locate);

    /// <summary>Fake values for the environment variables the parameter files read.</summary>
    public static readonly IReadOnlyDictionary<string, string?> ParameterEnvironment = new Dictionary<string, string?>
    {
        ["GITOPS_BRIDGE_GITHUB_APP_ID"] = "424242",
        ["GITOPS_BRIDGE_GITHUB_PRIVATE_KEY"] = "test-private-key-from-environment",
        ["GITOPS_BRIDGE_GITHUB_WEBHOOK_SECRET"] = "test-webhook-secret-from-environment",
        ["GITOPS_BRIDGE_POSTGRES_PASSWORD"] = "test-postgres-password-from-environment",
        ["GITOPS_BRIDGE_ACR_NAME"] = "testregistry",
        ["GITOPS_BRIDGE_ACR_AUTHORIZATION"] = "Bearer test-acr-token-from-environment",
    };

    public static Task<ProcessResult> RunAsync(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null) =>
        ProcessRunner.RunAsync(Executable.Value, workingDirectory, args, environment: environment);

    /// <summary>True when the run succeeded and said nothing: lint exits 0 on warnings, so both count.</summary>
    public static bool IsClean(ProcessResult result) =>
        result.ExitCode == 0
        && !result.Output.Contains("Warning", StringComparison.OrdinalIgnoreCase)
        && !result.Output.Contains("Error", StringComparison.OrdinalIgnoreCase);

    private static string Locate()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepPath").Value!;
        Assert.True(File.Exists(path), $"the Bicep CLI is missing at {path}: restore Azure.Bicep.CommandLine.linux-x64");

        // The package ships the linux-x64 binary only. NuGet may extract it without the execute bit.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the Bicep tests run on linux-x64, the CLI package this project references");
        }

        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }

        return path;
    }
}
