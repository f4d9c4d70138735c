using System.Text.Json.Nodes;
using Octokit;

namespace GitOpsBridge.GitHub;

/// <summary>
/// GitHub's Git Data API: blobs, trees, commits and refs. A commit an App makes here is signed by
/// GitHub and shown as Verified, which branch protection's "require signed commits" asks for.
/// https://docs.github.com/en/rest/git
/// </summary>
public sealed partial class GitHubApi
{
    /// <inheritdoc />
    public async Task<string> CreateBlobAsync(long installationId, string repository, byte[] content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);

        // base64: the bytes exactly, whatever they are (a BOM, CRLF, not UTF-8 at all).
        var path = $"{RepositoryPath(repository)}/git/blobs";
        var body = new JsonObject { ["content"] = Convert.ToBase64String(content), ["encoding"] = "base64" }.ToJsonString();
        var response = await SendAsync(installationId, "POST", path, c => c.Post<ShaBody>(Relative(path), body, Json, JsonContent, NoParameters, ct), ct).ConfigureAwait(false);
        return response.Body.Sha ?? throw new GitHubApiException(0, $"POST {path} answered no sha");
    }

    /// <inheritdoc />
    public async Task<string> CreateTreeAsync(long installationId, string repository, string baseTree, IReadOnlyList<GitDataTreeEntry> entries, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseTree);
        ArgumentNullException.ThrowIfNull(entries);
        var path = $"{RepositoryPath(repository)}/git/trees";
        var tree = new JsonArray();
        foreach (var entry in entries)
        {
            // A null sha is sent (not left out): that is how the API deletes a path from base_tree.
            tree.Add(new JsonObject { ["path"] = entry.Path, ["mode"] = entry.Mode, ["type"] = entry.Type, ["sha"] = entry.Sha });
        }

        var body = new JsonObject { ["base_tree"] = baseTree, ["tree"] = tree }.ToJsonString();
        var response = await SendAsync(installationId, "POST", path, c => c.Post<ShaBody>(Relative(path), body, Json, JsonContent, NoParameters, ct), ct).ConfigureAwait(false);
        return response.Body.Sha ?? throw new GitHubApiException(0, $"POST {path} answered no sha");
    }

    /// <inheritdoc />
    public async Task<GitDataCommit> CreateCommitAsync(
        long installationId, string repository, string message, string tree, IReadOnlyList<string> parents, GitDataAuthor? author, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrWhiteSpace(tree);
        ArgumentNullException.ThrowIfNull(parents);

        // No committer: GitHub commits (and signs) as itself, so the commit is Verified. An author
        // keeps a person's name on a replayed commit, and the bridge's on its own.
        var path = $"{RepositoryPath(repository)}/git/commits";
        var body = new JsonObject { ["message"] = message, ["tree"] = tree, ["parents"] = new JsonArray([.. parents.Select(p => (JsonNode)p)]) };
        if (author is not null)
        {
            body["author"] = new JsonObject { ["name"] = author.Name, ["email"] = author.Email, ["date"] = author.Date.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) };
        }

        var json = body.ToJsonString();
        var response = await SendAsync(installationId, "POST", path, c => c.Post<CommitBody>(Relative(path), json, Json, JsonContent, NoParameters, ct), ct).ConfigureAwait(false);
        return response.Body.ToCommit(path);
    }

    /// <inheritdoc />
    public async Task<GitDataCommit> GetCommitAsync(long installationId, string repository, string sha, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        var path = $"{RepositoryPath(repository)}/git/commits/{Uri.EscapeDataString(sha)}";
        var response = await SendAsync(installationId, "GET", path, c => c.Get<CommitBody>(Relative(path), null, Json, ct), ct).ConfigureAwait(false);
        return response.Body.ToCommit(path);
    }

    /// <inheritdoc />
    public async Task SetBranchAsync(long installationId, string repository, string branch, string sha, bool force, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(branch);
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        var path = $"{RepositoryPath(repository)}/git/refs/heads/{Segments(branch)}";
        var update = new JsonObject { ["sha"] = sha, ["force"] = force }.ToJsonString();
        try
        {
            await SendAsync(installationId, "PATCH", path, c => c.Patch<ShaBody>(Relative(path), update, Json), ct).ConfigureAwait(false);
            return;
        }
        catch (GitHubApiException exception) when (IsGone(exception))
        {
            // No such branch yet: created below.
        }

        var create = $"{RepositoryPath(repository)}/git/refs";
        var body = new JsonObject { ["ref"] = $"refs/heads/{branch}", ["sha"] = sha }.ToJsonString();
        await SendAsync(installationId, "POST", create, c => c.Post<ShaBody>(Relative(create), body, Json, JsonContent, NoParameters, ct), ct).ConfigureAwait(false);
    }

    /// <summary>The part of <c>short-blob</c>, <c>git-tree</c> and <c>git-ref</c> the bridge reads.</summary>
    private sealed class ShaBody
    {
        public string? Sha { get; private set; }
    }

    /// <summary>The part of <c>git-commit</c> the bridge reads.</summary>
    private sealed class CommitBody
    {
        public string? Sha { get; private set; }

        public TreeBody? Tree { get; private set; }

        public VerificationBody? Verification { get; private set; }

        public GitDataCommit ToCommit(string path) =>
            new(Sha ?? throw new GitHubApiException(0, $"{path} answered no sha"), Tree?.Sha ?? "", Verification?.Verified ?? false, Verification?.Reason ?? "unknown");
    }

    private sealed class TreeBody
    {
        public string? Sha { get; private set; }
    }

    private sealed class VerificationBody
    {
        public bool Verified { get; private set; }

        public string? Reason { get; private set; }
    }
}
