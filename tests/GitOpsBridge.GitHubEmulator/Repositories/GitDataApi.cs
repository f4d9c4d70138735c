using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>
/// The Git Data API (blobs, trees, commits, refs) on the hosted repositories: real objects, and the
/// emulator's signature rule (see <see cref="HostedRepository"/>) in every commit's <c>verification</c>.
/// https://docs.github.com/en/rest/git
/// </summary>
internal static class GitDataApi
{
    private const string BlobDocs = "https://docs.github.com/rest/git/blobs#create-a-blob";
    private const string TreeDocs = "https://docs.github.com/rest/git/trees#create-a-tree";
    private const string CommitDocs = "https://docs.github.com/rest/git/commits#create-a-commit";
    private const string RefDocs = "https://docs.github.com/rest/git/refs#update-a-reference";

    public static void MapGitDataApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHub(GitHubRoutes.CreateBlob, Authentication.InstallationToken, c => CreateBlobAsync(c, Repository(c)));
        endpoints.MapGitHub(GitHubRoutes.CreateTree, Authentication.InstallationToken, c => CreateTreeAsync(c, Repository(c)));
        endpoints.MapGitHub(GitHubRoutes.CreateGitCommit, Authentication.InstallationToken, c => CreateCommitAsync(c, Repository(c)));
        endpoints.MapGitHub(GitHubRoutes.GetGitCommit, Authentication.InstallationToken, c => GetCommitAsync(c, Repository(c), c.Value("commit_sha")));
        endpoints.MapGitHub(GitHubRoutes.CreateRef, Authentication.InstallationToken, c => CreateRefAsync(c, Repository(c)));
        endpoints.MapGitHub(GitHubRoutes.UpdateRef, Authentication.InstallationToken, c => UpdateRefAsync(c, Repository(c), c.Value("ref")), catchAll: "ref");
    }

    private static HostedRepository Repository(HttpContext context) => context.State().FindRepository(context.Value("owner"), context.Value("repo"))!;

    private static async Task<IResult> CreateBlobAsync(HttpContext context, HostedRepository repository)
    {
        if (await BodyAsync(context) is not { } body)
        {
            return GitHubResults.ProblemsParsingJson();
        }

        var content = Text(body, "content") ?? "";
        byte[] bytes;
        switch (Text(body, "encoding") ?? "utf-8")
        {
            case "utf-8":
                bytes = Encoding.UTF8.GetBytes(content);
                break;
            case "base64":
                try
                {
                    bytes = Convert.FromBase64String(content);
                }
                catch (FormatException)
                {
                    return GitHubResults.ValidationFailed(BlobDocs, GitHubResults.FieldError("Blob", "invalid", "content"));
                }

                break;
            default:
                return GitHubResults.ValidationFailed(BlobDocs, GitHubResults.FieldError("Blob", "invalid", "encoding"));
        }

        var sha = await repository.WriteBlobAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        return GitHubResults.Json(new JsonObject { ["url"] = $"{Api(context)}/repos/{repository.FullName}/git/blobs/{sha}", ["sha"] = sha }, StatusCodes.Status201Created);
    }

    private static async Task<IResult> CreateTreeAsync(HttpContext context, HostedRepository repository)
    {
        if (await BodyAsync(context) is not { } body || body["tree"] is not JsonArray tree)
        {
            return GitHubResults.ProblemsParsingJson();
        }

        var cancellationToken = context.RequestAborted;
        var baseTree = Text(body, "base_tree");
        if (baseTree is not null && await repository.ObjectTypeAsync(baseTree, cancellationToken).ConfigureAwait(false) != "tree")
        {
            return GitHubResults.ValidationFailed(TreeDocs, GitHubResults.FieldError("Tree", "invalid", "base_tree", "base_tree is not a valid tree oid"));
        }

        var entries = new List<TreeInput>();
        foreach (var item in tree.OfType<JsonObject>())
        {
            var entry = new TreeInput(Text(item, "path") ?? "", Text(item, "mode") ?? "", Text(item, "type") ?? "blob", Text(item, "sha"), Text(item, "content"));
            var wanted = entry.Type == "tree" ? "tree" : entry.Type == "commit" ? null : "blob";
            if (entry.Path.Trim('/').Length == 0 || !HostedRepository.IsSafeRefName(entry.Path.Replace('/', '-'))
                || (entry.Sha is not null && entry.Content is not null)
                || (entry.Sha is not null && wanted is not null && await repository.ObjectTypeAsync(entry.Sha, cancellationToken).ConfigureAwait(false) != wanted)
                || (entry.Sha is null && entry.Content is null && baseTree is null))
            {
                return GitHubResults.ValidationFailed(TreeDocs, GitHubResults.FieldError("Tree", "invalid", "tree", $"tree.path {entry.Path} or its sha is invalid"));
            }

            entries.Add(entry);
        }

        var sha = await repository.WriteTreeAsync(baseTree, entries, cancellationToken).ConfigureAwait(false);
        var listing = await repository.ListTreeAsync(sha, null, recursive: false, cancellationToken).ConfigureAwait(false);
        var api = Api(context);
        return GitHubResults.Json(
            new JsonObject
            {
                ["sha"] = sha,
                ["url"] = $"{api}/repos/{repository.FullName}/git/trees/{sha}",
                ["tree"] = new JsonArray([.. listing.Select(e => (JsonNode)TreeEntry(api, repository, e))]),
                ["truncated"] = false,
            },
            StatusCodes.Status201Created);
    }

    private static async Task<IResult> CreateCommitAsync(HttpContext context, HostedRepository repository)
    {
        if (await BodyAsync(context) is not { } body)
        {
            return GitHubResults.ProblemsParsingJson();
        }

        var cancellationToken = context.RequestAborted;
        var tree = Text(body, "tree") ?? "";
        if (await repository.ObjectTypeAsync(tree, cancellationToken).ConfigureAwait(false) != "tree")
        {
            return GitHubResults.ValidationFailed(CommitDocs, GitHubResults.FieldError("Commit", "invalid", "tree", "Tree SHA does not exist"));
        }

        var parents = (body["parents"] as JsonArray)?.Select(p => p?.GetValue<string>() ?? "").ToList() ?? [];
        foreach (var parent in parents)
        {
            if (await repository.ObjectTypeAsync(parent, cancellationToken).ConfigureAwait(false) != "commit")
            {
                return GitHubResults.ValidationFailed(CommitDocs, GitHubResults.FieldError("Commit", "invalid", "parents", "Parent SHA does not exist or is not a commit object"));
            }
        }

        var state = context.State();
        var author = Identity(body["author"] as JsonObject);
        var committer = Identity(body["committer"] as JsonObject);
        var sha = await repository.WriteCommitAsync(Text(body, "message") ?? "", tree, parents, author, committer, state.Now, cancellationToken).ConfigureAwait(false);
        return GitHubResults.Json(await CommitJsonAsync(context, repository, sha), StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetCommitAsync(HttpContext context, HostedRepository repository, string sha) =>
        await repository.ReadCommitAsync(sha, context.RequestAborted).ConfigureAwait(false) is null
            ? GitHubResults.Error(StatusCodes.Status404NotFound, "Not Found", "https://docs.github.com/rest/git/commits#get-a-commit-object")
            : GitHubResults.Json(await CommitJsonAsync(context, repository, sha));

    private static async Task<IResult> CreateRefAsync(HttpContext context, HostedRepository repository)
    {
        if (await BodyAsync(context) is not { } body)
        {
            return GitHubResults.ProblemsParsingJson();
        }

        var reference = Text(body, "ref") ?? "";
        var sha = Text(body, "sha") ?? "";
        if (!reference.StartsWith("refs/heads/", StringComparison.Ordinal) || !HostedRepository.IsSafeRefName(reference["refs/heads/".Length..]))
        {
            return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, "Reference name is not valid", "https://docs.github.com/rest/git/refs#create-a-reference");
        }

        var branch = reference["refs/heads/".Length..];
        if (await repository.UpdateBranchAsync(branch, sha, force: false, create: true, context.RequestAborted).ConfigureAwait(false) is { } refusal)
        {
            return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, refusal, "https://docs.github.com/rest/git/refs#create-a-reference");
        }

        return GitHubResults.Json(context.Json().GitRef(repository, reference, sha), StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateRefAsync(HttpContext context, HostedRepository repository, string reference)
    {
        if (await BodyAsync(context) is not { } body)
        {
            return GitHubResults.ProblemsParsingJson();
        }

        var sha = Text(body, "sha") ?? "";
        var force = body["force"] is JsonValue f && f.TryGetValue<bool>(out var forced) && forced;
        var branch = reference.StartsWith("heads/", StringComparison.Ordinal) ? reference["heads/".Length..] : null;
        if (branch is null || !HostedRepository.IsSafeRefName(branch))
        {
            return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, "Reference does not exist", RefDocs);
        }

        if (await repository.UpdateBranchAsync(branch, sha, force, create: false, context.RequestAborted).ConfigureAwait(false) is { } refusal)
        {
            // GitHub's words for a protected branch: "Protected branch update failed for refs/heads/main." plus the rule.
            var message = repository.ProtectionOf(branch) is not null && refusal is not ("Update is not a fast forward" or "Object does not exist")
                ? $"Protected branch update failed for refs/heads/{branch}. {refusal}"
                : refusal;
            return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, message, RefDocs);
        }

        return GitHubResults.Json(context.Json().GitRef(repository, $"refs/{reference}", sha));
    }

    /// <summary><c>git-commit</c>, read from the object, with the emulator's verification.</summary>
    private static async Task<JsonObject> CommitJsonAsync(HttpContext context, HostedRepository repository, string sha)
    {
        var raw = (await repository.ReadCommitAsync(sha, context.RequestAborted).ConfigureAwait(false))!;
        var commit = RawCommit.Parse(raw);
        var api = Api(context);
        var web = context.State().ApiRoot;
        var verified = repository.IsVerified(sha);
        var verification = verified
            ? new JsonObject { ["verified"] = true, ["reason"] = "valid", ["signature"] = null, ["payload"] = raw, ["verified_at"] = Representations.Timestamp(commit.Committer.Date ?? context.State().Now) }
            : commit.Signature is { } signature
                ? new JsonObject { ["verified"] = false, ["reason"] = "unknown_key", ["signature"] = signature, ["payload"] = commit.Payload, ["verified_at"] = null }
                : new JsonObject { ["verified"] = false, ["reason"] = "unsigned", ["signature"] = null, ["payload"] = null, ["verified_at"] = null };
        return new JsonObject
        {
            ["sha"] = sha,
            ["node_id"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"C_{repository.Id}:{sha}")),
            ["url"] = $"{api}/repos/{repository.FullName}/git/commits/{sha}",
            ["html_url"] = $"{web}/{repository.FullName}/commit/{sha}",
            ["author"] = Person(commit.Author),
            ["committer"] = Person(commit.Committer),
            ["tree"] = new JsonObject { ["sha"] = commit.Tree, ["url"] = $"{api}/repos/{repository.FullName}/git/trees/{commit.Tree}" },
            ["message"] = commit.Message,
            ["parents"] = new JsonArray([.. commit.Parents.Select(p => (JsonNode)new JsonObject
            {
                ["sha"] = p,
                ["url"] = $"{api}/repos/{repository.FullName}/git/commits/{p}",
                ["html_url"] = $"{web}/{repository.FullName}/commit/{p}",
            })]),
            ["verification"] = verification,
        };
    }

    /// <summary>An entry of <c>git-tree</c>: GitHub gives a size for blobs only.</summary>
    private static JsonObject TreeEntry(string api, HostedRepository repository, TreeEntry entry)
    {
        var json = new JsonObject { ["path"] = entry.Path, ["mode"] = entry.Mode, ["type"] = entry.Type, ["sha"] = entry.Sha };
        if (entry.Type == "blob")
        {
            json["size"] = entry.Size;
        }

        json["url"] = $"{api}/repos/{repository.FullName}/git/{entry.Type}s/{entry.Sha}";
        return json;
    }

    private static JsonObject Person(GitIdentity identity) => new()
    {
        ["date"] = Representations.Timestamp(identity.Date ?? DateTimeOffset.UnixEpoch),
        ["email"] = identity.Email,
        ["name"] = identity.Name,
    };

    private static GitIdentity? Identity(JsonObject? node) =>
        node is null || Text(node, "name") is not { } name || Text(node, "email") is not { } email
            ? null
            : new GitIdentity(name, email, Text(node, "date") is { } date && DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : null);

    private static async Task<JsonObject?> BodyAsync(HttpContext context)
    {
        try
        {
            return await GitHubResults.ReadJsonAsync(context.Request, context.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject node, string name) => node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Api(HttpContext context) => context.State().ApiRoot;

    /// <summary>The parts of a commit object's text.</summary>
    private sealed record RawCommit(string Tree, IReadOnlyList<string> Parents, GitIdentity Author, GitIdentity Committer, string? Signature, string Payload, string Message)
    {
        public static RawCommit Parse(string raw)
        {
            var split = raw.IndexOf("\n\n", StringComparison.Ordinal);
            var headers = split < 0 ? raw : raw[..split];
            var message = split < 0 ? "" : raw[(split + 2)..];
            string tree = "";
            var parents = new List<string>();
            GitIdentity? author = null, committer = null;
            var signature = new StringBuilder();
            var payload = new StringBuilder();
            var inSignature = false;
            foreach (var line in headers.Split('\n'))
            {
                if (inSignature && line.StartsWith(' '))
                {
                    signature.Append('\n').Append(line[1..]);
                    continue;
                }

                inSignature = false;
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var (key, value) = space < 0 ? (line, "") : (line[..space], line[(space + 1)..]);
                switch (key)
                {
                    case "tree": tree = value; break;
                    case "parent": parents.Add(value); break;
                    case "author": author = Person(value); break;
                    case "committer": committer = Person(value); break;
                    case "gpgsig":
                        signature.Append(value);
                        inSignature = true;
                        continue;
                }

                payload.Append(line).Append('\n');
            }

            var unknown = new GitIdentity("", "", null);
            return new RawCommit(tree, parents, author ?? unknown, committer ?? unknown, signature.Length > 0 ? signature.ToString() : null, payload + "\n" + message, message);
        }

        /// <summary><c>Name &lt;email&gt; 1700000000 +0100</c>.</summary>
        private static GitIdentity Person(string value)
        {
            var open = value.IndexOf('<', StringComparison.Ordinal);
            var close = value.IndexOf('>', StringComparison.Ordinal);
            if (open < 0 || close < open)
            {
                return new GitIdentity(value, "", null);
            }

            var when = value[(close + 1)..].Trim().Split(' ');
            DateTimeOffset? date = when.Length == 2 && long.TryParse(when[0], CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds).ToOffset(Offset(when[1]))
                : null;
            return new GitIdentity(value[..open].Trim(), value[(open + 1)..close], date);
        }

        private static TimeSpan Offset(string zone) =>
            zone.Length == 5 && int.TryParse(zone[1..3], CultureInfo.InvariantCulture, out var hours) && int.TryParse(zone[3..], CultureInfo.InvariantCulture, out var minutes)
                ? (zone[0] == '-' ? -1 : 1) * new TimeSpan(hours, minutes, 0)
                : TimeSpan.Zero;
    }
}
