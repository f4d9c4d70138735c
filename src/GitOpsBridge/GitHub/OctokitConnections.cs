using System.Collections.Concurrent;
using System.Reflection;
using Octokit;
using Octokit.Internal;

namespace GitOpsBridge.GitHub;

/// <summary>
/// Octokit connections that share one HTTP client: one authenticated as the App (a JWT per request,
/// from <see cref="AppJwtFactory"/>'s cache) and one per installation (the cached installation token).
/// A <see cref="Connection"/> is built on the API root as given, so Octokit's own rewriting of
/// non-github.com hosts to <c>/api/v3/</c> does not apply.
/// </summary>
internal sealed class OctokitConnections(Uri apiRoot) : IDisposable
{
    private static readonly ProductHeaderValue Product = new(
        "GitOpsBridge",
        typeof(OctokitConnections).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    private readonly CapturingHttpClient _http = new(new HttpClientAdapter(HttpMessageHandlerFactory.CreateDefault));
    private readonly SimpleJsonSerializer _serializer = new();
    private readonly ConcurrentDictionary<long, IConnection> _installations = new();

    public IConnection ForApp(AppJwtFactory jwt) =>
        new Connection(Product, apiRoot, new AppCredentials(jwt), _http, _serializer);

    public IConnection ForInstallation(long installationId, IInstallationTokens tokens) =>
        _installations.GetOrAdd(installationId, id => new Connection(Product, apiRoot, new InstallationCredentials(tokens, id), _http, _serializer));

    public void Dispose() => _http.Dispose();

    private sealed class AppCredentials(AppJwtFactory jwt) : ICredentialStore
    {
        public async Task<Credentials> GetCredentials() => new(await jwt.CreateAsync().ConfigureAwait(false), AuthenticationType.Bearer);
    }

    /// <summary>Reads the token cache on each request; <see cref="GitHubApi"/> fetches the token first, with cancellation, so this is a cache hit.</summary>
    private sealed class InstallationCredentials(IInstallationTokens tokens, long installationId) : ICredentialStore
    {
        public async Task<Credentials> GetCredentials() =>
            new((await tokens.GetAsync(installationId).ConfigureAwait(false)).Value);
    }
}

/// <summary>
/// Hands the raw response of an Octokit call (status and headers) back to the code that made it,
/// whatever overload it used (<c>Delete(Uri)</c> returns only a status): <see cref="Begin"/> puts a
/// slot in the async flow, and the HTTP client fills the slot of the flow it runs in. Concurrent
/// calls on one connection each see their own response, which <c>GetLastApiInfo()</c> cannot promise.
/// </summary>
internal sealed class CapturingHttpClient(IHttpClient inner) : IHttpClient
{
    private static readonly AsyncLocal<ResponseSlot?> Current = new();

    /// <summary>A slot for the responses of the calls that follow in this async flow (the last one wins).</summary>
    public static ResponseSlot Begin() => Current.Value = new ResponseSlot();

    public async Task<IResponse> Send(IRequest request, CancellationToken cancellationToken, Func<object, object>? preprocessResponseBody = null)
    {
        var response = await inner.Send(request, cancellationToken, preprocessResponseBody).ConfigureAwait(false);
        Current.Value?.Set(response);
        return response;
    }

    public void SetRequestTimeout(TimeSpan timeout) => inner.SetRequestTimeout(timeout);

    public void Dispose() => inner.Dispose();
}

/// <summary>Where <see cref="CapturingHttpClient"/> leaves a response.</summary>
internal sealed class ResponseSlot
{
    private IResponse? _response;

    public IResponse? Response => Volatile.Read(ref _response);

    public void Set(IResponse response) => Volatile.Write(ref _response, response);
}
