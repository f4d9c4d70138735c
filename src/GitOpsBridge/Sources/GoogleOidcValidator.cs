using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GitOpsBridge.Sources;

/// <summary>
/// Validates the OIDC token a Pub/Sub push subscription sends
/// (https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions): signature against the
/// issuer's JWKS, issuer, audience, lifetime and, when configured, the service account's email.
/// Key sets are cached for an hour and fetched again at most once a minute when a token names a key
/// the cached set lacks (Google rotates its keys).
/// </summary>
internal sealed partial class GoogleOidcValidator(HttpClient http, TimeProvider time, ILogger<GoogleOidcValidator> logger)
{
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinRefresh = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (JsonWebKeySet Keys, DateTimeOffset FetchedAt)> keySets = new(StringComparer.Ordinal);
    private readonly JsonWebTokenHandler handler = new();

    public async Task<bool> IsValidAsync(SourceOptions options, string token, CancellationToken cancellationToken)
    {
        var keys = await KeysAsync(options.JwksUrl, refresh: false, cancellationToken);
        var result = keys is null ? null : await ValidateAsync(options, token, keys);
        if (result is { IsValid: false, Exception: SecurityTokenSignatureKeyNotFoundException })
        {
            keys = await KeysAsync(options.JwksUrl, refresh: true, cancellationToken);
            result = keys is null ? null : await ValidateAsync(options, token, keys);
        }

        if (result is not { IsValid: true })
        {
            Log.Invalid(logger, result?.Exception?.GetType().Name ?? "no signing keys");
            return false;
        }

        if (options.ServiceAccountEmail is { Length: > 0 } email)
        {
            return result.Claims.TryGetValue("email", out var claimed) && string.Equals(claimed as string, email, StringComparison.OrdinalIgnoreCase)
                && result.Claims.TryGetValue("email_verified", out var verified) && verified is true or "true";
        }

        return true;
    }

    private Task<TokenValidationResult> ValidateAsync(SourceOptions options, string token, JsonWebKeySet keys)
    {
        var issuers = options.Issuer == "https://accounts.google.com" ? new[] { options.Issuer, "accounts.google.com" } : [options.Issuer];
        return handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuers = issuers,
            ValidAudience = options.Audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(2),
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore.Value - p.ClockSkew <= now) && expires is not null && now <= expires.Value + p.ClockSkew;
            },
        });
    }

    private async Task<JsonWebKeySet?> KeysAsync(string url, bool refresh, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (keySets.TryGetValue(url, out var cached) && now - cached.FetchedAt < (refresh ? MinRefresh : KeyLifetime))
        {
            return cached.Keys;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var json = await http.GetStringAsync(new Uri(url), timeout.Token);
            var keys = new JsonWebKeySet(json);
            keySets[url] = (keys, now);
            return keys;
        }
        catch (Exception ex) when (ex is HttpRequestException or ArgumentException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.KeysUnavailable(logger, ex, url);
            return cached.Keys;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "A Pub/Sub OIDC token was refused ({Cause})")]
        public static partial void Invalid(ILogger logger, string cause);

        [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "The signing keys at {Url} could not be fetched")]
        public static partial void KeysUnavailable(ILogger logger, Exception exception, string url);
    }
}
