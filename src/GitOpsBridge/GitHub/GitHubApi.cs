using System.Globalization;
using System.Text;
using Octokit;

namespace GitOpsBridge.GitHub;

/// <summary>
/// <see cref="IGitHubApi"/> on Octokit's <see cref="IConnection"/>: Octokit's models and HTTP
/// pipeline, with the request paths and bodies written out as GitHub documents them (Octokit 14's
/// <c>Issue.Labels.AddToIssue</c> posts a bare array and <c>Git.Reference.Get</c> reads an
/// undocumented path). Every call goes through <see cref="SendAsync"/>.
/// </summary>
public sealed partial class GitHubApi : IGitHubApi, IDisposable
{
    private const string Json = "application/vnd.github+json";
    private const string JsonContent = "application/json";

    /// <summary>Decodes without dropping a BOM, which the YAML editors strip and restore themselves.</summary>
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>For Octokit's <c>Post</c> overload that takes a <see cref="CancellationToken"/>: no query parameters.</summary>
    private static readonly IDictionary<string, string>? NoParameters = null;

    private readonly GitHubOptions _options;
    private readonly IInstallationTokens _tokens;
    private readonly RateLimitBudget _budget;
    private readonly OctokitConnections _connections;
    private readonly IConnection _app;
    private int _calls;
    private int _reachable = -1;

    /// <summary>Creates the client; nothing is sent until a method is called.</summary>
    /// <exception cref="GitHubConfigurationException"><see cref="GitHubOptions.ApiUrl"/> is not an http(s) URL.</exception>
    public GitHubApi(GitHubOptions options, IInstallationTokens tokens, AppJwtFactory jwt, RateLimitBudget budget, TimeProvider time)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        ArgumentNullException.ThrowIfNull(jwt);
        _budget = budget ?? throw new ArgumentNullException(nameof(budget));
        // The clock lives in the budget and the token cache; taken here so the host wires one clock for all.
        ArgumentNullException.ThrowIfNull(time);
        _connections = new OctokitConnections(GitHubEndpoints.From(options).Api);
        _app = _connections.ForApp(jwt);
    }

    /// <inheritdoc />
    public int CallCount => Volatile.Read(ref _calls);

    /// <summary>
    /// Whether the last call got an HTTP answer from GitHub (any status) rather than failing to
    /// connect or timing out; null before the first call. Read by the reachability gauge.
    /// </summary>
    public bool? Reachable => Volatile.Read(ref _reachable) switch { 1 => true, 0 => false, _ => null };

    /// <summary>Items asked for per page (GitHub's maximum is 100). Tests lower it to page with few items.</summary>
    internal int PageSize { get; init; } = 100;

    /// <summary>Pages of webhook deliveries read at most per listing, so a busy App cannot keep one call going.</summary>
    internal int MaxHookDeliveryPages { get; init; } = 10;

    /// <inheritdoc />
    public void Dispose() => _connections.Dispose();

    /// <inheritdoc />
    public async Task<IReadOnlyList<InstallationInfo>> ListInstallationsAsync(CancellationToken ct = default)
    {
        var installations = await GetPagesAsync<List<Installation>, Installation>(
            installationId: null, "app/installations", page => page, page => false, int.MaxValue, ct).ConfigureAwait(false);
        return [.. installations.Select(i => new InstallationInfo(i.Id, i.Account.Login))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListInstallationRepositoriesAsync(long installationId, CancellationToken ct = default)
    {
        var repositories = await GetPagesAsync<RepositoriesResponse, Octokit.Repository>(
            installationId, "installation/repositories", page => page.Repositories, page => false, int.MaxValue, ct).ConfigureAwait(false);
        return [.. repositories.Select(r => r.FullName)];
    }

    /// <inheritdoc />
    public async Task<RepositoryInfo> GetRepositoryAsync(long installationId, string repository, CancellationToken ct = default)
    {
        var path = RepositoryPath(repository);
        var response = await SendAsync(installationId, "GET", path, c => c.Get<Octokit.Repository>(Relative(path), null, Json, ct), ct).ConfigureAwait(false);
        return new RepositoryInfo(response.Body.FullName, response.Body.DefaultBranch);
    }

    /// <inheritdoc />
    public async Task<string?> GetFileAsync(long installationId, string repository, string path, string gitRef, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(gitRef);
        var route = $"{RepositoryPath(repository)}/contents/{Segments(path.Trim('/'))}";
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["ref"] = gitRef };
        try
        {
            // The raw media type answers the bytes themselves (up to 100 MB; the JSON form stops at 1 MB).
            // https://docs.github.com/en/rest/repos/contents#get-repository-content
            var response = await SendAsync(
                installationId, "GET", route, c => c.Get<byte[]>(Relative(route), parameters, AcceptHeaders.RawContentMediaType, ct), ct).ConfigureAwait(false);
            // Octokit 14 hands raw content back as the response stream (older versions: bytes or text).
            switch (response.HttpResponse.Body)
            {
                case Stream stream:
                    await using (stream.ConfigureAwait(false))
                    {
                        using var buffer = new MemoryStream();
                        await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                        return Utf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
                    }

                case byte[] bytes:
                    return Utf8.GetString(bytes);
                case string text:
                    return text;
                default:
                    return string.Empty;
            }
        }
        catch (GitHubApiException exception) when (exception.StatusCode == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task DeleteBranchAsync(long installationId, string repository, string branch, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(branch);
        var path = $"{RepositoryPath(repository)}/git/refs/heads/{Segments(branch)}";
        try
        {
            await SendAsync(installationId, "DELETE", path, c => c.Delete(Relative(path)), ct).ConfigureAwait(false);
        }
        catch (GitHubApiException exception) when (IsGone(exception))
        {
            // Already gone (merged with auto-delete, or deleted by hand).
        }
    }

    /// <summary>
    /// The one way out to GitHub: waits on the budget (or gives up with
    /// <see cref="GitHubRateLimitedException"/> when the wait is longer than
    /// <see cref="GitHubOptions.MaxRateLimitWait"/>), counts the call, feeds the response headers to
    /// the budget, retries once with a new installation token after a 401, and translates failures.
    /// </summary>
    /// <param name="installationId">The installation to act as, or null for the App itself (JWT).</param>
    /// <param name="method">The HTTP method, for the pace and for messages.</param>
    /// <param name="path">The path, for messages (never holds a credential).</param>
    /// <param name="send">The Octokit call.</param>
    /// <param name="ct">Checked before each attempt; passed to the waits and to the Octokit calls that take one.</param>
    private async Task<T> SendAsync<T>(long? installationId, string method, string path, Func<IConnection, Task<T>> send, CancellationToken ct)
    {
        var key = installationId ?? RateLimitBudget.AppKey;
        var contentCreating = method is not ("GET" or "HEAD");
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            var delay = _budget.DelayFor(key, contentCreating);
            if (delay > _options.MaxRateLimitWait)
            {
                throw new GitHubRateLimitedException(
                    delay,
                    $"{method} {path} would wait {delay.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s for {Who(installationId)}'s GitHub rate limit; not sent.");
            }

            await _budget.WaitAsync(key, contentCreating, ct).ConfigureAwait(false);
            IConnection connection;
            if (installationId is { } id)
            {
                // Fetched here, with cancellation and our own errors; the connection's credential store then hits the cache.
                await _tokens.GetAsync(id, ct).ConfigureAwait(false);
                connection = _connections.ForInstallation(id, _tokens);
            }
            else
            {
                connection = _app;
            }

            Interlocked.Increment(ref _calls);
            var slot = CapturingHttpClient.Begin();
            using var activity = Telemetry.BridgeTelemetry.Source.StartActivity("github " + method, System.Diagnostics.ActivityKind.Client);
            activity?.SetTag("github.route", path.Split('?')[0]);
            activity?.SetTag("github.installation", installationId);
            try
            {
                var result = await send(connection).ConfigureAwait(false);
                Volatile.Write(ref _reachable, 1);
                if (slot.Response is { } response)
                {
                    _budget.Observe(key, (int)response.StatusCode, response.Headers);
                    activity?.SetTag("http.response.status_code", (int)response.StatusCode);
                }

                return result;
            }
            catch (ApiException exception)
            {
                var status = (int)exception.StatusCode;
                Volatile.Write(ref _reachable, 1);
                activity?.SetTag("http.response.status_code", status);
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
                if ((exception.HttpResponse ?? slot.Response) is { } failed)
                {
                    _budget.Observe(key, status, failed.Headers);
                }

                if (status == 401 && installationId is { } expired && attempt == 1)
                {
                    // The token expired early or was revoked: one retry with a new one.
                    _tokens.Invalidate(expired);
                    continue;
                }

                if (GitHubFailures.IsRateLimit(exception))
                {
                    var wait = _budget.DelayFor(key, contentCreating);
                    if (wait <= TimeSpan.Zero)
                    {
                        // A secondary limit that named no time: GitHub asks for at least a minute.
                        wait = RateLimitHeaders.SecondaryLimitFallback;
                        _budget.BackOff(key, wait);
                    }

                    throw GitHubFailures.Translate(exception, method, path, wait);
                }

                throw GitHubFailures.Translate(exception, method, path, TimeSpan.Zero);
            }
            catch (HttpRequestException exception)
            {
                Volatile.Write(ref _reachable, 0);
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "unreachable");
                throw GitHubFailures.Unreachable(exception, method, path);
            }
            catch (TaskCanceledException exception) when (!ct.IsCancellationRequested)
            {
                Volatile.Write(ref _reachable, 0);
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "timeout");
                throw GitHubFailures.Unreachable(exception, method, path);
            }
        }
    }

    /// <summary>GETs every page (following <c>Link: rel="next"</c>), at most <paramref name="maxPages"/>, or until <paramref name="stop"/> says a page is enough.</summary>
    private async Task<List<TItem>> GetPagesAsync<TPage, TItem>(
        long? installationId, string path, Func<TPage, IEnumerable<TItem>> items, Func<IReadOnlyList<TItem>, bool> stop, int maxPages, CancellationToken ct)
    {
        var all = new List<TItem>();
        Uri? next = Relative(path);
        Dictionary<string, string>? parameters = new(StringComparer.Ordinal) { ["per_page"] = PageSize.ToString(CultureInfo.InvariantCulture) };
        for (var pages = 0; next is not null && pages < maxPages; pages++)
        {
            var uri = next;
            var query = parameters;
            var response = await SendAsync(installationId, "GET", pages == 0 ? path : uri.PathAndQuery.TrimStart('/'), c => c.Get<TPage>(uri, query, Json, ct), ct).ConfigureAwait(false);
            var page = items(response.Body).ToList();
            all.AddRange(page);
            next = page.Count > 0 && !stop(page) && response.HttpResponse.ApiInfo.Links.TryGetValue("next", out var link) ? link : null;
            parameters = null; // the next link carries the query
        }

        return all;
    }

    /// <summary>
    /// GitHub answers 422 "Reference does not exist" for a missing branch (404 on some versions); any
    /// other 422, such as "Cannot delete the default branch", is a real refusal.
    /// https://docs.github.com/en/rest/git/refs#delete-a-reference
    /// </summary>
    private static bool IsGone(GitHubApiException exception) =>
        exception.StatusCode == 404
        || (exception.StatusCode == 422 && exception.InnerException is ApiException api
            && GitHubFailures.ErrorMessages(api).Any(m => m.Contains("does not exist", StringComparison.OrdinalIgnoreCase)));

    private static string Who(long? installationId) =>
        installationId is { } id ? $"installation {id.ToString(CultureInfo.InvariantCulture)}" : "the App";

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    /// <summary><c>repos/{owner}/{name}</c> from <c>owner/name</c>.</summary>
    private static string RepositoryPath(string repository)
    {
        var (owner, name) = SplitRepository(repository);
        return $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(name)}";
    }

    private static (string Owner, string Name) SplitRepository(string repository)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repository);
        var parts = repository.Split('/');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new ArgumentException($"Expected a repository as 'owner/name'; got '{repository}'.", nameof(repository));
        }

        return (parts[0], parts[1]);
    }

    /// <summary>Escapes each segment of a slash-separated path (a file path, a branch like <c>gitops-bridge/dev</c>).</summary>
    private static string Segments(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
