namespace GitOpsBridge.GitHubEmulator;

/// <summary>What an injected fault does.</summary>
public enum FaultKind
{
    /// <summary>500 Internal Server Error.</summary>
    InternalServerError,

    /// <summary>502 Bad Gateway.</summary>
    BadGateway,

    /// <summary>403 with <c>Retry-After</c>: GitHub's secondary rate limit.</summary>
    SecondaryRateLimit,

    /// <summary>429 Too Many Requests with <c>Retry-After</c>.</summary>
    TooManyRequests,

    /// <summary>403 with <c>x-ratelimit-remaining: 0</c>: the primary rate limit is used up.</summary>
    PrimaryRateLimit,

    /// <summary>The token of the request expires now: 401 "Bad credentials", and so does every later use of it.</summary>
    ExpiredToken,

    /// <summary>The request is answered normally after a delay.</summary>
    Delay,

    /// <summary>422 "A pull request already exists for …" whatever the state.</summary>
    PullRequestAlreadyExists,

    /// <summary>After a fetch (upload-pack) is answered, a commit lands on a branch of that repository.</summary>
    MoveBranchAfterFetch,

    /// <summary>When a push starts (its receive-pack advertisement is asked for), a commit lands on a branch first.</summary>
    MoveBranchBeforePush,
}

/// <summary>
/// A fault to inject, made with the factory methods and queued with <see cref="FaultQueue.Enqueue"/>.
/// Injected error responses are not checked against the REST description.
/// </summary>
public sealed record Fault
{
    private Fault(FaultKind kind) => Kind = kind;

    /// <summary>What the fault does.</summary>
    public FaultKind Kind { get; }

    /// <summary>The delay, or the <c>Retry-After</c> value for rate limits.</summary>
    public TimeSpan Duration { get; private init; }

    /// <summary>For <see cref="FaultKind.MoveBranchAfterFetch"/> and <see cref="FaultKind.MoveBranchBeforePush"/>: repository <c>owner/name</c>.</summary>
    public string? Repository { get; private init; }

    /// <summary>For <see cref="FaultKind.MoveBranchAfterFetch"/>: the branch that moves.</summary>
    public string? Branch { get; private init; }

    /// <summary>For <see cref="FaultKind.MoveBranchAfterFetch"/>: files the commit writes (null deletes).</summary>
    public IReadOnlyDictionary<string, string?>? Files { get; private init; }

    /// <summary>500 Internal Server Error.</summary>
    public static Fault InternalServerError() => new(FaultKind.InternalServerError);

    /// <summary>502 Bad Gateway.</summary>
    public static Fault BadGateway() => new(FaultKind.BadGateway);

    /// <summary>403 "You have exceeded a secondary rate limit" with <c>Retry-After</c> (default 60 s).</summary>
    public static Fault SecondaryRateLimit(TimeSpan? retryAfter = null) =>
        new(FaultKind.SecondaryRateLimit) { Duration = retryAfter ?? TimeSpan.FromSeconds(60) };

    /// <summary>429 Too Many Requests with <c>Retry-After</c> (default 60 s).</summary>
    public static Fault TooManyRequests(TimeSpan? retryAfter = null) =>
        new(FaultKind.TooManyRequests) { Duration = retryAfter ?? TimeSpan.FromSeconds(60) };

    /// <summary>403 "API rate limit exceeded" with <c>x-ratelimit-remaining: 0</c>.</summary>
    public static Fault PrimaryRateLimit() => new(FaultKind.PrimaryRateLimit);

    /// <summary>The request's installation token expires now: this and later calls with it get 401 "Bad credentials".</summary>
    public static Fault ExpiredToken() => new(FaultKind.ExpiredToken);

    /// <summary>Answers normally after <paramref name="delay"/>.</summary>
    public static Fault Delay(TimeSpan delay) => new(FaultKind.Delay) { Duration = delay };

    /// <summary>422 Validation Failed, "A pull request already exists for owner:head.".</summary>
    public static Fault PullRequestAlreadyExists() => new(FaultKind.PullRequestAlreadyExists);

    /// <summary>Commits <paramref name="files"/> to <paramref name="branch"/> right after the next fetch of the repository is answered.</summary>
    public static Fault MoveBranchAfterFetch(string owner, string repository, string branch, IReadOnlyDictionary<string, string?> files) =>
        new(FaultKind.MoveBranchAfterFetch) { Repository = $"{owner}/{repository}", Branch = branch, Files = files };

    /// <summary>Commits <paramref name="files"/> to <paramref name="branch"/> when the next push to the repository starts, before it sees the branch.</summary>
    public static Fault MoveBranchBeforePush(string owner, string repository, string branch, IReadOnlyDictionary<string, string?> files) =>
        new(FaultKind.MoveBranchBeforePush) { Repository = $"{owner}/{repository}", Branch = branch, Files = files };
}
