using GitOpsBridge.Repositories;
using System.Text;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Planning;
using LibGit2Sharp;

namespace GitOpsBridge.Git;

/// <summary>
/// The files of one commit in a cached clone, read for the planner straight from the object
/// database (no checkout). The same rules as <c>DirectoryFiles</c>: strict UTF-8 with a BOM kept as
/// U+FEFF, binary files and files over 5 MB reported, not read. A symbolic link is reported as
/// <c>path-escapes</c>: in git a link is a blob holding a path, and that target cannot be trusted.
/// Each call opens the clone briefly, so the object is safe to share and holds no native handle.
/// </summary>
internal sealed class GitTreeFiles(string gitDirectory, string commitSha) : IRepositoryFiles
{
    private readonly Lazy<IReadOnlyList<string>> _yamlFiles = new(() => ListYamlFiles(gitDirectory, commitSha));

    /// <summary>Regular and executable files named <c>*.yaml</c> or <c>*.yml</c>, sorted; links and submodules are left out.</summary>
    public IReadOnlyList<string> YamlFiles => _yamlFiles.Value;

    public RepositoryFile? Read(string path)
    {
        if (!RepositoryPaths.TryNormalize(path, out var normalized, out var error))
        {
            return new RepositoryFile(path, null, ReasonCodes.PathEscapes, $"the path {path} {error}");
        }

        using var git = new Repository(gitDirectory);
        var tree = Commit(git, gitDirectory, commitSha).Tree;
        var segments = normalized.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var entry = tree[segments[i]];
            if (entry is null)
            {
                return null;
            }

            var walked = string.Join('/', segments[..(i + 1)]);
            if (entry.Mode == Mode.SymbolicLink)
            {
                return new RepositoryFile(path, null, ReasonCodes.PathEscapes, $"{walked} is a symbolic link; the bridge does not follow links in git trees");
            }

            var last = i == segments.Length - 1;
            switch (entry.TargetType)
            {
                case TreeEntryTargetType.Tree when last:
                    return new RepositoryFile(path, null, "not-a-file", $"{path} is a folder");
                case TreeEntryTargetType.Tree:
                    tree = (Tree)entry.Target;
                    continue;
                case TreeEntryTargetType.GitLink:
                    return new RepositoryFile(path, null, "not-a-file", $"{walked} is a submodule");
                case TreeEntryTargetType.Blob when last:
                    return ReadBlob(path, (Blob)entry.Target);
                default:
                    return null;   // a file where a folder was expected: the path does not exist
            }
        }

        return null;
    }

    /// <summary>The snapshot's commit; only missing if someone deleted the cache under a live snapshot.</summary>
    private static Commit Commit(Repository git, string gitDirectory, string commitSha) =>
        git.Lookup<Commit>(commitSha) ?? throw new InvalidOperationException($"commit {commitSha} is no longer in {gitDirectory}; fetch again");

    private static RepositoryFile ReadBlob(string path, Blob blob)
    {
        if (RepositoryFileText.TooLarge(path, blob.Size) is { } large)
        {
            return large;
        }

        var bytes = new byte[blob.Size];
        using (var content = blob.GetContentStream())
        {
            content.ReadExactly(bytes);
        }

        return RepositoryFileText.Decode(path, bytes);
    }

    private static List<string> ListYamlFiles(string gitDirectory, string commitSha)
    {
        using var git = new Repository(gitDirectory);
        var result = new List<string>();
        var pending = new Stack<(string Prefix, Tree Tree)>();
        pending.Push((string.Empty, Commit(git, gitDirectory, commitSha).Tree));
        while (pending.Count > 0)
        {
            var (prefix, tree) = pending.Pop();
            foreach (var entry in tree)
            {
                if (entry.TargetType == TreeEntryTargetType.Tree)
                {
                    pending.Push((prefix + entry.Name + "/", (Tree)entry.Target));
                }
                else if (entry.Mode is Mode.NonExecutableFile or Mode.ExecutableFile
                    && (entry.Name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || entry.Name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
                {
                    result.Add(prefix + entry.Name);
                }
            }
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }
}
