using GitOpsBridge.GitHubEmulator.Repositories;

namespace GitOpsBridge.GitHubEmulator;

/// <summary>Branch protection, as a repository admin sets it in the branch's rules, and a look at commits and trees.</summary>
public sealed partial class GitHubEmulator
{
    /// <summary>
    /// Protects a branch. With <paramref name="requirePullRequest"/> every push to it is refused
    /// (receive-pack reports <c>ng refs/heads/{branch} protected branch hook declined</c>) and so is
    /// every ref update through the API (422). With <paramref name="requireSignedCommits"/> a push or
    /// ref update that brings a commit the emulator does not verify is refused: commits an App made
    /// through <c>POST /git/commits</c> are verified, pushed ones are not. A push cannot delete a
    /// protected branch, and the API does not move it other than by a fast-forward.
    /// </summary>
    public void ProtectBranch(string owner, string name, string branch, bool requirePullRequest = true, bool requireSignedCommits = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(branch);
        if (!HostedRepository.IsSafeRefName(branch))
        {
            throw new ArgumentException($"'{branch}' is not a branch name the emulator accepts", nameof(branch));
        }

        Repository(owner, name).Protect(new BranchProtection(branch, requirePullRequest, requireSignedCommits));
    }

    /// <summary>Whether the emulator's signature rule verifies a commit (made by an App through the Git Data API).</summary>
    public bool IsVerified(string owner, string name, string sha) => Repository(owner, name).IsVerified(sha);

    /// <summary>A commit object's text as git stores it (headers, blank line, message), or null when there is none.</summary>
    public Task<string?> GetRawCommitAsync(string owner, string name, string sha, CancellationToken cancellationToken = default) =>
        Repository(owner, name).ReadCommitAsync(sha, cancellationToken);

    /// <summary>The tree at <paramref name="path"/> (the root when empty) of a branch or commit, or null when there is none.</summary>
    public async Task<string?> GetTreeShaAsync(string owner, string name, string commitish, string path = "", CancellationToken cancellationToken = default)
    {
        var repository = Repository(owner, name);
        var commit = await repository.ResolveCommitAsync(commitish, cancellationToken).ConfigureAwait(false);
        if (commit is null)
        {
            return null;
        }

        if (path.Trim('/').Length == 0)
        {
            return GitDataText.TreeOf(await repository.ReadCommitAsync(commit, cancellationToken).ConfigureAwait(false));
        }

        return await repository.FindAsync(commit, path, cancellationToken).ConfigureAwait(false) is { Type: "tree" } entry ? entry.Sha : null;
    }
}

/// <summary>Reading a commit object's text.</summary>
internal static class GitDataText
{
    /// <summary>The sha on the commit's <c>tree</c> line.</summary>
    public static string? TreeOf(string? raw) =>
        raw?.Split('\n').FirstOrDefault(l => l.StartsWith("tree ", StringComparison.Ordinal))?["tree ".Length..];
}
