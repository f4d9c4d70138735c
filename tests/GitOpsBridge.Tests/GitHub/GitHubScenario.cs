using System.Security.Cryptography;
using GitOpsBridge.GitHub;
using GitOpsBridge.GitHubEmulator;

namespace GitOpsBridge.Tests.GitHub;

/// <summary>
/// An emulated GitHub with acme/gitops installed, and the bridge's GitHub stack pointed at it the way
/// the host will wire it: options, key, JWT factory, token cache, budget and API client.
/// </summary>
internal sealed class GitHubScenario : IAsyncDisposable
{
    public const string Owner = "acme";
    public const string Repo = "gitops";
    public const string Repository = "acme/gitops";

    public static readonly IReadOnlyDictionary<string, string> SeedFiles = new Dictionary<string, string>
    {
        ["README.md"] = "# gitops\n",
        ["envs/dev/values.yaml"] = "image:\n  repository: ghcr.io/acme/api\n  tag: 1.4.0 # keep\n",
    };

    private readonly RSA _key;

    private GitHubScenario(GitHubEmulator.GitHubEmulator emulator, EmulatedInstallation installation, TimeProvider time, GitHubOptions options, RSA key, int pageSize)
    {
        Emulator = emulator;
        Installation = installation;
        Time = time;
        Options = options;
        _key = key;
        Jwt = new AppJwtFactory(options.AppId, key, time);
        Tokens = new InstallationTokens(options, Jwt, time);
        Budget = new RateLimitBudget(time);
        Api = new GitHubApi(options, Tokens, Jwt, Budget, time) { PageSize = pageSize };
    }

    public GitHubEmulator.GitHubEmulator Emulator { get; }

    public EmulatedInstallation Installation { get; }

    public long InstallationId => Installation.Id;

    public TimeProvider Time { get; }

    public GitHubOptions Options { get; }

    public AppJwtFactory Jwt { get; }

    public InstallationTokens Tokens { get; }

    public RateLimitBudget Budget { get; }

    public GitHubApi Api { get; }

    public static async Task<GitHubScenario> StartAsync(TimeProvider? time = null, int pageSize = 100, Action<GitHubEmulatorOptions>? configure = null)
    {
        time ??= TimeProvider.System;
        var emulatorOptions = new GitHubEmulatorOptions { PrivateKeyPem = TestAppKey.Pem, TimeProvider = time };
        configure?.Invoke(emulatorOptions);
        var emulator = await GitHubEmulator.GitHubEmulator.StartAsync(emulatorOptions);
        await emulator.CreateRepositoryAsync(Owner, Repo, SeedFiles);
        var installation = emulator.CreateInstallation(Owner, Repo);
        var options = new GitHubOptions
        {
            AppId = emulator.AppId,
            PrivateKey = emulator.PrivateKeyPem,
            ApiUrl = emulator.BaseAddress.ToString().TrimEnd('/'),
        };
        return new GitHubScenario(emulator, installation, time, options, GitHubKeys.LoadPrivateKey(options), pageSize);
    }

    /// <summary>Commits a changed values file on a branch, as the git workspace pushes before the pull request.</summary>
    public Task<string> PushBranchAsync(string branch, string tag = "1.5.0") =>
        Emulator.CommitAsync(Owner, Repo, branch, new Dictionary<string, string?> { ["envs/dev/values.yaml"] = $"image:\n  repository: ghcr.io/acme/api\n  tag: {tag} # keep\n" }, $"Update api to {tag}");

    public static PullRequestSpec Spec(
        string head = "gitops-bridge/dev", string title = "Update api to 1.5.0", string body = "Moves api to 1.5.0.", string[]? labels = null, string[]? reviewers = null, bool draft = false) =>
        new(Repository, head, "main", title, body, labels ?? [], reviewers ?? [], draft);

    /// <summary>Gets the installation token now and zeroes the emulator's counts, so a test counts only its own calls.</summary>
    public async Task WarmUpAsync()
    {
        await Tokens.GetAsync(InstallationId);
        Emulator.Calls.Reset();
    }

    /// <summary>
    /// For tests that provoke a 422 from git/delete-ref or pulls/request-reviewers (run with
    /// <see cref="SpecViolationMode.Record"/>): the description documents those 422s without a body,
    /// while GitHub, and so the emulator, sends its JSON error. Checks that this emulator-side
    /// mismatch is the only violation, then asserts none is left.
    /// </summary>
    public void AssertNoSpecViolationsBesidesUndocumented422Bodies()
    {
        Assert.All(Emulator.SpecViolations, violation =>
        {
            Assert.Equal(SpecViolationKind.Response, violation.Kind);
            Assert.Contains("status 422 is documented without a body", violation.Message, StringComparison.Ordinal);
        });
        Emulator.ClearSpecViolations();
        Emulator.AssertNoSpecViolations();
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        Tokens.Dispose();
        _key.Dispose();
        await Emulator.DisposeAsync();
    }
}

/// <summary>One App key for the run: a 2048-bit key costs about a second of CPU here.</summary>
internal static class TestAppKey
{
    private static readonly Lazy<string> SharedPem = new(() =>
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem();
    });

    /// <summary>PKCS#1, as GitHub hands it out.</summary>
    public static string Pem => SharedPem.Value;
}
