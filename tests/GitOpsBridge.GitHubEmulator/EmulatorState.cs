using System.Security.Cryptography;
using GitOpsBridge.GitHubEmulator.Apps;
using GitOpsBridge.GitHubEmulator.Repositories;

namespace GitOpsBridge.GitHubEmulator;

/// <summary>Everything the emulator remembers. Guarded by <see cref="Sync"/>; git data lives on disk.</summary>
internal sealed class EmulatorState(GitHubEmulatorOptions options, AppIdentity app, string repositoriesRoot, FaultQueue faults)
{
    private long _nextId = 1000;

    public Lock Sync { get; } = new();

    public GitHubEmulatorOptions Options { get; } = options;

    public AppIdentity App { get; } = app;

    public string RepositoriesRoot { get; } = repositoriesRoot;

    public FaultQueue Faults { get; } = faults;

    public TimeProvider Clock => Options.TimeProvider;

    /// <summary><c>http://127.0.0.1:PORT</c>, known once Kestrel has bound.</summary>
    public Uri BaseAddress { get; set; } = new("http://127.0.0.1/");

    public string ApiRoot => BaseAddress.GetLeftPart(UriPartial.Authority);

    public CallCounter ApiCalls { get; } = new();

    public CallCounter GitCalls { get; } = new();

    public WriteLog Writes { get; } = new();

    public List<SpecViolation> Violations { get; } = [];

    public Dictionary<string, HostedRepository> Repositories { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<long, InstallationRecord> Installations { get; } = [];

    public Dictionary<string, TokenRecord> Tokens { get; } = new(StringComparer.Ordinal);

    public List<PullRequestRecord> PullRequests { get; } = [];

    public List<CommentRecord> Comments { get; } = [];

    /// <summary>Check runs, by creation.</summary>
    public List<(HostedRepository Repository, EmulatedCheckRun Run)> CheckRuns { get; } = [];

    /// <summary>Collaborator roles by (<c>owner/name</c>, login): admin, maintain, write, triage or read.</summary>
    public Dictionary<(string Repository, string Login), string> CollaboratorRoles { get; } = [];

    public List<HookDeliveryRecord> Deliveries { get; } = [];

    public Dictionary<string, AccountRecord> Accounts { get; } = new(StringComparer.OrdinalIgnoreCase);

    public RateLimitLedger RateLimits { get; } = new();

    /// <summary>Manifest codes not yet converted, by code.</summary>
    public Dictionary<string, ManifestRecord> Manifests { get; } = new(StringComparer.Ordinal);
    public GraphQl.AutoMergeBook AutoMerge { get; } = new();

    /// <summary>Commit statuses, reviews, check run times and required status checks, for merging.</summary>
    public Repositories.MergeBook Merging { get; } = new();

    /// <summary>Deployments of every repository, with their statuses (guarded by <see cref="Sync"/>).</summary>
    public List<Repositories.DeploymentRecord> Deployments { get; } = [];

    /// <summary>Test seam: rewrites a response body (by route key) before it is validated, to prove validation catches a bad one.</summary>
    public Func<string, byte[], byte[]>? ResponseTamper { get; set; }

    public string BotLogin => $"{App.Slug}[bot]";

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>Ids for every kind of object come from one sequence, which keeps them unique and stable.</summary>
    public long NextId() => Interlocked.Increment(ref _nextId);

    public AccountRecord Account(string login, string type = "User")
    {
        lock (Sync)
        {
            if (!Accounts.TryGetValue(login, out var account))
            {
                Accounts[login] = account = new AccountRecord(NextId(), login, login.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : type);
            }

            return account;
        }
    }

    public HostedRepository? FindRepository(string owner, string name)
    {
        lock (Sync)
        {
            return Repositories.GetValueOrDefault($"{owner}/{name}");
        }
    }

    public TokenRecord IssueToken(long installationId, IReadOnlySet<long>? repositoryIds)
    {
        var token = "ghs_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36);
        var record = new TokenRecord(token, installationId, repositoryIds) { ExpiresAt = Now + Options.InstallationTokenLifetime };
        lock (Sync)
        {
            Tokens[token] = record;
        }

        return record;
    }

    /// <summary>The token if it exists and has not expired.</summary>
    public TokenRecord? ValidToken(string token)
    {
        lock (Sync)
        {
            return Tokens.TryGetValue(token, out var record) && record.ExpiresAt > Now ? record : null;
        }
    }

    /// <summary>Whether a token may act on a repository: its installation has it, and the token was not narrowed away from it.</summary>
    public bool CanAccess(TokenRecord token, HostedRepository repository)
    {
        lock (Sync)
        {
            return Installations.TryGetValue(token.InstallationId, out var installation)
                && installation.RepositoryIds.Contains(repository.Id)
                && (token.RepositoryIds is null || token.RepositoryIds.Contains(repository.Id));
        }
    }

    public void RecordViolation(SpecViolation violation)
    {
        lock (Sync)
        {
            Violations.Add(violation);
        }
    }
}

/// <summary>A submitted App manifest waiting for its conversion; GitHub's code is valid for one hour, once.</summary>
internal sealed record ManifestRecord(string Code, System.Text.Json.Nodes.JsonObject Manifest, AccountRecord Owner, DateTimeOffset IssuedAt);

internal sealed record AccountRecord(long Id, string Login, string Type);

internal sealed record InstallationRecord(long Id, AccountRecord Account, List<long> RepositoryIds, DateTimeOffset CreatedAt);

internal sealed record TokenRecord(string Token, long InstallationId, IReadOnlySet<long>? RepositoryIds)
{
    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class PullRequestRecord
{
    public required long Id { get; init; }

    public required HostedRepository Repository { get; init; }

    public required int Number { get; init; }

    public required string Title { get; set; }

    public string? Body { get; set; }

    public required string State { get; set; }

    public required string Head { get; init; }

    public required string Base { get; set; }

    public required string HeadSha { get; set; }

    public required string BaseSha { get; set; }

    public required bool Draft { get; init; }

    public required bool MaintainerCanModify { get; set; }

    public required string Author { get; init; }

    public List<string> Labels { get; } = [];

    public List<string> RequestedReviewers { get; } = [];

    public List<string> RequestedTeams { get; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>When it was merged through <c>PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge</c>.</summary>
    public DateTimeOffset? MergedAt { get; set; }

    /// <summary>The commit the merge made on the base branch.</summary>
    public string? MergeCommitSha { get; set; }

    /// <summary>Who merged it.</summary>
    public string? MergedBy { get; set; }

    public EmulatedPullRequest ToEmulated() => new()
    {
        Number = Number,
        State = State,
        Title = Title,
        Body = Body,
        Head = Head,
        Base = Base,
        HeadSha = HeadSha,
        BaseSha = BaseSha,
        Draft = Draft,
        Author = Author,
        Labels = [.. Labels],
        RequestedReviewers = [.. RequestedReviewers],
        RequestedTeams = [.. RequestedTeams],
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        ClosedAt = ClosedAt,
        MergedAt = MergedAt,
        MergeCommitSha = MergeCommitSha,
    };
}

internal sealed record CommentRecord(long Id, HostedRepository Repository, int IssueNumber, string Body, string Author, DateTimeOffset CreatedAt);

/// <summary>A delivery plus what GitHub shows of the exchange in <c>GET /app/hook/deliveries/{id}</c>.</summary>
internal sealed record HookDeliveryRecord(
    EmulatedHookDelivery Delivery,
    IReadOnlyDictionary<string, string> RequestHeaders,
    IReadOnlyDictionary<string, string> ResponseHeaders,
    string? ResponseBody,
    TimeSpan Duration);

/// <summary>Primary rate-limit budget per caller, in hour-long windows as on GitHub.</summary>
internal sealed class RateLimitLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateTimeOffset Reset, int Used)> _windows = new(StringComparer.Ordinal);

    /// <summary>Counts one request for a caller and returns the window after it.</summary>
    public (DateTimeOffset Reset, int Used) Spend(string caller, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_windows.TryGetValue(caller, out var window) || window.Reset <= now)
            {
                window = (now.AddHours(1), 0);
            }

            window.Used++;
            _windows[caller] = window;
            return window;
        }
    }
}
