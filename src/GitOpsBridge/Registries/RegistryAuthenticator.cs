using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Core;

namespace GitOpsBridge.Registries;

/// <summary>
/// Answers a registry's 401 challenge and remembers the answer:
/// <list type="bullet">
/// <item>Basic: the host's username and password, sent up front on later calls;</item>
/// <item>Bearer (<see href="https://distribution.github.io/distribution/spec/auth/token/">token authentication</see>):
/// a token from the challenge's realm for its service and scope, with the host's Basic credentials
/// when it has some, cached per host and scope until shortly before it expires;</item>
/// <item>ACR with Microsoft Entra ID (<see href="https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md">AAD-OAuth</see>):
/// an Entra token exchanged at <c>/oauth2/exchange</c> for an ACR refresh token (cached), then
/// <c>POST /oauth2/token</c> with <c>grant_type=refresh_token</c> for the access token.</item>
/// </list>
/// Credentials go only over HTTPS, or plain HTTP to a loopback host.
/// </summary>
internal sealed class RegistryAuthenticator(
    Func<HttpClient> httpClient,
    TimeProvider time,
    Lazy<TokenCredential> azureCredential,
    ILogger logger)
{
    /// <summary>A token without <c>expires_in</c> or a readable <c>exp</c> lives this long (the token spec's default).</summary>
    internal static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);

    private const int MaxTokenResponseBytes = 1024 * 1024;

    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedToken> _refreshTokens = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _basicHosts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The Authorization to send up front: Basic for a host that asked for it, or a fresh cached token; null otherwise.</summary>
    public AuthenticationHeaderValue? Known(RegistryTarget target, string scope)
    {
        if (_basicHosts.ContainsKey(target.Host) && BasicFor(target.Settings) is { } basic)
        {
            return basic;
        }

        return _tokens.TryGetValue(TokenKey(target.Host, scope), out var token) && token.Expires > time.GetUtcNow()
            ? new AuthenticationHeaderValue("Bearer", token.Value)
            : null;
    }

    /// <summary>
    /// The Authorization that answers <paramref name="challenge"/>. A cached token other than
    /// <paramref name="rejected"/> (another caller's fresh one) is reused; otherwise a new one is fetched.
    /// </summary>
    /// <exception cref="RegistryException">No answer is possible (no credentials, unknown scheme) or the token service refused.</exception>
    public async Task<AuthenticationHeaderValue> AnswerAsync(
        RegistryTarget target, string scope, AuthenticationChallenge? challenge, AuthenticationHeaderValue? rejected, CancellationToken cancellationToken)
    {
        if (challenge is null)
        {
            throw new RegistryException(target.Host, 401, $"{target.Host} answered 401 without a Bearer or Basic challenge for {target.Path}.");
        }

        if (challenge.Is("Basic"))
        {
            var basic = BasicFor(target.Settings) ?? throw new RegistryException(
                target.Host, 401, $"{target.Host} requires credentials for {target.Path}; set {HostKey(target)}:Username and :Password.");
            if (rejected is not null && rejected.Scheme == "Basic")
            {
                throw Refused(target, $"{target.Host} refused the configured Basic credentials for {target.Path}");
            }

            _basicHosts[target.Host] = true;
            return basic;
        }

        if (!challenge.Is("Bearer"))
        {
            throw new RegistryException(target.Host, 401, $"{target.Host} asks for the unsupported authentication scheme {challenge.Scheme}.");
        }

        var realm = Realm(target, challenge);
        var service = challenge["service"] ?? string.Empty;

        // The challenge's scope is what the registry wants; ours is the fallback for registries that omit it.
        var wanted = string.IsNullOrEmpty(challenge["scope"]) ? scope : challenge["scope"]!;
        var key = TokenKey(target.Host, scope);
        var gate = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tokens.TryGetValue(key, out var cached) && cached.Expires > time.GetUtcNow() && cached.Value != rejected?.Parameter)
            {
                return new AuthenticationHeaderValue("Bearer", cached.Value);
            }

            if (rejected is not null && rejected.Scheme == "Bearer" && rejected.Parameter == cached?.Value)
            {
                _tokens.TryRemove(key, out _);
            }

            var token = target.Settings is { UseAzureIdentity: true }
                ? await AzureTokenAsync(target, realm, service, wanted, cancellationToken).ConfigureAwait(false)
                : await TokenAsync(target, realm, service, wanted, cancellationToken).ConfigureAwait(false);
            _tokens[key] = token;
            RegistryLog.TokenObtained(logger, target.Host, wanted, token.Expires);
            return new AuthenticationHeaderValue("Bearer", token.Value);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The standard flow: <c>GET realm?service=..&amp;scope=..</c>, with Basic credentials when the host has them.</summary>
    private async Task<CachedToken> TokenAsync(RegistryTarget target, Uri realm, string service, string scope, CancellationToken cancellationToken)
    {
        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query[1..] + "&" : string.Empty);
        if (service.Length > 0)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }

        query.Append("scope=").Append(Uri.EscapeDataString(scope));
        var uri = new UriBuilder(realm) { Query = query.ToString() }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = BasicFor(target.Settings);
        using var json = await SendForJsonAsync(target, request, "the token service", cancellationToken).ConfigureAwait(false);
        var root = json.RootElement;
        var value = StringProperty(root, "token") ?? StringProperty(root, "access_token")
            ?? throw new RegistryException(target.Host, 0, $"The token service {realm.Authority} for {target.Host} answered without a token.");
        return new CachedToken(value, Expiry(value, root));
    }

    /// <summary>ACR: Entra token → <c>/oauth2/exchange</c> → refresh token (cached) → <c>POST /oauth2/token</c> → access token.</summary>
    private async Task<CachedToken> AzureTokenAsync(RegistryTarget target, Uri realm, string service, string scope, CancellationToken cancellationToken)
    {
        var refresh = await RefreshTokenAsync(target, realm, service, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, realm)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "refresh_token"),
                new("service", service),
                new("scope", scope),
                new("refresh_token", refresh),
            ]),
        };
        using var json = await SendForJsonAsync(target, request, "ACR's /oauth2/token", cancellationToken).ConfigureAwait(false);
        var value = StringProperty(json.RootElement, "access_token") ?? StringProperty(json.RootElement, "token")
            ?? throw new RegistryException(target.Host, 0, $"ACR's /oauth2/token at {realm.Authority} answered without an access_token.");
        return new CachedToken(value, Expiry(value, json.RootElement));
    }

    private async Task<string> RefreshTokenAsync(RegistryTarget target, Uri realm, string service, CancellationToken cancellationToken)
    {
        if (_refreshTokens.TryGetValue(target.Host, out var cached) && cached.Expires > time.GetUtcNow())
        {
            return cached.Value;
        }

        var settings = target.Settings!;
        AccessToken entra;
        try
        {
            entra = await azureCredential.Value
                .GetTokenAsync(new TokenRequestContext([settings.AzureTokenScope], tenantId: settings.TenantId), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException or Azure.RequestFailedException)
        {
            throw new RegistryException(target.Host, 401, $"Microsoft Entra ID gave no token for {target.Host} (scope {settings.AzureTokenScope}): {ex.Message}", ex);
        }

        // ACR serves /oauth2/exchange next to its /oauth2/token realm.
        var exchange = new Uri(realm, "/oauth2/exchange");
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "access_token"),
            new("service", service),
            new("access_token", entra.Token),
        };
        if (!string.IsNullOrEmpty(settings.TenantId))
        {
            form.Add(new("tenant", settings.TenantId));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, exchange) { Content = new FormUrlEncodedContent(form) };
        using var json = await SendForJsonAsync(target, request, "ACR's /oauth2/exchange", cancellationToken).ConfigureAwait(false);
        var refresh = StringProperty(json.RootElement, "refresh_token")
            ?? throw new RegistryException(target.Host, 0, $"ACR's /oauth2/exchange at {exchange.Authority} answered without a refresh_token.");
        var expires = JwtExpiry(refresh) is { } exp ? Earlier(exp, entra.ExpiresOn) : entra.ExpiresOn;
        _refreshTokens[target.Host] = new CachedToken(refresh, Margin(time.GetUtcNow(), expires));
        return refresh;
    }

    private async Task<JsonDocument> SendForJsonAsync(RegistryTarget target, HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        var authority = request.RequestUri!.Authority;
        HttpResponseMessage response;
        try
        {
            response = await httpClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new RegistryException(target.Host, 0, $"{what} at {authority} for {target.Host} could not be reached: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException(target.Host, 0, $"{what} at {authority} for {target.Host} did not answer in time.", ex);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var who = target.Settings?.Username is { Length: > 0 } user ? $"the credentials of {user}" : target.Settings is { UseAzureIdentity: true } ? "the Microsoft Entra token" : "an anonymous request";
                throw Refused(target, $"{what} at {authority} refused {who} for {target.Host} ({(int)response.StatusCode})", (int)response.StatusCode);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new RegistryException(target.Host, (int)response.StatusCode, $"{what} at {authority} for {target.Host} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            var body = await RegistryHttp.ReadBoundedAsync(response.Content, MaxTokenResponseBytes, target.Host, what, cancellationToken).ConfigureAwait(false);
            try
            {
                return JsonDocument.Parse(body);
            }
            catch (JsonException ex)
            {
                throw new RegistryException(target.Host, (int)response.StatusCode, $"{what} at {authority} for {target.Host} answered something that is not JSON.", ex);
            }
        }
    }

    /// <summary>The realm as an absolute URI that credentials may be sent to.</summary>
    private static Uri Realm(RegistryTarget target, AuthenticationChallenge challenge)
    {
        var text = challenge["realm"];
        if (string.IsNullOrEmpty(text) || !Uri.TryCreate(text, UriKind.Absolute, out var realm) || realm.Scheme is not ("https" or "http"))
        {
            throw new RegistryException(target.Host, 401, $"{target.Host} sent a Bearer challenge without a usable realm.");
        }

        if (realm.Scheme == "http" && !RegistryHosts.IsLoopback(realm.Authority))
        {
            throw new RegistryException(target.Host, 401, $"{target.Host} points its token realm at plain HTTP on {realm.Authority}; credentials are sent only over HTTPS.");
        }

        return realm;
    }

    private DateTimeOffset Expiry(string token, JsonElement response)
    {
        var now = time.GetUtcNow();
        if (response.TryGetProperty("expires_in", out var expiresIn) && expiresIn.ValueKind == JsonValueKind.Number && expiresIn.TryGetInt64(out var seconds) && seconds > 0)
        {
            return Margin(now, now + TimeSpan.FromSeconds(seconds));
        }

        return JwtExpiry(token) is { } exp ? Margin(now, exp) : Margin(now, now + DefaultTokenLifetime);
    }

    /// <summary>Stop using a token a tenth of its remaining life (at most 30 s) before it ends, so it does not die in flight.</summary>
    private static DateTimeOffset Margin(DateTimeOffset now, DateTimeOffset expires)
    {
        var life = expires - now;
        var margin = TimeSpan.FromTicks(Math.Min(life.Ticks / 10, TimeSpan.FromSeconds(30).Ticks));
        return expires - (margin > TimeSpan.Zero ? margin : TimeSpan.Zero);
    }

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>The <c>exp</c> claim of a JWT, or null when the token is not a readable JWT.</summary>
    internal static DateTimeOffset? JwtExpiry(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var claims = JsonDocument.Parse(Convert.FromBase64String(payload));
            return claims.RootElement.ValueKind == JsonValueKind.Object
                && claims.RootElement.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number && exp.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static AuthenticationHeaderValue? BasicFor(RegistryHostOptions? settings) =>
        settings is { Username: { Length: > 0 } user, Password: { Length: > 0 } password }
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)))
            : null;

    private static string TokenKey(string host, string scope) => host.ToLowerInvariant() + " " + scope;

    private static string HostKey(RegistryTarget target) => $"{RegistryOptions.SectionName}:Hosts:{target.Host}";

    private static RegistryException Refused(RegistryTarget target, string what, int status = 401) =>
        new(target.Host, status, what + "; check " + (target.Settings?.UseAzureIdentity == true ? "the identity's AcrPull role." : $"{HostKey(target)}:Username and :Password."));

    private sealed record CachedToken(string Value, DateTimeOffset Expires);
}
