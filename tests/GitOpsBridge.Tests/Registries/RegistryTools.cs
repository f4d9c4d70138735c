using System.Diagnostics;

namespace GitOpsBridge.Tests.Registries;

/// <summary>
/// A test that runs Debian's real <c>docker-registry</c> (CNCF distribution) and <c>skopeo</c>.
/// scripts/test.sh installs both. Locally, where either is missing, the test is reported as
/// skipped with the reason; when <c>CI</c> is set it runs anyway and fails loudly in
/// <see cref="RegistryServer.StartAsync"/>, so a broken install cannot pass as a skip.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RegistryFactAttribute : FactAttribute
{
    public RegistryFactAttribute()
    {
        if (RegistryTools.MissingReason is { } reason && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = reason;
        }
    }
}

/// <summary>Finds and runs the registry tools.</summary>
public static class RegistryTools
{
    private static readonly Lazy<string?> RegistryPath = new(() => Find("docker-registry"));
    private static readonly Lazy<string?> SkopeoPath = new(() => Find("skopeo"));

    /// <summary>Why the registry tests cannot run here, or null when both tools are installed.</summary>
    public static string? MissingReason
    {
        get
        {
            var missing = new[] { ("docker-registry", RegistryPath.Value), ("skopeo", SkopeoPath.Value) }
                .Where(tool => tool.Item2 is null).Select(tool => tool.Item1).ToList();
            return missing.Count == 0
                ? null
                : $"{string.Join(" and ", missing)} not installed; scripts/test.sh installs them (apt-get install docker-registry skopeo)";
        }
    }

    /// <summary>The docker-registry binary; throws with the install hint when it is missing.</summary>
    public static string Registry => RegistryPath.Value ?? throw new InvalidOperationException(MissingReason);

    /// <summary>The skopeo binary; throws with the install hint when it is missing.</summary>
    public static string Skopeo => SkopeoPath.Value ?? throw new InvalidOperationException(MissingReason);

    /// <summary>Runs <paramref name="file"/> to completion within <paramref name="timeout"/>; a non-zero exit throws with its stderr.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {start.ArgumentList.FirstOrDefault(a => !a.StartsWith('-'))} did not finish in {timeout.TotalSeconds:0} s");
        }

        // Arguments are not echoed: they can hold --creds.
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"{Path.GetFileName(file)} exited {process.ExitCode}: {await stderr}");
    }

    private static string? Find(string name)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/sbin", "/usr/local/bin"]);
        return directories.Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
    }
}
