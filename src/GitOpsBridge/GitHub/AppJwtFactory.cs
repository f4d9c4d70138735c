using System.Globalization;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GitOpsBridge.GitHub;

/// <summary>
/// Signs the App's JSON Web Token (RS256): <c>iat</c> 60 seconds in the past against clock skew,
/// <c>exp</c> 9 minutes after <c>iat</c> (GitHub refuses more than 10), <c>iss</c> the App id. A token
/// is reused until one minute before it expires, unless the App's id or key changed meanwhile
/// (first-run setup finished, or the key was rotated): the key source is asked on every call.
/// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
/// </summary>
/// <param name="keys">Where the App's id and key come from.</param>
/// <param name="time">The clock the claims are read from.</param>
public sealed class AppJwtFactory(IAppKeySource keys, TimeProvider time)
{
    /// <summary>A factory for one fixed id and key.</summary>
    /// <param name="appId">The App's numeric id.</param>
    /// <param name="key">The App's private key; the caller keeps ownership.</param>
    /// <param name="time">The clock the claims are read from.</param>
    public AppJwtFactory(long appId, RSA key, TimeProvider time)
        : this(new FixedAppKeySource(new AppKey(appId, key)), time)
    {
    }

    /// <summary>How far back <c>iat</c> is set, for clocks that run ahead of GitHub's.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    /// <summary>From <c>iat</c> to <c>exp</c>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);

    /// <summary>A cached token is replaced this long before its <c>exp</c>, so none expires in flight.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly Lock _lock = new();
    private AppKey? _key;
    private SigningCredentials? _credentials;
    private string? _cached;
    private DateTimeOffset _renewAt;

    /// <summary>The App's JWT, made anew when the cached one is within <see cref="RenewBefore"/> of expiring or the key changed.</summary>
    /// <exception cref="GitHubConfigurationException">The App's id or key is not set or not usable.</exception>
    public async ValueTask<string> CreateAsync(CancellationToken cancellationToken = default)
    {
        var key = await keys.GetAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_cached is not null && ReferenceEquals(key, _key) && now < _renewAt)
            {
                return _cached;
            }

            if (!ReferenceEquals(key, _key))
            {
                // Not from the shared provider cache: it is keyed by the key's public parameters, so
                // credentials made for a re-loaded key would be handed a signer holding an earlier,
                // disposed RSA object.
                _credentials = new SigningCredentials(new RsaSecurityKey(key.Key), SecurityAlgorithms.RsaSha256)
                {
                    CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
                };
                _key = key;
            }

            // Whole seconds: the claims are NumericDate, and the cache must not outlive the real exp.
            var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) - ClockSkew;
            var expires = issuedAt + Lifetime;
            _cached = _handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = key.AppId.ToString(CultureInfo.InvariantCulture),
                IssuedAt = issuedAt.UtcDateTime,
                Expires = expires.UtcDateTime,
                SigningCredentials = _credentials,
            });
            _renewAt = expires - RenewBefore;
            return _cached;
        }
    }
}
