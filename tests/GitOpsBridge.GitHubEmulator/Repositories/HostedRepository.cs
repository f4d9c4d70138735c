using System.Globalization;
using System.Text;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>
/// A repository the emulator hosts: a real bare git repository on disk, read and written with the
/// git CLI, and served over smart HTTP by <c>git http-backend</c>.
/// </summary>
internal sealed partial class HostedRepository(long id, string owner, string name, string defaultBranch, string gitDirectory, DateTimeOffset createdAt)
{
    public long Id { get; } = id;

    public string Owner { get; } = owner;

    public string Name { get; } = name;

    public string FullName => $"{Owner}/{Name}";

    public string DefaultBranch { get; } = defaultBranch;

    public string GitDirectory { get; } = gitDirectory;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>Issue and pull request numbers share one sequence, as on GitHub.</summary>
    public int LastIssueNumber { get; set; }

    public Dictionary<string, LabelRecord> Labels { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the bare repository and its first commit on the default branch from a folder.</summary>
    public static async Task<HostedRepository> CreateAsync(
        long id, string owner, string name, string defaultBranch, string gitDirectory, string sourceDirectory, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await GitCli.RunCheckedAsync(["init", "--bare", "--quiet", "--initial-branch", defaultBranch, gitDirectory], cancellationToken: cancellationToken).ConfigureAwait(false);
        await GitCli.RunCheckedAsync(["--git-dir", gitDirectory, "config", "http.receivepack", "true"], cancellationToken: cancellationToken).ConfigureAwait(false);
        var repository = new HostedRepository(id, owner, name, defaultBranch, gitDirectory, now);
        await repository.CommitDirectoryAsync(defaultBranch, sourceDirectory, paths: null, "Initial commit", cancellationToken).ConfigureAwait(false);
        return repository;
    }

    /// <summary>The commit a branch points at, or null when there is no such branch.</summary>
    public async Task<string?> ResolveBranchAsync(string branch, CancellationToken cancellationToken = default)
    {
        if (!IsSafeRefName(branch))
        {
            return null;
        }

        var result = await GitCli.RunAsync(Git("rev-parse", "--verify", "--quiet", $"refs/heads/{branch}^{{commit}}"), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 ? result.Text.Trim() : null;
    }

    /// <summary>Resolves a branch, tag or commit SHA as the contents API's <c>ref</c> does.</summary>
    public async Task<string?> ResolveCommitAsync(string reference, CancellationToken cancellationToken = default)
    {
        if (!IsSafeRefName(reference))
        {
            return null;
        }

        foreach (var candidate in new[] { $"refs/heads/{reference}", $"refs/tags/{reference}", reference })
        {
            var result = await GitCli.RunAsync(Git("rev-parse", "--verify", "--quiet", $"{candidate}^{{commit}}"), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                return result.Text.Trim();
            }
        }

        return null;
    }

    /// <summary>Deletes a branch; false when it did not exist.</summary>
    public async Task<bool> DeleteBranchAsync(string branch, CancellationToken cancellationToken = default)
    {
        if (await ResolveBranchAsync(branch, cancellationToken).ConfigureAwait(false) is not { } sha)
        {
            return false;
        }

        var result = await GitCli.RunAsync(Git("update-ref", "-d", $"refs/heads/{branch}", sha), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    /// <summary>
    /// Commits changes on top of a branch (creating it from the default branch if missing): a value
    /// is the new content, null deletes the file. Returns the new commit.
    /// </summary>
    public async Task<string> CommitFilesAsync(string branch, IReadOnlyDictionary<string, byte[]?> changes, string message, CancellationToken cancellationToken = default)
    {
        var scratch = Directory.CreateTempSubdirectory("gh-emulator-commit-");
        try
        {
            foreach (var (path, content) in changes)
            {
                if (content is null)
                {
                    continue;
                }

                var target = Path.Combine(scratch.FullName, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllBytesAsync(target, content, cancellationToken).ConfigureAwait(false);
            }

            return await CommitDirectoryAsync(branch, scratch.FullName, changes.Keys.ToList(), message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Commits a folder's files onto a branch through a private index, so the folder is never
    /// touched. With <paramref name="paths"/> null the folder is the whole tree; otherwise only
    /// those paths change (a path missing from the folder is deleted).
    /// </summary>
    private async Task<string> CommitDirectoryAsync(string branch, string directory, IReadOnlyList<string>? paths, string message, CancellationToken cancellationToken)
    {
        var indexFile = Path.Combine(Path.GetTempPath(), $"gh-emulator-index-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = indexFile };
        try
        {
            var current = await ResolveBranchAsync(branch, cancellationToken).ConfigureAwait(false);
            var parent = current;
            if (paths is not null)
            {
                // A new branch starts from the default branch, as a branch created on GitHub does.
                parent ??= await ResolveBranchAsync(DefaultBranch, cancellationToken).ConfigureAwait(false);
                if (parent is not null)
                {
                    await GitCli.RunCheckedAsync(Git("read-tree", parent), environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                var present = paths.Where(p => File.Exists(Path.Combine(directory, p))).ToList();
                var removed = paths.Except(present).ToList();
                if (present.Count > 0)
                {
                    await GitCli.RunCheckedAsync(["--git-dir", GitDirectory, "--work-tree", directory, "add", "--force", "--", .. present], environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                if (removed.Count > 0)
                {
                    await GitCli.RunCheckedAsync(Git(["rm", "--cached", "--quiet", "--ignore-unmatch", "--", .. removed]), environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await GitCli.RunCheckedAsync(["--git-dir", GitDirectory, "--work-tree", directory, "add", "--all", "--force", "."], environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            var tree = await GitCli.RunCheckedAsync(Git("write-tree"), environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
            List<string> commitTree = ["commit-tree", tree, "-m", message];
            if (parent is not null)
            {
                commitTree.AddRange(["-p", parent]);
            }

            var commit = await GitCli.RunCheckedAsync(Git([.. commitTree]), cancellationToken: cancellationToken).ConfigureAwait(false);
            // Compare-and-swap on the old value: a concurrent push makes this fail instead of losing it.
            await GitCli.RunCheckedAsync(Git("update-ref", $"refs/heads/{branch}", commit, current ?? new string('0', 40)), cancellationToken: cancellationToken).ConfigureAwait(false);
            return commit;
        }
        finally
        {
            File.Delete(indexFile);
        }
    }

    /// <summary>All files of a commit-ish, path to content.</summary>
    public async Task<IReadOnlyDictionary<string, byte[]>> ReadFilesAsync(string commitish, CancellationToken cancellationToken = default)
    {
        var entries = await ListTreeAsync(commitish, null, recursive: true, cancellationToken).ConfigureAwait(false);
        var blobs = entries.Where(e => e.Type == "blob").ToList();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (blobs.Count == 0)
        {
            return files;
        }

        var request = Encoding.UTF8.GetBytes(string.Concat(blobs.Select(b => b.Sha + "\n")));
        var result = await GitCli.RunAsync(Git("cat-file", "--batch"), request, cancellationToken: cancellationToken).ConfigureAwait(false);
        result.EnsureSuccess();
        var output = result.Output;
        var position = 0;
        foreach (var blob in blobs)
        {
            var headerEnd = Array.IndexOf(output, (byte)'\n', position);
            var header = Encoding.ASCII.GetString(output, position, headerEnd - position).Split(' ');
            var size = int.Parse(header[2], CultureInfo.InvariantCulture);
            files[blob.Path] = output.AsSpan(headerEnd + 1, size).ToArray();
            position = headerEnd + 1 + size + 1;
        }

        return files;
    }

    /// <summary>The content of a blob.</summary>
    public async Task<byte[]> ReadBlobAsync(string sha, CancellationToken cancellationToken = default)
    {
        var result = await GitCli.RunAsync(Git("cat-file", "blob", sha), cancellationToken: cancellationToken).ConfigureAwait(false);
        result.EnsureSuccess();
        return result.Output;
    }

    /// <summary>
    /// Lists a tree: the entries under <paramref name="path"/> (the root when null or empty) of a
    /// commit-ish, with blob sizes.
    /// </summary>
    public async Task<IReadOnlyList<TreeEntry>> ListTreeAsync(string commitish, string? path, bool recursive, CancellationToken cancellationToken = default)
    {
        var treeish = string.IsNullOrEmpty(path) ? $"{commitish}^{{tree}}" : $"{commitish}:{path}";
        List<string> arguments = ["ls-tree", "-z", "--long", "--full-tree"];
        if (recursive)
        {
            arguments.Add("-r");
        }

        arguments.Add(treeish);
        var result = await GitCli.RunAsync(Git([.. arguments]), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            return [];
        }

        var prefix = string.IsNullOrEmpty(path) ? string.Empty : path.TrimEnd('/') + "/";
        return result.Text.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            // <mode> SP <type> SP <object> SP <size padded> TAB <path>
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var fields = line[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var size = fields[3] == "-" ? 0 : long.Parse(fields[3], CultureInfo.InvariantCulture);
            return new TreeEntry(fields[0], fields[1], fields[2], size, prefix + line[(tab + 1)..]);
        }).ToList();
    }

    /// <summary>Finds one path in a commit-ish: a blob, a tree, or nothing.</summary>
    public async Task<TreeEntry?> FindAsync(string commitish, string path, CancellationToken cancellationToken = default)
    {
        var trimmed = path.Trim('/');
        var parent = trimmed.Contains('/', StringComparison.Ordinal) ? trimmed[..trimmed.LastIndexOf('/')] : null;
        var entries = await ListTreeAsync(commitish, parent, recursive: false, cancellationToken).ConfigureAwait(false);
        return entries.FirstOrDefault(e => e.Path == trimmed);
    }

    /// <summary>Commits reachable from a commit-ish, newest first.</summary>
    public async Task<IReadOnlyList<EmulatedCommit>> LogAsync(string commitish, CancellationToken cancellationToken = default)
    {
        var result = await GitCli.RunAsync(Git("log", "--format=%H%x00%P%x00%an%x00%ae%x00%cI%x00%B%x1e", commitish, "--"), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            return [];
        }

        return result.Text.Split('\x1e', StringSplitOptions.RemoveEmptyEntries)
            .Select(record => record.TrimStart('\n').Split('\0'))
            .Where(fields => fields.Length >= 6)
            .Select(fields => new EmulatedCommit(
                fields[0],
                fields[5].TrimEnd('\n'),
                fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries),
                fields[2],
                fields[3],
                DateTimeOffset.Parse(fields[4], CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>Compares head to base as a pull request does: commits ahead, line and file counts, and whether it merges cleanly.</summary>
    public async Task<Comparison> CompareAsync(string baseSha, string headSha, CancellationToken cancellationToken = default)
    {
        var count = await GitCli.RunCheckedAsync(Git("rev-list", "--count", $"{baseSha}..{headSha}"), cancellationToken: cancellationToken).ConfigureAwait(false);
        var numstat = await GitCli.RunCheckedAsync(Git("diff", "--numstat", $"{baseSha}...{headSha}"), cancellationToken: cancellationToken).ConfigureAwait(false);
        int additions = 0, deletions = 0, files = 0;
        foreach (var line in numstat.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            files++;
            additions += int.TryParse(fields[0], CultureInfo.InvariantCulture, out var added) ? added : 0;
            deletions += int.TryParse(fields[1], CultureInfo.InvariantCulture, out var deleted) ? deleted : 0;
        }

        // git merge-tree --write-tree (git 2.38+) exits 1 when the merge has conflicts.
        var merge = await GitCli.RunAsync(Git("merge-tree", "--write-tree", "--no-messages", baseSha, headSha), cancellationToken: cancellationToken).ConfigureAwait(false);
        bool? mergeable = merge.ExitCode switch { 0 => true, 1 => false, _ => null };
        return new Comparison(int.Parse(count, CultureInfo.InvariantCulture), additions, deletions, files, mergeable);
    }

    /// <summary>Whether <paramref name="ancestor"/> is reachable from <paramref name="descendant"/>.</summary>
    public async Task<bool> IsAncestorAsync(string ancestor, string descendant, CancellationToken cancellationToken = default)
    {
        var result = await GitCli.RunAsync(Git("merge-base", "--is-ancestor", ancestor, descendant), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    /// <summary>Refuses names that git would read as options or that escape refs/heads.</summary>
    public static bool IsSafeRefName(string name) =>
        !string.IsNullOrEmpty(name) && !name.StartsWith('-') && !name.Contains("..", StringComparison.Ordinal)
        && !name.Any(c => char.IsControl(c) || c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\');

    private string[] Git(params string[] arguments) => ["--git-dir", GitDirectory, .. arguments];
}

/// <summary>One entry of <c>git ls-tree --long</c>.</summary>
internal sealed record TreeEntry(string Mode, string Type, string Sha, long Size, string Path)
{
    public string Name => System.IO.Path.GetFileName(Path);
}

/// <summary>How a pull request's head compares to its base.</summary>
internal sealed record Comparison(int Commits, int Additions, int Deletions, int ChangedFiles, bool? Mergeable);

/// <summary>A label defined in a repository.</summary>
internal sealed record LabelRecord(long Id, string Name, string Color, string? Description);
