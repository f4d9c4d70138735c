using LibGit2Sharp;

namespace GitOpsBridge.Git;

/// <summary>Building commits in the cached clone, and publishing them by a push.</summary>
public sealed partial class GitWorkspace
{
    /// <inheritdoc />
    public Task<GitBuild?> BuildAsync(
        GitSnapshot baseSnapshot, IReadOnlyDictionary<string, string> files, string message, GitAuthor author, IReadOnlyList<string> replay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseSnapshot);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(author);
        ArgumentNullException.ThrowIfNull(replay);
        var name = GitRepositoryName.Parse(baseSnapshot.Repository);
        var blobs = Encode(files);
        return RunAsync(name, git => Build(git, name, baseSnapshot.Repository, baseSnapshot.CommitSha, blobs, message, author, replay), cancellationToken);
    }

    /// <inheritdoc />
    public Task PushAsync(string repository, string branch, string commitSha, bool force, string token, CancellationToken cancellationToken = default)
    {
        var name = GitRepositoryName.Parse(repository);
        CheckBranch(branch);
        ArgumentException.ThrowIfNullOrEmpty(token);
        return RunAsync(
            name,
            git =>
            {
                var commit = (ObjectId.TryParse(commitSha, out var id) ? git.Lookup<Commit>(id) : null)
                    ?? throw new ArgumentException($"commit {commitSha} is not in the clone of {name}; build it with BuildAsync first", nameof(commitSha));
                Push(git, name, branch, commit.Id, force, token, cancellationToken);
                return true;
            },
            cancellationToken);
    }

    private GitBuild? Build(
        Repository git, GitRepositoryName name, string repository, string baseSha, IReadOnlyList<(string Path, byte[] Bytes)> files, string message, GitAuthor author,
        IReadOnlyList<string> replay)
    {
        var baseCommit = (ObjectId.TryParse(baseSha, out var baseId) ? git.Lookup<Commit>(baseId) : null)
            ?? throw new InvalidOperationException($"commit {baseSha} is not in the clone of {name}; take the snapshot from FetchAsync");
        var tree = BuildTree(git, baseCommit, files);
        if (tree.Id == baseCommit.Tree.Id)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var bridge = new Signature(author.Name, author.Email, now);
        var tip = git.ObjectDatabase.CreateCommit(bridge, bridge, message, tree, [baseCommit], prettifyMessage: false);
        var commits = new List<GitBuiltCommit> { Describe(git, tip, baseCommit) };
        var skipped = new List<string>();
        GitReplayConflict? conflict = null;
        foreach (var sha in replay)
        {
            var person = (ObjectId.TryParse(sha, out var id) ? git.Lookup<Commit>(id) : null)
                ?? throw new ArgumentException($"commit {sha} is not in the clone of {name}; list it with CommitsAheadAsync", nameof(replay));
            if (person.Parents.Count() != 1)
            {
                skipped.Add(person.Sha);
                continue;
            }

            var result = git.ObjectDatabase.CherryPickCommit(person, tip, 0, new MergeTreeOptions { FailOnConflict = false, SkipReuc = true });
            if (result.Status != MergeTreeStatus.Succeeded)
            {
                var paths = result.Conflicts.Select(c => (c.Ours ?? c.Theirs ?? c.Ancestor).Path).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                conflict = new GitReplayConflict(person.Sha, person.MessageShort, paths);
                break;
            }

            if (result.Tree.Id == tip.Tree.Id)
            {
                // Already in the rebuilt branch (the person made the change the bridge makes now): an empty commit is dropped, as git rebase does.
                continue;
            }

            // The person stays the author; the bridge, which replays it, is the committer (as git rebase makes the rebaser).
            var replayed = git.ObjectDatabase.CreateCommit(person.Author, bridge, person.Message, result.Tree, [tip], prettifyMessage: false);
            commits.Add(Describe(git, replayed, tip));
            tip = replayed;
        }

        return new GitBuild(repository, baseCommit.Sha, baseCommit.Tree.Sha, commits, conflict, skipped);
    }

    /// <summary>The base commit's tree with the files replaced or added, written to the clone's object database.</summary>
    private static Tree BuildTree(Repository git, Commit baseCommit, IReadOnlyList<(string Path, byte[] Bytes)> files)
    {
        var definition = TreeDefinition.From(baseCommit);
        foreach (var (path, bytes) in files)
        {
            using var content = new MemoryStream(bytes, writable: false);
            var blob = git.ObjectDatabase.CreateBlob(content);
            definition.Add(path, blob, ModeFor(baseCommit, path));
        }

        return git.ObjectDatabase.CreateTree(definition);
    }

    private static GitBuiltCommit Describe(Repository git, Commit commit, Commit parent)
    {
        var changes = new List<GitTreeChange>();
        var compare = new CompareOptions { Similarity = SimilarityOptions.None, IncludeUnmodified = false };
        foreach (var change in git.Diff.Compare<TreeChanges>(parent.Tree, commit.Tree, compare))
        {
            if (change.Status is ChangeKind.Deleted)
            {
                changes.Add(new GitTreeChange(change.OldPath, null, null, null));
                continue;
            }

            var mode = Convert.ToString((int)change.Mode, 8).PadLeft(6, '0');
            var content = change.Mode == Mode.GitLink ? null : git.Lookup<Blob>(change.Oid).GetContentStream();
            byte[]? bytes = null;
            if (content is not null)
            {
                using (content)
                using (var buffer = new MemoryStream())
                {
                    content.CopyTo(buffer);
                    bytes = buffer.ToArray();
                }
            }

            changes.Add(new GitTreeChange(change.Path, mode, change.Oid.Sha, bytes));
        }

        return new GitBuiltCommit(
            commit.Sha, parent.Sha, commit.Tree.Sha, commit.Message, new GitAuthor(commit.Author.Name, commit.Author.Email), commit.Author.When, changes);
    }

    /// <summary>
    /// Pushes a commit of the clone to <c>refs/heads/{branch}</c>. Without <paramref name="force"/>
    /// libgit2 itself refuses a push that would not fast-forward the server's branch.
    /// </summary>
    private static void Push(Repository git, GitRepositoryName name, string branch, ObjectId commit, bool force, string token, CancellationToken cancellationToken)
    {
        // libgit2 pushes references, so the commit gets a local branch of the same name first.
        var local = $"refs/heads/{branch}";
        git.Refs.Add(local, commit, allowOverwrite: true);
        cancellationToken.ThrowIfCancellationRequested();

        string? rejection = null;
        string? moved = null;
        using (var remote = git.Network.Remotes[RemoteName])
        {
            try
            {
                Transport(name, token, cancellationToken, credentials =>
                {
                    var push = new PushOptions
                    {
                        CredentialsProvider = credentials,
                        OnPushStatusError = error => rejection = error.Message,
                        OnPushTransferProgress = (_, _, _) => !cancellationToken.IsCancellationRequested,
                        OnPackBuilderProgress = (_, _, _) => !cancellationToken.IsCancellationRequested,
                        OnNegotiationCompletedBeforePush = updates =>
                        {
                            // libgit2 sends a non-forced update that is not a fast-forward all the same (measured), and
                            // a git server takes it. The check is made here, on the tip this very push advertised: the
                            // server then updates the ref only if it still has that tip (a compare-and-swap).
                            moved = force ? null : updates.Select(u => u.DestinationObjectId).FirstOrDefault(old => !FastForward(git, old, commit))?.Sha;
                            return moved is null;
                        },
                    };
                    git.Network.Push(remote, $"{(force ? "+" : "")}{local}:{local}", push);
                    return true;
                });
            }
            catch (LibGit2SharpException) when (moved is not null)
            {
                throw new GitNonFastForwardException($"{branch} of {name} moved since it was fetched (it is at {moved})");
            }
            catch (NonFastForwardException)
            {
                throw new GitNonFastForwardException($"{branch} of {name} moved since it was fetched");
            }
        }

        if (rejection is not null)
        {
            // A forced update the server refuses met a rule (a protected branch), whatever the words.
            throw !force && Raced(rejection)
                ? new GitNonFastForwardException($"{name} refused the push to {branch}: {rejection}")
                : new GitPushRejectedException($"{name} refused the push to {branch}: {rejection}");
        }

        git.Refs.Add(TrackingRef(branch), commit, allowOverwrite: true);
    }

    /// <summary>Whether moving a ref from <paramref name="old"/> (zeros: no ref yet) to <paramref name="commit"/> is a fast-forward.</summary>
    private static bool FastForward(Repository git, ObjectId old, ObjectId commit) =>
        old == ObjectId.Zero
        || (git.ObjectDatabase.Contains(old) && git.Lookup<Commit>(old) is { } from && git.Lookup<Commit>(commit) is { } to
            && git.ObjectDatabase.FindMergeBase(from, to)?.Id == old);

    /// <summary>
    /// Whether a refused reference lost a race rather than met a rule: not a fast-forward, or the
    /// server's compare-and-swap on the ref failed because another push moved it after the
    /// advertisement ("failed to update ref", "cannot lock ref").
    /// </summary>
    internal static bool Raced(string rejection) =>
        new[] { "fast-forward", "fetch first", "failed to update ref", "cannot lock ref", "failed to lock" }.Any(r => rejection.Contains(r, StringComparison.OrdinalIgnoreCase));
}
