using BenchmarkDotNet.Attributes;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Planning;

namespace GitOpsBridge.Benchmarks;

/// <summary>
/// Plans and edits the largest fixture, argo-helm's 179 KB charts/argo-cd/values.yaml, as one
/// document (1×) and as files of 4 and 16 copies of it (multi-document), to show the cost is linear.
/// </summary>
[MemoryDiagnoser]
public class PlanBenchmarks
{
    private const string Config = """
        version: 1
        images:
          dex:
            repository: ghcr.io/dexidp/dex
            policy: { semver: ">=2.0.0" }
        environments:
          dev:
            files:
              - path: values.yaml
                helm: { image: dex, path: dex.image }
        """;

    private readonly ImageReference _image = ImageReference.Parse("ghcr.io/dexidp/dex:v2.46.0");
    private RepositoryConfig _config = null!;
    private Files _files = null!;

    [Params(1, 4, 16)]
    public int Copies { get; set; }

    public int Bytes => _files.Text.Length;

    [GlobalSetup]
    public void Setup()
    {
        var one = File.ReadAllText(Path.Combine(FixturesRoot(), "yaml", "argo-helm", "charts__argo-cd__values.yaml"));
        var text = string.Join("---\n", Enumerable.Repeat(one, Copies));
        _files = new Files(text);
        _config = ConfigParser.Parse(Config);
        var plan = Planner.Create(new PlanRequest(_image, _config), _files);
        if (plan.Changes.Count != Copies)
        {
            throw new InvalidOperationException($"expected {Copies} changes, got {plan.Changes.Count}: {string.Join("; ", plan.Skipped.Select(s => s.Reason))}");
        }

        Console.WriteLine($"// {Copies}x: {text.Length / 1024} KB, {plan.Changes.Count} changes");
    }

    /// <summary>Config target: parse, locate, decide, splice, re-parse and verify.</summary>
    [Benchmark]
    public Plan PlanConfigured() => Planner.Create(new PlanRequest(_image, _config), _files);

    /// <summary>Discovery over the same file: every group, string and marker is examined.</summary>
    [Benchmark]
    public Plan PlanDiscovered() => Planner.Create(new PlanRequest(_image, null), _files);

    /// <summary>Only YamlDotNet's event parser, building our span-indexed tree.</summary>
    [Benchmark]
    public object ParseOnly() => GitOpsBridge.Core.Yaml.YamlText.Parse(_files.Text);

    /// <summary>Parse plus finding every image site.</summary>
    [Benchmark]
    public object ParseAndLocate() => GitOpsBridge.Core.Manifests.ImageSiteLocator.Locate(GitOpsBridge.Core.Yaml.YamlText.Parse(_files.Text), "values.yaml");

    private sealed class Files(string text) : IRepositoryFiles
    {
        public string Text => text;

        public IReadOnlyList<string> YamlFiles { get; } = ["values.yaml"];

        public RepositoryFile? Read(string path) => path == "values.yaml" ? new RepositoryFile(path, text) : null;
    }

    internal static string FixturesRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("GITOPS_BRIDGE_FIXTURES");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GitOpsBridge.sln")))
        {
            dir = dir.Parent;
        }

        return Path.GetFullPath(Path.Combine(dir?.FullName ?? Directory.GetCurrentDirectory(), "..", "shared", "fixtures"));
    }
}
