using GitOpsBridge.Core.Planning;

namespace GitOpsBridge.Core.Tests.Support;

/// <summary>An in-memory repository for planner tests.</summary>
internal sealed class MemoryFiles(IReadOnlyDictionary<string, string> files) : IRepositoryFiles
{
    public MemoryFiles(params (string Path, string Text)[] files)
        : this(files.ToDictionary(f => f.Path, f => f.Text))
    {
    }

    public IReadOnlyList<string> YamlFiles => files.Keys.Where(k => k.EndsWith(".yaml", StringComparison.Ordinal) || k.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    public RepositoryFile? Read(string path) => files.TryGetValue(path, out var text) ? new RepositoryFile(path, text) : null;
}
