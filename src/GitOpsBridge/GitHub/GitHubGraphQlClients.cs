namespace GitOpsBridge.GitHub;

/// <summary>
/// Hands out <see cref="GitHubGraphQl"/> clients that authenticate as one installation, all over one
/// <see cref="HttpClient"/> and the configured GraphQL endpoint (<see cref="GitHubEndpoints.GraphQL"/>).
/// </summary>
/// <param name="tokens">Installation tokens (cached and refreshed there).</param>
/// <param name="options">Where GitHub is.</param>
public sealed class GitHubGraphQlClients(IInstallationTokens tokens, GitHubOptions options) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Uri _endpoint = GitHubEndpoints.From(options).GraphQL;

    /// <summary>A client acting as <paramref name="installationId"/>.</summary>
    /// <param name="installationId">The installation whose token each call carries.</param>
    /// <returns>The client.</returns>
    public GitHubGraphQl For(long installationId) =>
        new(_http, _endpoint, async cancellationToken => (await tokens.GetAsync(installationId, cancellationToken).ConfigureAwait(false)).Value);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
