using System.Diagnostics;

namespace GitOpsBridge.Tests.Support;

/// <summary>A throwaway folder (optionally a real git repository) that deletes itself.</summary>
internal sealed class TempRepository : IDisposable
{
    public TempRepository(bool git = false)
    {
        Root = Directory.CreateTempSubdirectory("gitops-bridge-test-").FullName;
        if (git)
        {
            Git("init", "-q", "-b", "main");
            Git("config", "user.email", "test@example.invalid");
            Git("config", "user.name", "test");
            Git("config", "core.autocrlf", "false");
        }
    }

    public string Root { get; }

    public string Write(string path, string text)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, new System.Text.UTF8Encoding(false).GetBytes(text));
        return full;
    }

    public string Read(string path) => new System.Text.UTF8Encoding(false).GetString(File.ReadAllBytes(Path.Combine(Root, path)));

    public string Git(params string[] args) => Run("git", Root, null, args).StdOut;

    public void CommitAll()
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", "fixture");
    }

    public static (int Exit, string StdOut, string StdErr) Run(string file, string workingDirectory, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 120 s");
        }

        var result = (process.ExitCode, stdout.Result, stderr.Result);
        if (file == "git" && result.ExitCode != 0 && stdin is null && args[0] != "apply")
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {result.Item3}");
        }

        return result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }
    }
}
