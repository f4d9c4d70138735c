using GitOpsBridge.Git;
using GitOpsBridge.GitHubEmulator;
using Emulator = GitOpsBridge.GitHubEmulator.GitHubEmulator;

namespace GitOpsBridge.Tests.Git;

/// <summary>
/// A GitHub emulator hosting acme/gitops over smart HTTP, an installation token for it, and a
/// <see cref="GitWorkspace"/> with its own cache folder and a fixed clock. Everything is deleted on dispose.
/// </summary>
internal sealed class GitScenario : IAsyncDisposable
{
    public const string Owner = "acme";
    public const string Name = "gitops";
    public const string Repository = "acme/gitops";

    public static readonly DateTimeOffset Now = new(2025, 3, 14, 15, 9, 26, TimeSpan.Zero);

    public static readonly IReadOnlyDictionary<string, string> SeedFiles = new Dictionary<string, string>
    {
        ["README.md"] = "# gitops\n",
        [".github/gitops-bridge.yml"] = "version: 1\n",
        ["envs/dev/values.yaml"] = "image:\n  repository: ghcr.io/acme/api\n  tag: 1.4.0 # keep\n",
        ["envs/prod/values.yaml"] = "image:\n  repository: ghcr.io/acme/api\n  tag: 1.3.0\n",
    };

    // One 2048-bit App key for the whole run: generating one costs about a second of CPU.
    private static readonly Lazy<string> SharedKey = new(() =>
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem();
    });

    private readonly DirectoryInfo _root;

    private GitScenario(DirectoryInfo root, Emulator github, string token)
    {
        _root = root;
        GitHub = github;
        Token = token;
        Options = new GitOptions { WorkDirectory = Path.Combine(root.FullName, "cache"), GitUrl = github.BaseAddress.ToString() };
        Workspace = new GitWorkspace(Options, new FixedClock(Now));
    }

    public Emulator GitHub { get; }

    public string Token { get; }

    public GitOptions Options { get; }

    public GitWorkspace Workspace { get; }

    /// <summary>The emulator's bare repository, for the git CLI.</summary>
    public string ServerRepository => Path.Combine(_root.FullName, "emulator", "repositories", Owner, Name + ".git");

    /// <summary>The workspace's cached clone of acme/gitops.</summary>
    public string CachedClone => Workspace.ClonePath(Repository);

    public static async Task<GitScenario> StartAsync(IReadOnlyDictionary<string, string>? files = null)
    {
        var root = Directory.CreateTempSubdirectory("gitops-bridge-git-");
        var seed = Directory.CreateDirectory(Path.Combine(root.FullName, "seed"));
        foreach (var (path, text) in files ?? SeedFiles)
        {
            var full = Path.Combine(seed.FullName, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllBytesAsync(full, new System.Text.UTF8Encoding(false).GetBytes(text));
        }

        return await StartFromDirectoryAsync(root, seed.FullName);
    }

    /// <summary>Seeds the repository from a folder the test fills (bytes, links, large files).</summary>
    public static async Task<GitScenario> StartAsync(Action<string> fill)
    {
        var root = Directory.CreateTempSubdirectory("gitops-bridge-git-");
        var seed = Directory.CreateDirectory(Path.Combine(root.FullName, "seed"));
        fill(seed.FullName);
        return await StartFromDirectoryAsync(root, seed.FullName);
    }

    /// <summary>Runs the git CLI on the server's bare repository.</summary>
    public string ServerGit(params string[] arguments) =>
        TempRepository.Run("git", _root.FullName, null, ["--git-dir", ServerRepository, .. arguments]).StdOut.Trim();

    public async ValueTask DisposeAsync()
    {
        await GitHub.DisposeAsync();
        _root.Delete(recursive: true);
    }

    private static async Task<GitScenario> StartFromDirectoryAsync(DirectoryInfo root, string seed)
    {
        var github = await Emulator.StartAsync(new GitHubEmulatorOptions
        {
            PrivateKeyPem = SharedKey.Value,
            RootDirectory = Path.Combine(root.FullName, "emulator"),
        });
        await github.CreateRepositoryFromDirectoryAsync(Owner, Name, seed);
        var installation = github.CreateInstallation(Owner, Name);
        return new GitScenario(root, github, github.CreateInstallationToken(installation.Id).Token);
    }
}

/// <summary>A clock that always says the same time.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
