using System.Security.Cryptography;
using System.Text;
using GitOpsBridge.Core.Sources;

namespace GitOpsBridge.Sources;

/// <summary>
/// Decides whether a request really comes from a configured source. Every source accepts its
/// secret as <c>?token=</c> (some vendors can only call a URL); most also have a mechanism of their
/// own. Every comparison is constant-time, and nothing here logs or returns a credential.
/// </summary>
internal sealed class SourceAuthenticator(GoogleOidcValidator oidc)
{
    public async Task<bool> IsAuthenticAsync(ConfiguredSource source, HttpRequest request, byte[] body, CancellationToken cancellationToken)
    {
        var secret = source.Options.Secret;
        if (!string.IsNullOrEmpty(secret) && request.Query.TryGetValue("token", out var tokens) && tokens.Count == 1 && SecretEquals(tokens[0], secret))
        {
            return true;
        }

        var authorization = request.Headers.Authorization.ToString();
        switch (source.Kind)
        {
            // A custom header set at the vendor: ACR webhooks' "custom headers", Harbor's "Auth Header",
            // distribution's notifications.endpoints[].headers, an EventBridge API destination's API-key connection. Harbor sends the field as typed, so a bare secret counts too.
            case SourceKind.Acr or SourceKind.Harbor or SourceKind.Distribution or SourceKind.Ecr when !string.IsNullOrEmpty(secret):
                return SecretEquals(BearerValue(authorization) ?? authorization, secret);
            case SourceKind.GitLab when !string.IsNullOrEmpty(secret):
                return SecretEquals(request.Headers["X-Gitlab-Token"].ToString(), secret);
            case SourceKind.AzureDevOps when !string.IsNullOrEmpty(secret):
                return BasicPassword(authorization) is { } password && SecretEquals(password, secret);
            case SourceKind.CircleCi when !string.IsNullOrEmpty(secret):
                return CircleCiSignatureMatches(secret, body, request.Headers["circleci-signature"].ToString());
            case SourceKind.Gar when !string.IsNullOrEmpty(source.Options.Audience):
                return BearerValue(authorization) is { } jwt && await oidc.IsValidAsync(source.Options, jwt, cancellationToken);
            default:
                return false;
        }
    }

    /// <summary>Compares through SHA-256 so that neither content nor length leaks through timing.</summary>
    internal static bool SecretEquals(string? presented, string expected)
    {
        if (presented is null)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    /// <summary>
    /// <c>circleci-signature: v1=&lt;hex HMAC-SHA256 of the body&gt;</c>, possibly with further
    /// comma-separated versions (https://circleci.com/docs/webhooks/#validate-webhooks).
    /// </summary>
    internal static bool CircleCiSignatureMatches(string secret, byte[] body, string header)
    {
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        var matched = false;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("v1=", StringComparison.Ordinal) && part.Length == 3 + 64
                && TryHex(part.AsSpan(3), out var presented))
            {
                matched |= CryptographicOperations.FixedTimeEquals(presented, expected);
            }
        }

        return matched;
    }

    private static bool TryHex(ReadOnlySpan<char> hex, out byte[] bytes)
    {
        bytes = new byte[hex.Length / 2];
        return Convert.FromHexString(hex, bytes, out _, out var written) == System.Buffers.OperationStatus.Done && written == bytes.Length;
    }

    private static string? BearerValue(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;

    private static string? BasicPassword(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
