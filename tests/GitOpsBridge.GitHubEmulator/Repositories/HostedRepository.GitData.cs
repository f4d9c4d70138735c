using System.Globalization;
using System.Text;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>
/// The Git Data API on the bare repository (real objects, written by the git CLI), the emulator's
/// rule for commit signatures, and branch protection for pushes and ref updates.
/// </summary>
/// <remarks>
/// The emulator's signature rule: a commit an App made through <c>POST /git/commits</c> without
/// naming a committer is signed by "GitHub" and verified (<c>valid</c>), though it carries no
/// <c>gpgsig</c> header (the emulator holds no key; it remembers such commits instead). A commit with
/// a <c>gpgsig</c> header made elsewhere is <c>unknown_key</c>, and one without is <c>unsigned</c>.
/// </remarks>
internal sealed partial class HostedRepository
{
    private const string VerifiedFile = "emulator-verified-commits";
    private readonly Dictionary<string, BranchProtection> _protections = new(StringComparer.Ordinal);
    private readonly Lock _verifiedSync = new();

    /// <summary>The protection of a branch, or null.</summary>
    public BranchProtection? ProtectionOf(string branch)
    {
        lock (_verifiedSync)
        {
            return _protections.GetValueOrDefault(branch);
        }
    }

    /// <summary>Whether any branch is protected (pushes are then checked by a pre-receive hook).</summary>
    public bool HasProtection
    {
        get
        {
            lock (_verifiedSync)
            {
                return _protections.Count > 0;
            }
        }
    }

    /// <summary>
    /// Protects a branch, and writes the pre-receive hook that refuses pushes to it as GitHub does
    /// (<c>GH006: Protected branch update failed</c>); the smart HTTP route reports the refusal as
    /// <c>ng refs/heads/{branch} protected branch hook declined</c>.
    /// </summary>
    public void Protect(BranchProtection protection)
    {
        lock (_verifiedSync)
        {
            _protections[protection.Branch] = protection;
            var script = new StringBuilder();
            script.Append("#!/bin/sh\n# Written by the GitHub emulator: branch protection.\nstatus=0\nzero=0000000000000000000000000000000000000000\n");
            script.Append("refuse() { echo \"error: GH006: Protected branch update failed for $1.\" >&2; echo \"error: $2\" >&2; status=1; }\n");
            script.Append("while read old new ref; do\n  case \"$ref\" in\n");
            foreach (var rule in _protections.Values)
            {
                script.Append(CultureInfo.InvariantCulture, $"    \"refs/heads/{rule.Branch}\")\n");
                script.Append("      if [ \"$new\" = \"$zero\" ]; then refuse \"$ref\" \"Cannot delete this branch\"; continue; fi\n");
                if (rule.RequirePullRequest)
                {
                    script.Append("      refuse \"$ref\" \"Changes must be made through a pull request.\"; continue\n");
                }

                if (rule.RequireSignedCommits)
                {
                    script.Append(CultureInfo.InvariantCulture, $"      for c in $(git rev-list \"$new\" --not --all); do\n        if ! grep -qx \"$c\" '{Path.Combine(GitDirectory, VerifiedFile)}' 2>/dev/null; then refuse \"$ref\" \"Commits must have verified signatures.\"; break; fi\n      done\n");
                }

                script.Append("      ;;\n");
            }

            script.Append("  esac\ndone\nexit $status\n");
            var hook = Path.Combine(GitDirectory, "hooks", "pre-receive");
            Directory.CreateDirectory(Path.GetDirectoryName(hook)!);
            File.WriteAllText(hook, script.ToString());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            }
        }
    }

    /// <summary>Writes a blob; returns its sha.</summary>
    public async Task<string> WriteBlobAsync(byte[] content, CancellationToken cancellationToken = default) =>
        await GitCli.RunCheckedAsync(Git("hash-object", "-w", "--stdin"), content, cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>The type of an object (<c>blob</c>, <c>tree</c>, <c>commit</c>), or null when there is none.</summary>
    public async Task<string?> ObjectTypeAsync(string sha, CancellationToken cancellationToken = default)
    {
        if (!IsObjectId(sha))
        {
            return null;
        }

        var result = await GitCli.RunAsync(Git("cat-file", "-t", sha), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 ? result.Text.Trim() : null;
    }

    /// <summary>
    /// Writes a tree: <paramref name="baseTree"/> (or nothing) with the entries applied in order, as
    /// <c>POST /git/trees</c> does. An entry with a null sha and no content deletes its path.
    /// </summary>
    public async Task<string> WriteTreeAsync(string? baseTree, IReadOnlyList<TreeInput> entries, CancellationToken cancellationToken = default)
    {
        var indexFile = Path.Combine(Path.GetTempPath(), $"gh-emulator-tree-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = indexFile };
        try
        {
            await GitCli.RunCheckedAsync(baseTree is null ? Git("read-tree", "--empty") : Git("read-tree", baseTree), environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                var path = entry.Path.Trim('/');
                var sha = entry.Content is { } content ? await WriteBlobAsync(Encoding.UTF8.GetBytes(content), cancellationToken).ConfigureAwait(false) : entry.Sha;
                // Whatever was at the path (a file, or a folder's files) goes first.
                await GitCli.RunCheckedAsync(Git("rm", "--cached", "-r", "--quiet", "--ignore-unmatch", "--", path), environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (sha is null)
                {
                    continue;
                }

                if (entry.Type == "tree")
                {
                    await GitCli.RunCheckedAsync(Git("read-tree", $"--prefix={path}/", sha), environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await GitCli.RunCheckedAsync(Git("update-index", "--add", "--cacheinfo", $"{entry.Mode},{sha},{path}"), environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }

            return await GitCli.RunCheckedAsync(Git("write-tree"), environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(indexFile);
        }
    }

    /// <summary>
    /// Writes a commit as <c>POST /git/commits</c> does. Without a committer GitHub commits as itself
    /// and signs the commit: the emulator remembers it as verified.
    /// </summary>
    public async Task<string> WriteCommitAsync(
        string message, string tree, IReadOnlyList<string> parents, GitIdentity? author, GitIdentity? committer, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var environment = new Dictionary<string, string>();
        var authored = author ?? new GitIdentity(GitCli.CommitterName, GitCli.CommitterEmail, now);
        environment["GIT_AUTHOR_NAME"] = authored.Name;
        environment["GIT_AUTHOR_EMAIL"] = authored.Email;
        environment["GIT_AUTHOR_DATE"] = (authored.Date ?? now).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        var committed = committer ?? new GitIdentity(GitCli.CommitterName, GitCli.CommitterEmail, now);
        environment["GIT_COMMITTER_NAME"] = committed.Name;
        environment["GIT_COMMITTER_EMAIL"] = committed.Email;
        environment["GIT_COMMITTER_DATE"] = (committed.Date ?? now).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        List<string> arguments = ["commit-tree", tree];
        foreach (var parent in parents)
        {
            arguments.AddRange(["-p", parent]);
        }

        arguments.AddRange(["-F", "-"]);
        // git would add a newline to a message without one; the API keeps the message as given.
        var sha = await GitCli.RunCheckedAsync(Git([.. arguments]), Encoding.UTF8.GetBytes(message), environment, cancellationToken).ConfigureAwait(false);
        if (committer is null)
        {
            lock (_verifiedSync)
            {
                File.AppendAllText(Path.Combine(GitDirectory, VerifiedFile), sha + "\n");
            }
        }

        return sha;
    }

    /// <summary>A commit's raw text (headers, blank line, message), or null when there is no such commit.</summary>
    public async Task<string?> ReadCommitAsync(string sha, CancellationToken cancellationToken = default)
    {
        if (await ObjectTypeAsync(sha, cancellationToken).ConfigureAwait(false) != "commit")
        {
            return null;
        }

        return await GitCli.RunCheckedAsync(Git("cat-file", "commit", sha), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the emulator's rule verifies the commit (it was made through the API without a committer).</summary>
    public bool IsVerified(string sha)
    {
        lock (_verifiedSync)
        {
            var file = Path.Combine(GitDirectory, VerifiedFile);
            return File.Exists(file) && File.ReadLines(file).Contains(sha, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Points a branch at a commit as <c>PATCH</c>/<c>POST /git/refs</c> do: a fast-forward unless
    /// forced, within the branch's protection. Returns null, or why GitHub would answer 422.
    /// </summary>
    public async Task<string?> UpdateBranchAsync(string branch, string sha, bool force, bool create, CancellationToken cancellationToken = default)
    {
        if (await ObjectTypeAsync(sha, cancellationToken).ConfigureAwait(false) != "commit")
        {
            return "Object does not exist";
        }

        var current = await ResolveBranchAsync(branch, cancellationToken).ConfigureAwait(false);
        if (create && current is not null)
        {
            return "Reference already exists";
        }

        if (!create && current is null)
        {
            return "Reference does not exist";
        }

        var fastForward = current is null || await IsAncestorAsync(current, sha, cancellationToken).ConfigureAwait(false);
        if (!force && !fastForward)
        {
            return "Update is not a fast forward";
        }

        if (ProtectionOf(branch) is { } protection)
        {
            if (protection.RequirePullRequest)
            {
                return "Changes must be made through a pull request.";
            }

            if (protection.RequireSignedCommits)
            {
                var added = await GitCli.RunCheckedAsync(Git("rev-list", sha, "--not", "--all"), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (added.Split('\n', StringSplitOptions.RemoveEmptyEntries).Any(c => !IsVerified(c)))
                {
                    return "Commits must have verified signatures.";
                }
            }

            if (!fastForward)
            {
                return "Cannot force-push to this branch";
            }
        }

        var result = await GitCli.RunAsync(Git("update-ref", $"refs/heads/{branch}", sha, current ?? new string('0', 40)), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 ? null : "Reference cannot be updated";
    }

    private static bool IsObjectId(string sha) => sha.Length == 40 && sha.All(char.IsAsciiHexDigitLower);
}

/// <summary>The rules of a protected branch the emulator enforces.</summary>
internal sealed record BranchProtection(string Branch, bool RequirePullRequest, bool RequireSignedCommits);

/// <summary>An entry of <c>POST /git/trees</c>: a sha, inline content, or neither (delete).</summary>
internal sealed record TreeInput(string Path, string Mode, string Type, string? Sha, string? Content);

/// <summary>An author or committer of <c>POST /git/commits</c>.</summary>
internal sealed record GitIdentity(string Name, string Email, DateTimeOffset? Date);
