using GitOpsBridge.Cli;

namespace GitOpsBridge.Tests.Support;

/// <summary>Runs the CLI in process and captures both streams.</summary>
internal static class CliRunner
{
    public static (int Exit, string StdOut, string StdErr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CliApplication.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
