using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GitOpsBridge.GitHubEmulator.Apps;

/// <summary>
/// The emulated GitHub App: its id, slug and RSA key, and the JWT rules GitHub applies to it.
/// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
/// </summary>
internal sealed class AppIdentity(long appId, string slug, string? privateKeyPem) : IDisposable
{
    /// <summary>GitHub's ceiling for a JWT's lifetime.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    // Generating a 2048-bit key takes about a second on a small machine, so it happens on first use.
    private readonly Lazy<RSA> _lazyKey = new(() =>
    {
        if (privateKeyPem is null)
        {
            return RSA.Create(2048);
        }

        var imported = RSA.Create();
        imported.ImportFromPem(privateKeyPem);
        return imported;
    });

    private RSA Key => _lazyKey.Value;

    public long AppId { get; } = appId;

    public string Slug { get; } = slug;

    public string ClientId { get; } = "Iv1." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The App's OAuth client secret, handed out by the manifest conversion only.</summary>
    public string ClientSecret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>The private key as GitHub hands it out: PKCS#1 PEM (<c>BEGIN RSA PRIVATE KEY</c>).</summary>
    public string PrivateKeyPem => Key.ExportRSAPrivateKeyPem();

    public string PublicKeyPem => Key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Signs an RS256 JWT with this App's key (the way a client would).</summary>
    public string CreateJwt(DateTimeOffset issuedAt, DateTimeOffset expiresAt, string? issuer = null) =>
        CreateJwt(Key, issuer ?? AppId.ToString(CultureInfo.InvariantCulture), issuedAt, expiresAt);

    internal static string CreateJwt(RSA key, string issuer, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        var header = Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT"}"""u8);
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = expiresAt.ToUnixTimeSeconds(),
            ["iss"] = issuer,
        }));
        var signingInput = $"{header}.{payload}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>
    /// Checks a JWT as GitHub does: RS256 signed by this App's key, <c>iss</c> the App id or client id,
    /// <c>iat</c> not in the future, <c>exp</c> in the future, and <c>exp</c> no more than 10 minutes
    /// after <c>iat</c> and after now. Returns null when valid, else GitHub's 401 message.
    /// </summary>
    public string? Validate(string jwt, DateTimeOffset now)
    {
        const string Undecodable = "A JSON web token could not be decoded";
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return Undecodable;
        }

        long iat, exp;
        string? issuer;
        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "RS256")
            {
                return Undecodable;
            }

            var signature = Base64Url.DecodeFromChars(parts[2]);
            if (!Key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return Undecodable;
            }

            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var claims = payload.RootElement;
            if (!claims.TryGetProperty("iat", out var iatClaim) || !iatClaim.TryGetInt64(out iat))
            {
                return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
            }

            if (!claims.TryGetProperty("exp", out var expClaim) || !expClaim.TryGetInt64(out exp))
            {
                return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
            }

            issuer = claims.TryGetProperty("iss", out var iss)
                ? iss.ValueKind == JsonValueKind.Number ? iss.GetRawText() : iss.GetString()
                : null;
        }
        catch (Exception exception) when (exception is FormatException or JsonException or CryptographicException or InvalidOperationException)
        {
            return Undecodable;
        }

        if (issuer != AppId.ToString(CultureInfo.InvariantCulture) && issuer != ClientId)
        {
            return "'Issuer' claim ('iss') must be an Integer";
        }

        var nowSeconds = now.ToUnixTimeSeconds();
        if (iat > nowSeconds)
        {
            return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
        }

        if (exp <= nowSeconds)
        {
            return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
        }

        var max = (long)MaxLifetime.TotalSeconds;
        if (exp - iat > max || exp - nowSeconds > max)
        {
            return "'Expiration time' claim ('exp') is too far in the future";
        }

        return null;
    }

    public void Dispose()
    {
        if (_lazyKey.IsValueCreated)
        {
            _lazyKey.Value.Dispose();
        }
    }
}
