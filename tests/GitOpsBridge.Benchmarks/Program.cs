using BenchmarkDotNet.Running;
using GitOpsBridge.Benchmarks.Service;

// `-- latency`: event-to-pull-request latency against the GitHub emulator (not BenchmarkDotNet:
// one event at a time through the real service, timed end to end). Anything else: BenchmarkDotNet.
if (args.Length > 0 && args[0] == "latency")
{
    return await EventToPullRequestBenchmark.RunAsync(args[1..], Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(GitOpsBridge.Benchmarks.PlanBenchmarks).Assembly).Run(args);
return 0;
