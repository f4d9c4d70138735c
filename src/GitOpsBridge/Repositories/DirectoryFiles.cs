using System.Text;
using GitOpsBridge.Core.Planning;

namespace GitOpsBridge.Repositories;

/// <summary>
/// A repository checked out in a local folder, read for the planner. Files are decoded as strict
/// UTF-8 with a BOM kept as U+FEFF, so writing the edited text back restores every byte; symlinks
/// that leave the folder, binary files and files over 5 MB are reported, not read.
/// </summary>
internal sealed class DirectoryFiles : IRepositoryFiles
{
    private readonly string _root;
    private readonly string _realRoot;
    private IReadOnlyList<string>? _yamlFiles;

    public DirectoryFiles(string root)
    {
        _root = Path.GetFullPath(root);
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"{root} is not a folder");
        }

        _realRoot = RealPath(_root);
    }

    public IReadOnlyList<string> YamlFiles => _yamlFiles ??= ListYamlFiles();

    public RepositoryFile? Read(string path)
    {
        var full = Path.GetFullPath(Path.Combine(_root, path));
        if (!File.Exists(full))
        {
            return Directory.Exists(full) ? new RepositoryFile(path, null, "not-a-file", $"{path} is a folder") : null;
        }

        var real = RealPath(full);
        if (!real.StartsWith(_realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return new RepositoryFile(path, null, ReasonCodes.PathEscapes, $"{path} is a symlink that points outside the repository");
        }

        return RepositoryFileText.TooLarge(path, new FileInfo(real).Length) ?? RepositoryFileText.Decode(path, File.ReadAllBytes(real));
    }

    /// <summary>Writes edited text back, replacing the file atomically and keeping its mode.</summary>
    public void Write(string path, string text)
    {
        var full = Path.GetFullPath(Path.Combine(_root, path));
        var real = RealPath(full);
        if (!real.StartsWith(_realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new IOException($"{path} points outside the repository");
        }

        var temp = real + ".gitops-bridge.tmp";
        File.WriteAllBytes(temp, RepositoryFileText.StrictUtf8.GetBytes(text));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, File.GetUnixFileMode(real));
        }

        File.Move(temp, real, overwrite: true);
    }

    private List<string> ListYamlFiles()
    {
        var result = new List<string>();
        var pending = new Stack<string>();
        pending.Push(_root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo sub)
                {
                    // Never walk into git's own folder or through a linked folder.
                    if (sub.Name != ".git" && sub.LinkTarget is null)
                    {
                        pending.Push(sub.FullName);
                    }
                }
                else if (entry.Name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || entry.Name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                {
                    result.Add(Path.GetRelativePath(_root, entry.FullName).Replace(Path.DirectorySeparatorChar, '/'));
                }
            }
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <summary>The path with every symlink along it resolved (.NET has no realpath).</summary>
    internal static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var current = root;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var hops = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++hops > 40)
                {
                    throw new IOException($"too many levels of symbolic links at {next}");
                }

                var resolved = Path.GetFullPath(Path.Combine(current, target));
                var rest = string.Join(Path.DirectorySeparatorChar, parts.Skip(i + 1));
                return RealPath(rest.Length == 0 ? resolved : Path.Combine(resolved, rest));
            }

            current = next;
        }

        return current;
    }
}
