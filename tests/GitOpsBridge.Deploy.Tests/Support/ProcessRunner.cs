using System.Diagnostics;

namespace GitOpsBridge.Deploy.Tests.Support;

/// <summary>The outcome of one finished process.</summary>
internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Both streams, for assertion messages.</summary>
    public string Output => $"{StdOut}{StdErr}";
}

/// <summary>Runs the real tools (kubectl, node, bicep, dotnet) with a bounded time.</summary>
internal static class ProcessRunner
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    /// <summary>For attribute constructors, which cannot await: a short probe such as `kubectl version`.</summary>
    public static ProcessResult Run(string file, string workingDirectory, params string[] args)
    {
        using var process = Start(file, workingDirectory, args, redirectStdin: false, environment: null);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in {DefaultTimeout}");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout, stderr.Result);
    }

    public static async Task<ProcessResult> RunAsync(
        string file,
        string workingDirectory,
        IEnumerable<string> args,
        string? stdin = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        using var process = Start(file, workingDirectory, args, redirectStdin: stdin is not null, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout ?? DefaultTimeout}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static Process Start(string file, string workingDirectory, IEnumerable<string> args, bool redirectStdin, IReadOnlyDictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // A null value removes the variable from the inherited environment.
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
    }
}
