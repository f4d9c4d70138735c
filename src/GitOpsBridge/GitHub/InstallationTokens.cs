using System.Collections.Concurrent;
using System.Globalization;
using Octokit;

namespace GitOpsBridge.GitHub;

/// <summary>
/// Creates installation tokens with <c>POST /app/installations/{id}/access_tokens</c> (App JWT) and
/// caches each until <see cref="RenewBefore"/> before it expires. Concurrent callers for one
/// installation share a single request.
/// https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app
/// </summary>
public sealed class InstallationTokens : IInstallationTokens, IDisposable
{
    /// <summary>A cached token is replaced this long before GitHub's <c>expires_at</c>.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time;
    private readonly OctokitConnections _connections;
    private readonly IConnection _app;
    private readonly ConcurrentDictionary<long, Entry> _entries = new();
    private int _created;

    /// <summary>Creates the cache; no request is made until a token is asked for.</summary>
    public InstallationTokens(GitHubOptions options, AppJwtFactory jwt, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(jwt);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _connections = new OctokitConnections(GitHubEndpoints.From(options).Api);
        _app = _connections.ForApp(jwt);
    }

    /// <summary>Tokens created so far (each one a request to GitHub).</summary>
    public int CreatedCount => Volatile.Read(ref _created);

    /// <inheritdoc />
    public async ValueTask<InstallationToken> GetAsync(long installationId, CancellationToken cancellationToken = default)
    {
        var entry = _entries.GetOrAdd(installationId, static _ => new Entry());
        if (Fresh(entry.Token) is { } cached)
        {
            return cached;
        }

        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh(entry.Token) is { } fetchedMeanwhile)
            {
                return fetchedMeanwhile;
            }

            var token = await CreateAsync(installationId, cancellationToken).ConfigureAwait(false);
            entry.Token = token;
            return token;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <inheritdoc />
    public void Invalidate(long installationId)
    {
        if (_entries.TryGetValue(installationId, out var entry))
        {
            entry.Token = null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _connections.Dispose();
        foreach (var entry in _entries.Values)
        {
            entry.Gate.Dispose();
        }
    }

    private InstallationToken? Fresh(InstallationToken? token) =>
        token is not null && _time.GetUtcNow() < token.ExpiresAt - RenewBefore ? token : null;

    private async Task<InstallationToken> CreateAsync(long installationId, CancellationToken cancellationToken)
    {
        var path = $"app/installations/{installationId.ToString(CultureInfo.InvariantCulture)}/access_tokens";
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _created);
        try
        {
            var response = await _app.Post<AccessToken>(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            return new InstallationToken(response.Body.Token, response.Body.ExpiresAt);
        }
        catch (ApiException exception)
        {
            throw GitHubFailures.Translate(exception, "POST", path, RateLimitHeaders.RetryAfter(exception, _time.GetUtcNow()));
        }
        catch (HttpRequestException exception)
        {
            throw GitHubFailures.Unreachable(exception, "POST", path);
        }
    }

    private sealed class Entry
    {
        private InstallationToken? _token;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public InstallationToken? Token
        {
            get => Volatile.Read(ref _token);
            set => Volatile.Write(ref _token, value);
        }
    }
}
