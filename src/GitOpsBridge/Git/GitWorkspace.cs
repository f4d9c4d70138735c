using System.Collections.Concurrent;
using System.Text;
using GitOpsBridge.Core.Config;
using LibGit2Sharp;
using LibGit2Sharp.Handlers;

namespace GitOpsBridge.Git;

/// <summary>
/// <see cref="IGitWorkspace"/> on LibGit2Sharp. Each repository has one bare clone under
/// <see cref="GitOptions.WorkDirectory"/> and one lock; branches are fetched one at a time into
/// <c>refs/remotes/origin/*</c>. Commits are built from blobs in memory: there is no working tree.
/// The token reaches libgit2 only through the credentials callback, so it is never in a URL, in the
/// clone's config or in an exception message.
/// </summary>
public sealed partial class GitWorkspace(GitOptions options, TimeProvider time) : IGitWorkspace
{
    private const string RemoteName = "origin";

    // Text is written exactly as given: no BOM added, and a leading U+FEFF is kept as EF BB BF.
    // Throwing on lone surrogates keeps a broken string from becoming '?' in a commit.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<GitSnapshot> FetchAsync(string repository, string branch, string token, CancellationToken cancellationToken = default)
    {
        var name = GitRepositoryName.Parse(repository);
        CheckBranch(branch);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var sha = await RunAsync(name, git => FetchBranch(git, name, branch, token, cancellationToken), cancellationToken).ConfigureAwait(false)
            ?? throw new GitBranchNotFoundException(repository, branch);
        return new GitSnapshot(repository, branch, sha, new GitTreeFiles(ClonePath(name), sha));
    }

    /// <inheritdoc />
    public Task<string?> GetRemoteBranchShaAsync(string repository, string branch, string token, CancellationToken cancellationToken = default)
    {
        var name = GitRepositoryName.Parse(repository);
        CheckBranch(branch);
        ArgumentException.ThrowIfNullOrEmpty(token);
        return RunAsync(name, git => ListRemoteBranch(git, name, branch, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> CommitAndPushAsync(
        GitSnapshot baseSnapshot, string branch, IReadOnlyDictionary<string, string> files, string message, GitAuthor author, string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseSnapshot);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(author);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var name = GitRepositoryName.Parse(baseSnapshot.Repository);
        CheckBranch(branch);
        var blobs = Encode(files);
        return RunAsync(name, git => CommitAndPush(git, name, baseSnapshot.CommitSha, branch, blobs, message, author, token, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<(string Sha, string AuthorEmail, string Message)>> CommitsAheadAsync(
        string repository, string baseCommit, string branch, string token, CancellationToken cancellationToken = default)
    {
        var name = GitRepositoryName.Parse(repository);
        CheckBranch(branch);
        ArgumentException.ThrowIfNullOrEmpty(token);
        if (!ObjectId.TryParse(baseCommit, out var baseId))
        {
            throw new ArgumentException($"'{baseCommit}' is not a commit id", nameof(baseCommit));
        }

        return RunAsync<IReadOnlyList<(string, string, string)>>(
            name,
            git =>
            {
                var tip = FetchBranch(git, name, branch, token, cancellationToken);
                if (tip is null)
                {
                    return [];
                }

                if (git.Lookup<Commit>(baseId) is null)
                {
                    throw new ArgumentException($"commit {baseCommit} is not in the clone of {name}; fetch the branch it is on first", nameof(baseCommit));
                }

                var filter = new CommitFilter
                {
                    IncludeReachableFrom = tip,
                    ExcludeReachableFrom = baseId,
                    SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Time,
                };
                return git.Commits.QueryBy(filter).Select(c => (c.Sha, c.Author.Email, c.Message.TrimEnd('\n'))).ToList();
            },
            cancellationToken);
    }

    /// <summary>The cached clone of a repository (exists after its first fetch).</summary>
    internal string ClonePath(string repository) => ClonePath(GitRepositoryName.Parse(repository));

    private string ClonePath(GitRepositoryName name)
    {
        if (string.IsNullOrWhiteSpace(options.WorkDirectory))
        {
            throw new InvalidOperationException($"{nameof(GitOptions)}.{nameof(GitOptions.WorkDirectory)} is not set");
        }

        return Path.Combine(Path.GetFullPath(options.WorkDirectory), name.Owner.ToLowerInvariant(), name.Name.ToLowerInvariant() + ".git");
    }

    private string RemoteUrl(GitRepositoryName name)
    {
        if (!Uri.TryCreate(options.GitUrl, UriKind.Absolute, out var server) || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException($"{nameof(GitOptions)}.{nameof(GitOptions.GitUrl)} must be an http(s) URL such as https://github.com");
        }

        // A token in the URL would be saved in the clone's config (measured): only the callback carries it.
        if (server.UserInfo.Length > 0)
        {
            throw new InvalidOperationException($"{nameof(GitOptions)}.{nameof(GitOptions.GitUrl)} must not contain credentials");
        }

        return $"{server.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{name.Owner}/{name.Name}.git";
    }

    /// <summary>
    /// Runs work on the repository's clone under its lock, on a thread-pool thread: libgit2 blocks
    /// and calls back synchronously.
    /// </summary>
    private async Task<T> RunAsync<T>(GitRepositoryName name, Func<Repository, T> work, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(name.Key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(
                () =>
                {
                    using var git = Open(name);
                    return work(git);
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Opens the clone, creating it on first use. It is made with init + remote + fetch rather than
    /// <c>Repository.Clone</c>: only the branches asked for are downloaded, and a clone cut short by a
    /// crash is completed by the next call instead of blocking the folder.
    /// </summary>
    private Repository Open(GitRepositoryName name)
    {
        var path = ClonePath(name);
        var url = RemoteUrl(name);
        if (!Repository.IsValid(path))
        {
            Directory.CreateDirectory(path);
            Repository.Init(path, isBare: true);
        }

        var git = new Repository(path);
        try
        {
            using var remote = git.Network.Remotes[RemoteName];
            if (remote is null)
            {
                git.Network.Remotes.Add(RemoteName, url);
            }
            else if (remote.Url != url)
            {
                git.Network.Remotes.Update(RemoteName, r => r.Url = url);
            }

            return git;
        }
        catch
        {
            git.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Brings <c>refs/remotes/origin/{branch}</c> up to the server's tip and returns it, or null when
    /// the branch does not exist. The ls-remote first tells a missing branch apart (libgit2 ignores a
    /// refspec that matches nothing) and skips the fetch when the tip is already here, as it is after
    /// our own push.
    /// </summary>
    private static string? FetchBranch(Repository git, GitRepositoryName name, string branch, string token, CancellationToken cancellationToken)
    {
        var tracking = TrackingRef(branch);
        var advertised = ListRemoteBranch(git, name, branch, token);
        if (advertised is null)
        {
            if (git.Refs[tracking] is not null)
            {
                git.Refs.Remove(tracking);
            }

            return null;
        }

        var id = new ObjectId(advertised);
        if (git.ObjectDatabase.Contains(id))
        {
            git.Refs.Add(tracking, id, allowOverwrite: true);
            return advertised;
        }

        cancellationToken.ThrowIfCancellationRequested();
        Transport(name, token, cancellationToken, credentials =>
        {
            var fetch = new FetchOptions
            {
                CredentialsProvider = credentials,
                TagFetchMode = TagFetchMode.None,
                OnTransferProgress = _ => !cancellationToken.IsCancellationRequested,
                OnProgress = _ => !cancellationToken.IsCancellationRequested,
            };
            Commands.Fetch(git, RemoteName, [$"+refs/heads/{branch}:{tracking}"], fetch, logMessage: null);
            return true;
        });

        // The branch may have moved again between the ls-remote and the fetch; the fetch wins.
        return git.Refs[tracking]?.TargetIdentifier;
    }

    private static string? ListRemoteBranch(Repository git, GitRepositoryName name, string branch, string token)
    {
        var wanted = $"refs/heads/{branch}";
        using var remote = git.Network.Remotes[RemoteName];
        return Transport(name, token, CancellationToken.None, credentials =>
            git.Network.ListReferences(remote, credentials).FirstOrDefault(r => r.CanonicalName == wanted)?.TargetIdentifier);
    }

    private string? CommitAndPush(
        Repository git, GitRepositoryName name, string baseSha, string branch, IReadOnlyList<(string Path, byte[] Bytes)> files, string message, GitAuthor author, string token,
        CancellationToken cancellationToken)
    {
        var baseCommit = (ObjectId.TryParse(baseSha, out var baseId) ? git.Lookup<Commit>(baseId) : null)
            ?? throw new InvalidOperationException($"commit {baseSha} is not in the clone of {name}; take the snapshot from FetchAsync");

        var tree = BuildTree(git, baseCommit, files);
        if (tree.Id == baseCommit.Tree.Id)
        {
            return null;
        }

        var signature = new Signature(author.Name, author.Email, time.GetUtcNow());
        var commit = git.ObjectDatabase.CreateCommit(signature, signature, message, tree, [baseCommit], prettifyMessage: false);

        Push(git, name, branch, commit.Id, force: true, token, cancellationToken);
        return commit.Sha;
    }

    /// <summary>Keeps an executable file executable; anything else becomes a regular file.</summary>
    private static Mode ModeFor(Commit baseCommit, string path)
    {
        var segments = path.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            var folder = string.Join('/', segments[..i]);
            if (baseCommit[folder] is { TargetType: not TreeEntryTargetType.Tree })
            {
                throw new ArgumentException($"cannot write {path}: {folder} is not a folder", nameof(path));
            }
        }

        return baseCommit[path] switch
        {
            null => Mode.NonExecutableFile,
            { TargetType: TreeEntryTargetType.Tree } => throw new ArgumentException($"cannot write {path}: it is a folder", nameof(path)),
            { Mode: Mode.SymbolicLink } => throw new ArgumentException($"cannot write {path}: it is a symbolic link", nameof(path)),
            { Mode: Mode.ExecutableFile } => Mode.ExecutableFile,
            { Mode: Mode.NonExecutableFile } => Mode.NonExecutableFile,
            _ => throw new ArgumentException($"cannot write {path}: it is a submodule", nameof(path)),
        };
    }

    /// <summary>
    /// Runs one libgit2 network operation with its own credentials counter, translating a refused
    /// token and a cancellation into our exceptions.
    /// </summary>
    private static T Transport<T>(GitRepositoryName name, string token, CancellationToken cancellationToken, Func<CredentialsHandler, T> operation)
    {
        var credentials = new TokenCredentials(token);
        try
        {
            return operation(credentials.Provide);
        }
        catch (LibGit2SharpException) when (credentials.Refused)
        {
            throw new GitAuthenticationException($"the git server refused the installation token for {name}");
        }
        catch (UserCancelledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static List<(string Path, byte[] Bytes)> Encode(IReadOnlyDictionary<string, string> files)
    {
        var encoded = new List<(string, byte[])>(files.Count);
        foreach (var (path, text) in files)
        {
            if (!RepositoryPaths.TryNormalize(path, out var normalized, out var error))
            {
                throw new ArgumentException($"the path {path} {error}", nameof(files));
            }

            ArgumentNullException.ThrowIfNull(text, nameof(files));
            try
            {
                encoded.Add((normalized, Utf8.GetBytes(text)));
            }
            catch (EncoderFallbackException)
            {
                throw new ArgumentException($"the text for {path} is not valid UTF-16 (a lone surrogate)", nameof(files));
            }
        }

        return encoded;
    }

    private static void CheckBranch(string branch)
    {
        ArgumentException.ThrowIfNullOrEmpty(branch);
        if (!Reference.IsValidName($"refs/heads/{branch}"))
        {
            throw new ArgumentException($"'{branch}' is not a valid branch name", nameof(branch));
        }
    }

    private static string TrackingRef(string branch) => $"refs/remotes/{RemoteName}/{branch}";
}
