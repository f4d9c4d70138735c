using System.Diagnostics;
using System.Net.Http.Headers;
using Octokit;

namespace GitOpsBridge.GitHubEmulator.Tests;

/// <summary>An emulator with one seeded repository (acme/gitops) installed, and clients for it.</summary>
internal sealed class Scenario : IAsyncDisposable
{
    public const string Owner = "acme";
    public const string Repo = "gitops";

    public static readonly IReadOnlyDictionary<string, string> SeedFiles = new Dictionary<string, string>
    {
        ["README.md"] = "# gitops\n",
        ["envs/dev/values.yaml"] = "image:\n  repository: ghcr.io/acme/api\n  tag: 1.4.0 # keep\n",
        ["envs/prod/values.yaml"] = "image:\n  repository: ghcr.io/acme/api\n  tag: 1.3.0\n",
    };

    private Scenario(GitHubEmulator github, EmulatedRepository repository, EmulatedInstallation installation, EmulatedToken token)
    {
        GitHub = github;
        Repository = repository;
        Installation = installation;
        Token = token;
    }

    public GitHubEmulator GitHub { get; }

    public EmulatedRepository Repository { get; }

    public EmulatedInstallation Installation { get; }

    public EmulatedToken Token { get; }

    public static async Task<Scenario> StartAsync(GitHubEmulatorOptions? options = null)
    {
        var github = await GitHubEmulator.StartAsync(TestKeys.WithSharedKey(options));
        var repository = await github.CreateRepositoryAsync(Owner, Repo, SeedFiles);
        var installation = github.CreateInstallation(Owner, Repo);
        return new Scenario(github, repository, installation, github.CreateInstallationToken(installation.Id));
    }

    /// <summary>Octokit as the bridge uses it: an installation token against the emulator's base address.</summary>
    public GitHubClient Octokit(string? token = null) =>
        new(new Octokit.ProductHeaderValue("gitops-bridge-tests"), GitHub.BaseAddress) { Credentials = new Credentials(token ?? Token.Token) };

    /// <summary>Octokit authenticated as the App (JWT).</summary>
    public GitHubClient OctokitAsApp(string? jwt = null) =>
        new(new Octokit.ProductHeaderValue("gitops-bridge-tests"), GitHub.BaseAddress) { Credentials = new Credentials(jwt ?? GitHub.CreateAppJwt(), AuthenticationType.Bearer) };

    /// <summary>A raw client with an Authorization header, for what Octokit hides (headers, exact bodies).</summary>
    public HttpClient Http(string scheme = "token", string? credential = null)
    {
        var client = new HttpClient { BaseAddress = GitHub.BaseAddress };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("gitops-bridge-tests");
        client.DefaultRequestHeaders.Accept.ParseAdd("application/vnd.github+json");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, credential ?? Token.Token);
        return client;
    }

    /// <summary>Creates a branch with one changed file and opens nothing: what the bridge pushes before its PR.</summary>
    public Task<string> PushBranchAsync(string branch, string tag = "1.5.0") =>
        GitHub.CommitAsync(Owner, Repo, branch, new Dictionary<string, string?> { ["envs/dev/values.yaml"] = $"image:\n  repository: ghcr.io/acme/api\n  tag: {tag} # keep\n" }, $"Update api to {tag}");

    public async ValueTask DisposeAsync()
    {
        await GitHub.DisposeAsync();
    }
}

/// <summary>
/// One App key for the whole run: a 2048-bit key costs about a second of CPU here, so emulators
/// share it (one test proves an emulator makes its own when given none).
/// </summary>
internal static class TestKeys
{
    private static readonly Lazy<string> SharedPem = new(() =>
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem();
    });

    public static string Pem => SharedPem.Value;

    public static GitHubEmulatorOptions WithSharedKey(GitHubEmulatorOptions? options = null)
    {
        options ??= new GitHubEmulatorOptions();
        options.PrivateKeyPem ??= Pem;
        return options;
    }
}

/// <summary>Runs the git CLI the way a person or CI would, with no user config and no prompts.</summary>
internal static class GitCommand
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        startInfo.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        startInfo.Environment["GIT_TERMINAL_PROMPT"] = "0";
        startInfo.Environment["GIT_ASKPASS"] = "/bin/false";
        startInfo.Environment["GIT_AUTHOR_NAME"] = "Test";
        startInfo.Environment["GIT_AUTHOR_EMAIL"] = "test@example.com";
        startInfo.Environment["GIT_COMMITTER_NAME"] = "Test";
        startInfo.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public static Uri WithToken(Uri cloneUrl, string token) =>
        new UriBuilder(cloneUrl) { UserName = "x-access-token", Password = token }.Uri;
}
