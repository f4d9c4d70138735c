using System.Diagnostics;
using System.Text;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>Runs the git CLI with a clean configuration: no system or global config, a fixed identity.</summary>
internal static class GitCli
{
    public const string CommitterName = "GitHub";
    public const string CommitterEmail = "noreply@github.com";

    /// <summary>Starts git with the emulator's environment; the caller owns the process.</summary>
    public static Process Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        startInfo.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        startInfo.Environment["GIT_TERMINAL_PROMPT"] = "0";
        startInfo.Environment["GIT_AUTHOR_NAME"] = CommitterName;
        startInfo.Environment["GIT_AUTHOR_EMAIL"] = CommitterEmail;
        startInfo.Environment["GIT_COMMITTER_NAME"] = CommitterName;
        startInfo.Environment["GIT_COMMITTER_EMAIL"] = CommitterEmail;
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                startInfo.Environment[name] = value;
            }
        }

        return Process.Start(startInfo) ?? throw new GitCommandException("git could not be started");
    }

    /// <summary>Runs git to completion and returns its exit code, stdout bytes and stderr text.</summary>
    public static async Task<GitResult> RunAsync(
        IEnumerable<string> arguments,
        byte[]? input = null,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var argumentList = arguments.ToList();
        using var process = Start(argumentList, environment);
        var stdout = new MemoryStream();
        var readOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, cancellationToken);
        var readErr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (input is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(input, cancellationToken).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        await Task.WhenAll(readOut, readErr).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return new GitResult(argumentList, process.ExitCode, stdout.ToArray(), await readErr.ConfigureAwait(false));
    }

    /// <summary>Runs git and throws <see cref="GitCommandException"/> unless it exits 0; returns trimmed stdout.</summary>
    public static async Task<string> RunCheckedAsync(
        IEnumerable<string> arguments,
        byte[]? input = null,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(arguments, input, environment, cancellationToken).ConfigureAwait(false);
        result.EnsureSuccess();
        return result.Text.TrimEnd('\n');
    }
}

internal sealed record GitResult(IReadOnlyList<string> Arguments, int ExitCode, byte[] Output, string Error)
{
    public string Text => Encoding.UTF8.GetString(Output);

    public void EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            throw new GitCommandException($"git {string.Join(' ', Arguments)} exited {ExitCode}: {Error.Trim()}");
        }
    }
}

/// <summary>A git command the emulator ran failed.</summary>
public sealed class GitCommandException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GitCommandException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public GitCommandException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public GitCommandException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
