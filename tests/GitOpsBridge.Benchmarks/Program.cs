using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(GitOpsBridge.Benchmarks.PlanBenchmarks).Assembly).Run(args);
