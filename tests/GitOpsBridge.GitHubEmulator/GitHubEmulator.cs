using System.Net;
using System.Text;
using GitOpsBridge.GitHubEmulator.Apps;
using GitOpsBridge.GitHubEmulator.GraphQl;
using GitOpsBridge.GitHubEmulator.Hooks;
using GitOpsBridge.GitHubEmulator.Http;
using GitOpsBridge.GitHubEmulator.Issues;
using GitOpsBridge.GitHubEmulator.Pulls;
using GitOpsBridge.GitHubEmulator.Repositories;
using GitOpsBridge.GitHubEmulator.Spec;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GitOpsBridge.GitHubEmulator;

/// <summary>
/// A stateful GitHub on 127.0.0.1 for integration tests: the REST routes GitOps Bridge uses (under
/// <c>/</c> and <c>/api/v3/</c>), an App with a real RSA key and GitHub's JWT rules, installations and
/// expiring tokens, real bare git repositories served over smart HTTP, webhook redelivery, fault
/// injection, call counts, and a check of every exchange against GitHub's OpenAPI description.
/// </summary>
/// <example>
/// <code>
/// await using var github = await GitHubEmulator.StartAsync();
/// var repository = await github.CreateRepositoryAsync("acme", "gitops", new Dictionary&lt;string, string&gt; { ["envs/dev/values.yaml"] = "image:\n  tag: 1.0.0\n" });
/// var installation = github.CreateInstallation("acme", "gitops");
/// // point the code under test at github.BaseAddress with github.AppId and github.PrivateKeyPem
/// github.AssertNoSpecViolations();
/// </code>
/// </example>
public sealed partial class GitHubEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorState _state;
    private readonly WebhookSender _webhooks;
    private readonly string _root;
    private readonly bool _ownsRoot;

    private GitHubEmulator(WebApplication app, EmulatorState state, WebhookSender webhooks, string root, bool ownsRoot)
    {
        _app = app;
        _state = state;
        _webhooks = webhooks;
        _root = root;
        _ownsRoot = ownsRoot;
    }

    /// <summary><c>http://127.0.0.1:PORT/</c>. Octokit maps it to <c>/api/v3/</c>, which is served too.</summary>
    public Uri BaseAddress => _state.BaseAddress;

    /// <summary>The bound port.</summary>
    public int Port => _state.BaseAddress.Port;

    /// <summary>The App's id (the JWT's <c>iss</c>).</summary>
    public long AppId => _state.App.AppId;

    /// <summary>The App's slug (its URL name).</summary>
    public string AppSlug => _state.App.Slug;

    /// <summary>The login of the App's bot user, <c>{slug}[bot]</c>: the <c>sender</c> of what the App does.</summary>
    public string BotLogin => _state.BotLogin;

    /// <summary>The App's client id, also accepted as <c>iss</c>.</summary>
    public string ClientId => _state.App.ClientId;

    /// <summary>The App's private key as GitHub hands it out: PKCS#1 PEM (<c>-----BEGIN RSA PRIVATE KEY-----</c>).</summary>
    public string PrivateKeyPem => _state.App.PrivateKeyPem;

    /// <summary>The secret redeliveries are signed with (<see cref="GitHubEmulatorOptions.WebhookSecret"/>).</summary>
    public string WebhookSecret => _state.Options.WebhookSecret;

    /// <summary>REST calls per route and in total; <see cref="CallCounter.Reset"/> starts a new scenario.</summary>
    public CallCounter Calls => _state.ApiCalls;

    /// <summary>Git smart HTTP requests per route.</summary>
    public CallCounter GitCalls => _state.GitCalls;

    /// <summary>Every write to a repository (push or REST) with its time interval and client: see <see cref="WriteLog.ConcurrentWritesByDifferentClients"/>.</summary>
    public WriteLog Writes => _state.Writes;

    /// <summary>Faults waiting for their routes.</summary>
    public FaultQueue Faults => _state.Faults;

    /// <summary>Every breach of GitHub's REST description seen so far.</summary>
    public IReadOnlyList<SpecViolation> SpecViolations
    {
        get
        {
            lock (_state.Sync)
            {
                return [.. _state.Violations];
            }
        }
    }

    /// <summary>Test seam: rewrites response bodies by route key before validation.</summary>
    internal Func<string, byte[], byte[]>? ResponseTamper
    {
        get => _state.ResponseTamper;
        set => _state.ResponseTamper = value;
    }

    /// <summary>How long loading GitHub's OpenAPI description took (once per process); null if not loaded.</summary>
    public static TimeSpan? SpecLoadTime => OpenApiDescription.IsLoaded ? OpenApiDescription.Instance.LoadTime : null;

    /// <summary>Starts an emulator on 127.0.0.1 with an ephemeral port.</summary>
    public static async Task<GitHubEmulator> StartAsync(GitHubEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new GitHubEmulatorOptions();
        if (options.ValidateAgainstSpec)
        {
            // Loaded before the first request, so a missing description fails here with the fix in its message.
            _ = OpenApiDescription.Instance;
        }

        var ownsRoot = options.RootDirectory is null;
        var root = options.RootDirectory ?? Directory.CreateTempSubdirectory("gh-emulator-").FullName;
        var repositoriesRoot = Path.Combine(root, "repositories");
        Directory.CreateDirectory(repositoriesRoot);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = root });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = 256 * 1024 * 1024;
        });

        var identity = new AppIdentity(options.AppId, options.AppSlug, options.PrivateKeyPem);
        var routes = new HashSet<string>(StringComparer.Ordinal);
        var state = new EmulatorState(options, identity, repositoriesRoot, new FaultQueue(routes));
        var webhooks = new WebhookSender(state);
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(webhooks);
        builder.Services.AddSingleton<Representations>();
        builder.Services.AddRouting();

        var app = builder.Build();
        app.UsePathBase("/api/v3");
        app.UseRouting();
        app.UseMiddleware<ObservationMiddleware>();
        app.UseMiddleware<SpecValidationMiddleware>();
        app.UseMiddleware<FaultMiddleware>();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.UseMiddleware<WriteRecordingMiddleware>();
        app.MapAppsApi();
        app.MapRepositoriesApi();
        app.MapPullsApi();
        app.MapIssuesApi();
        app.MapCollaboratorsApi();
        app.MapCheckRunsApi();
        app.MapCommitChecksApi();
        app.MapMergeApi();
        app.MapBranchesApi();
        app.MapDeploymentsApi();
        app.MapCompareApi();
        app.MapHooksApi();
        app.MapGitSmartHttp();
        app.MapGitDataApi();
        app.MapGraphQlApi();
        app.MapFallback(context => GitHubResults.NotFound().ExecuteAsync(context));

        foreach (var endpoint in ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints))
        {
            if (endpoint.Metadata.GetMetadata<EmulatorRoute>() is { } route)
            {
                routes.Add(route.Key);
            }
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        state.BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return new GitHubEmulator(app, state, webhooks, root, ownsRoot);
    }

    /// <summary>Creates a repository from in-memory files (path to text), committed on <paramref name="defaultBranch"/>.</summary>
    public async Task<EmulatedRepository> CreateRepositoryAsync(
        string owner, string name, IReadOnlyDictionary<string, string> files, string defaultBranch = "main", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var scratch = Directory.CreateTempSubdirectory("gh-emulator-seed-");
        try
        {
            foreach (var (path, content) in files)
            {
                var target = Path.Combine(scratch.FullName, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, content, cancellationToken).ConfigureAwait(false);
            }

            return await CreateRepositoryFromDirectoryAsync(owner, name, scratch.FullName, defaultBranch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>Creates a repository whose first commit holds a folder's files (the folder is not changed).</summary>
    public async Task<EmulatedRepository> CreateRepositoryFromDirectoryAsync(
        string owner, string name, string sourceDirectory, string defaultBranch = "main", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Directory.Exists(sourceDirectory))
        {
            throw new DirectoryNotFoundException($"Seed folder '{sourceDirectory}' does not exist.");
        }

        lock (_state.Sync)
        {
            if (_state.Repositories.ContainsKey($"{owner}/{name}"))
            {
                throw new InvalidOperationException($"Repository {owner}/{name} already exists.");
            }
        }

        var gitDirectory = Path.Combine(_state.RepositoriesRoot, owner, $"{name}.git");
        Directory.CreateDirectory(Path.GetDirectoryName(gitDirectory)!);
        var repository = await HostedRepository.CreateAsync(
            _state.NextId(), owner, name, defaultBranch, gitDirectory, sourceDirectory, _state.Now, cancellationToken).ConfigureAwait(false);
        lock (_state.Sync)
        {
            _state.Repositories[repository.FullName] = repository;
        }

        _state.Account(owner, "Organization");
        return Describe(repository);
    }

    /// <summary>
    /// What a person does on GitHub's "Create GitHub App" page after a client posted a manifest to
    /// <c>/settings/apps/new</c>: GitHub keeps the manifest and redirects the browser to the
    /// manifest's <c>redirect_url</c> with the returned code, which
    /// <c>POST /app-manifests/{code}/conversions</c> exchanges once, within an hour, for the App.
    /// </summary>
    /// <param name="manifestJson">The manifest as the form's <c>manifest</c> field holds it.</param>
    /// <param name="owner">The user or organization the App is registered under.</param>
    /// <exception cref="ArgumentException">The manifest is not a JSON object with GitHub's required <c>url</c> (and <c>hook_attributes.url</c> when hooks are given).</exception>
    public string CreateManifestCode(string manifestJson, string owner = "octocat")
    {
        System.Text.Json.Nodes.JsonObject manifest;
        try
        {
            manifest = System.Text.Json.Nodes.JsonNode.Parse(manifestJson) as System.Text.Json.Nodes.JsonObject
                ?? throw new ArgumentException("The manifest is not a JSON object.", nameof(manifestJson));
        }
        catch (System.Text.Json.JsonException exception)
        {
            throw new ArgumentException($"The manifest is not JSON: {exception.Message}", nameof(manifestJson), exception);
        }

        static bool IsUrl(System.Text.Json.Nodes.JsonNode? node) =>
            node is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) && Uri.TryCreate(text, UriKind.Absolute, out _);
        if (!IsUrl(manifest["url"]))
        {
            throw new ArgumentException("GitHub requires the manifest's url (the App's homepage).", nameof(manifestJson));
        }

        if (manifest["hook_attributes"] is { } hooks && !IsUrl(hooks["url"]))
        {
            throw new ArgumentException("GitHub requires hook_attributes.url when hook_attributes is given.", nameof(manifestJson));
        }

        var code = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        var account = _state.Account(owner);
        lock (_state.Sync)
        {
            _state.Manifests[code] = new ManifestRecord(code, manifest, account, _state.Now);
        }

        return code;
    }

    /// <summary>Installs the App on an account with access to some of its (existing) repositories.</summary>
    public EmulatedInstallation CreateInstallation(string account, params string[] repositories)
    {
        ArgumentNullException.ThrowIfNull(repositories);
        var ids = new List<long>();
        foreach (var name in repositories)
        {
            var repository = _state.FindRepository(account, name)
                ?? throw new InvalidOperationException($"Repository {account}/{name} does not exist; create it first.");
            ids.Add(repository.Id);
        }

        var record = new InstallationRecord(_state.NextId(), _state.Account(account, "Organization"), ids, _state.Now);
        lock (_state.Sync)
        {
            _state.Installations[record.Id] = record;
        }

        return new EmulatedInstallation(record.Id, account, repositories);
    }

    /// <summary>Issues an installation token directly (what <c>POST /app/installations/{id}/access_tokens</c> returns).</summary>
    public EmulatedToken CreateInstallationToken(long installationId)
    {
        lock (_state.Sync)
        {
            if (!_state.Installations.ContainsKey(installationId))
            {
                throw new InvalidOperationException($"No installation {installationId}.");
            }
        }

        var token = _state.IssueToken(installationId, null);
        return new EmulatedToken(token.Token, token.InstallationId, token.ExpiresAt);
    }

    /// <summary>Makes every installation token issued so far expire now.</summary>
    public void ExpireAllTokens()
    {
        lock (_state.Sync)
        {
            foreach (var token in _state.Tokens.Values)
            {
                token.ExpiresAt = _state.Now.AddSeconds(-1);
            }
        }
    }

    /// <summary>Signs a JWT with the App's key. Defaults follow GitHub's advice: issued 60 s ago, valid for 9 minutes after that.</summary>
    public string CreateAppJwt(DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null)
    {
        var iat = issuedAt ?? _state.Now.AddSeconds(-60);
        return _state.App.CreateJwt(iat, iat + (lifetime ?? TimeSpan.FromMinutes(9)));
    }

    /// <summary>The smart HTTP URL of a repository (no credentials in it).</summary>
    public Uri CloneUrl(string owner, string name) => new(BaseAddress, $"{owner}/{name}.git");

    /// <summary>Reads every file of a branch (path to UTF-8 text).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadFilesAsync(string owner, string name, string branch, CancellationToken cancellationToken = default)
    {
        var repository = Repository(owner, name);
        var sha = await repository.ResolveBranchAsync(branch, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{owner}/{name} has no branch {branch}.");
        var files = await repository.ReadFilesAsync(sha, cancellationToken).ConfigureAwait(false);
        return files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetString(f.Value), StringComparer.Ordinal);
    }

    /// <summary>The commit a branch points at, or null when it does not exist.</summary>
    public Task<string?> GetBranchShaAsync(string owner, string name, string branch, CancellationToken cancellationToken = default) =>
        Repository(owner, name).ResolveBranchAsync(branch, cancellationToken);

    /// <summary>The commits of a branch, newest first.</summary>
    public Task<IReadOnlyList<EmulatedCommit>> GetCommitsAsync(string owner, string name, string branch, CancellationToken cancellationToken = default) =>
        Repository(owner, name).LogAsync($"refs/heads/{branch}", cancellationToken);

    /// <summary>Commits file changes (null deletes) on a branch, creating it from the default branch if needed, as a person pushing would.</summary>
    public Task<string> CommitAsync(
        string owner, string name, string branch, IReadOnlyDictionary<string, string?> files, string message = "Change from test", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        return Repository(owner, name).CommitFilesAsync(
            branch, files.ToDictionary(f => f.Key, f => f.Value is null ? null : Encoding.UTF8.GetBytes(f.Value)), message, cancellationToken);
    }

    /// <summary>Pull requests of a repository, by number.</summary>
    public IReadOnlyList<EmulatedPullRequest> GetPullRequests(string owner, string name)
    {
        var repository = Repository(owner, name);
        lock (_state.Sync)
        {
            return _state.PullRequests.Where(p => p.Repository == repository).OrderBy(p => p.Number).Select(p => p.ToEmulated()).ToList();
        }
    }

    /// <summary>
    /// Closes or reopens a pull request as a person does in the web UI (<paramref name="state"/>
    /// <c>closed</c> or <c>open</c>). The test then posts the matching webhook itself.
    /// </summary>
    public void SetPullRequestState(string owner, string name, int number, string state)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        var repository = Repository(owner, name);
        lock (_state.Sync)
        {
            var pull = _state.PullRequests.Single(p => p.Repository == repository && p.Number == number);
            pull.State = state;
            pull.UpdatedAt = _state.Now;
            pull.ClosedAt = state == "closed" ? _state.Now : null;
        }
    }

    /// <summary>
    /// Makes <paramref name="login"/> a collaborator of a repository with a role (<c>admin</c>,
    /// <c>maintain</c>, <c>write</c>, <c>triage</c> or <c>read</c>), as
    /// <c>GET /repos/{owner}/{repo}/collaborators/{username}/permission</c> reports it. The owner is
    /// admin; anyone else without a role has <c>none</c>.
    /// </summary>
    public void SetCollaboratorRole(string owner, string name, string login, string role)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(login);
        var repository = Repository(owner, name);
        lock (_state.Sync)
        {
            _state.CollaboratorRoles[(repository.FullName.ToLowerInvariant(), login.ToLowerInvariant())] = role;
        }
    }

    /// <summary>Check runs created in a repository, oldest first.</summary>
    public IReadOnlyList<EmulatedCheckRun> GetCheckRuns(string owner, string name)
    {
        var repository = Repository(owner, name);
        lock (_state.Sync)
        {
            return [.. _state.CheckRuns.Where(c => c.Repository == repository).Select(c => c.Run)];
        }
    }

    /// <summary>Comments on an issue or pull request, oldest first.</summary>
    public IReadOnlyList<EmulatedComment> GetComments(string owner, string name, int number)
    {
        var repository = Repository(owner, name);
        lock (_state.Sync)
        {
            return _state.Comments
                .Where(c => c.Repository == repository && c.IssueNumber == number)
                .OrderBy(c => c.Id)
                .Select(c => new EmulatedComment(c.Id, c.IssueNumber, c.Body, c.Author, c.CreatedAt))
                .ToList();
        }
    }

    /// <summary>
    /// Records a webhook delivery that failed (as if the App's endpoint had answered
    /// <paramref name="statusCode"/>), so the code under test can find it with
    /// <c>GET /app/hook/deliveries</c> and redeliver it.
    /// </summary>
    public EmulatedHookDelivery AddFailedDelivery(string eventName, string payload, int statusCode = 502, DateTimeOffset? deliveredAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        ArgumentException.ThrowIfNullOrWhiteSpace(payload);
        using var document = System.Text.Json.JsonDocument.Parse(payload);
        var root = document.RootElement;
        static long? Id(System.Text.Json.JsonElement root, string name) =>
            root.TryGetProperty(name, out var o) && o.ValueKind == System.Text.Json.JsonValueKind.Object && o.TryGetProperty("id", out var id) && id.TryGetInt64(out var value)
                ? value
                : null;

        var delivery = new EmulatedHookDelivery
        {
            Id = _state.NextId(),
            Guid = Guid.NewGuid().ToString(),
            Event = eventName,
            Action = root.TryGetProperty("action", out var action) && action.ValueKind == System.Text.Json.JsonValueKind.String ? action.GetString() : null,
            Redelivery = false,
            StatusCode = statusCode,
            DeliveredAt = deliveredAt ?? _state.Now,
            Payload = payload,
            InstallationId = Id(root, "installation"),
            RepositoryId = Id(root, "repository"),
        };
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["X-GitHub-Delivery"] = delivery.Guid,
            ["X-GitHub-Event"] = eventName,
        };
        lock (_state.Sync)
        {
            _state.Deliveries.Add(new HookDeliveryRecord(delivery, headers, new Dictionary<string, string>(), "Bad Gateway", TimeSpan.FromMilliseconds(250)));
        }

        return delivery;
    }

    /// <summary>Every delivery and redelivery attempt, oldest first.</summary>
    public IReadOnlyList<EmulatedHookDelivery> GetHookDeliveries()
    {
        lock (_state.Sync)
        {
            return _state.Deliveries.Select(d => d.Delivery).OrderBy(d => d.Id).ToList();
        }
    }

    /// <summary>Waits for the first redelivery attempt of a delivery (completes at once if it was made).</summary>
    public Task<EmulatedHookDelivery> WaitForRedeliveryAsync(long deliveryId, CancellationToken cancellationToken = default) =>
        _webhooks.FirstRedeliveryAsync(deliveryId, cancellationToken);

    /// <summary>Throws <see cref="SpecViolationException"/> listing every violation, if there was any.</summary>
    public void AssertNoSpecViolations()
    {
        var violations = SpecViolations;
        if (violations.Count > 0)
        {
            throw new SpecViolationException(violations);
        }
    }

    /// <summary>Forgets the violations seen so far (for a test that provokes one on purpose).</summary>
    public void ClearSpecViolations()
    {
        lock (_state.Sync)
        {
            _state.Violations.Clear();
        }
    }

    /// <summary>Stops the server and deletes the repositories it created.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _webhooks.DrainAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _webhooks.Dispose();
        _state.App.Dispose();
        if (_ownsRoot)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // A git child process may still hold a file for a moment; the OS cleans temp folders.
            }
        }
    }

    private HostedRepository Repository(string owner, string name) =>
        _state.FindRepository(owner, name) ?? throw new InvalidOperationException($"Repository {owner}/{name} does not exist.");

    private EmulatedRepository Describe(HostedRepository repository) =>
        new(repository.Id, repository.Owner, repository.Name, repository.DefaultBranch, CloneUrl(repository.Owner, repository.Name));
}
