using System.Globalization;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GitOpsBridge.GitHub;

/// <summary>
/// Signs the App's JSON Web Token (RS256): <c>iat</c> 60 seconds in the past against clock skew,
/// <c>exp</c> 9 minutes after <c>iat</c> (GitHub refuses more than 10), <c>iss</c> the App id. A token
/// is reused until one minute before it expires.
/// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
/// </summary>
/// <param name="appId">The App's numeric id.</param>
/// <param name="key">The App's private key; the caller keeps ownership.</param>
/// <param name="time">The clock the claims are read from.</param>
public sealed class AppJwtFactory(long appId, RSA key, TimeProvider time)
{
    /// <summary>How far back <c>iat</c> is set, for clocks that run ahead of GitHub's.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    /// <summary>From <c>iat</c> to <c>exp</c>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);

    /// <summary>A cached token is replaced this long before its <c>exp</c>, so none expires in flight.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    // Not from the shared provider cache: it is keyed by the key's public parameters, so a factory
    // made for a re-loaded key would be handed a signer holding an earlier, disposed RSA object.
    private readonly SigningCredentials _credentials = new(new RsaSecurityKey(key), SecurityAlgorithms.RsaSha256)
    {
        CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
    };
    private readonly string _issuer = appId.ToString(CultureInfo.InvariantCulture);
    private readonly Lock _lock = new();
    private string? _cached;
    private DateTimeOffset _renewAt;

    /// <summary>The App's JWT, made anew when the cached one is within <see cref="RenewBefore"/> of expiring.</summary>
    public string Create()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_cached is not null && now < _renewAt)
            {
                return _cached;
            }

            // Whole seconds: the claims are NumericDate, and the cache must not outlive the real exp.
            var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) - ClockSkew;
            var expires = issuedAt + Lifetime;
            _cached = _handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = _issuer,
                IssuedAt = issuedAt.UtcDateTime,
                Expires = expires.UtcDateTime,
                SigningCredentials = _credentials,
            });
            _renewAt = expires - RenewBefore;
            return _cached;
        }
    }
}
