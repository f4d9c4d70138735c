using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.Tests.Registries;

/// <summary>
/// Token authentication for a test registry.
/// </summary>
public sealed record RegistryTokenAuthOptions
{
    /// <summary>The user the token service accepts with Basic authentication.</summary>
    public string Username { get; init; } = "bridge";

    /// <summary>That user's password.</summary>
    public string Password { get; init; } = "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The registry's service name (the challenge's <c>service</c>, the token's <c>aud</c>).</summary>
    public string Service { get; init; } = "gitops-bridge-test-registry";

    /// <summary>The token's <c>iss</c>, which the registry trusts.</summary>
    public string Issuer { get; init; } = "gitops-bridge-test-token-server";

    /// <summary>The <c>expires_in</c> of issued tokens.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// When set, the server also plays ACR: <c>POST /oauth2/exchange</c> takes this Microsoft Entra
    /// access token for a refresh token, and <c>POST /oauth2/token</c> takes the refresh token.
    /// </summary>
    public string? AzureAccessToken { get; init; }
}

/// <summary>
/// A loopback token service for <c>docker-registry</c>'s <c>auth.token</c>
/// (<see href="https://distribution.github.io/distribution/spec/auth/token/">token spec</see>): it checks
/// Basic credentials and issues ES256 JWTs for the requested scopes, signed with a fresh self-signed
/// certificate that goes in the header's <c>x5c</c> and in the registry's <c>rootcertbundle</c>.
/// With <see cref="RegistryTokenAuthOptions.AzureAccessToken"/> it also answers ACR's
/// <c>/oauth2/exchange</c> and refresh-token grant
/// (<see href="https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md">AAD-OAuth</see>).
/// </summary>
public sealed class RegistryTokenServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ECDsa _key;
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<string, bool> _refreshTokens = new(StringComparer.Ordinal);
    private int _basicTokens;
    private int _exchanges;
    private int _refreshGrants;
    private int _refusals;

    private RegistryTokenServer(WebApplication app, ECDsa key, X509Certificate2 certificate, RegistryTokenAuthOptions options, Uri baseUri)
    {
        _app = app;
        _key = key;
        _certificate = certificate;
        Options = options;
        Realm = new Uri(baseUri, "/oauth2/token");
    }

    /// <summary>The options the server runs with (username, password, service, issuer).</summary>
    public RegistryTokenAuthOptions Options { get; }

    /// <summary>The realm the registry names in its challenge: <c>http://127.0.0.1:PORT/oauth2/token</c>.</summary>
    public Uri Realm { get; }

    /// <summary>The signing certificate as PEM, for the registry's <c>rootcertbundle</c>.</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>Tokens issued on <c>GET /oauth2/token</c> after a Basic credential check.</summary>
    public int BasicTokenRequests => Volatile.Read(ref _basicTokens);

    /// <summary>Successful ACR <c>/oauth2/exchange</c> calls.</summary>
    public int Exchanges => Volatile.Read(ref _exchanges);

    /// <summary>Access tokens issued for ACR refresh tokens.</summary>
    public int RefreshTokenGrants => Volatile.Read(ref _refreshGrants);

    /// <summary>Requests refused with 401 or 400.</summary>
    public int Refusals => Volatile.Read(ref _refusals);

    /// <summary>The <c>service</c> and <c>tenant</c> form fields of the last exchange.</summary>
    public (string? Service, string? Tenant) LastExchange { get; private set; }

    /// <summary>Starts the server on 127.0.0.1 with an ephemeral port.</summary>
    public static async Task<RegistryTokenServer> StartAsync(RegistryTokenAuthOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=GitOps Bridge test token issuer", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        RegistryTokenServer? server = null;
        app.MapGet("/oauth2/token", (HttpContext context) => server!.BasicToken(context));

        // HttpRequest, not HttpContext: a lambda of HttpContext returning a Task binds as a RequestDelegate and its IResult is dropped.
        app.MapPost("/oauth2/token", async (HttpRequest request) => server!.RefreshGrant(await request.ReadFormAsync(request.HttpContext.RequestAborted)));
        app.MapPost("/oauth2/exchange", async (HttpRequest request) => server!.Exchange(await request.ReadFormAsync(request.HttpContext.RequestAborted)));
        await app.StartAsync(cancellationToken);
        server = new RegistryTokenServer(app, key, certificate, options, new Uri(app.Urls.First()));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
        _key.Dispose();
    }

    private IResult BasicToken(HttpContext context)
    {
        if (context.Request.Query["service"].ToString() != Options.Service)
        {
            return Refuse(400, "unknown service");
        }

        var header = context.Request.Headers.Authorization.ToString();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Options.Username + ":" + Options.Password));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(expected)))
        {
            return Refuse(401, "invalid credentials");
        }

        Interlocked.Increment(ref _basicTokens);
        var token = Issue(Options.Username, context.Request.Query["scope"].Where(s => !string.IsNullOrEmpty(s)).Select(s => s!));
        return Results.Json(new JsonObject
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = (int)Options.TokenLifetime.TotalSeconds,
            ["issued_at"] = DateTimeOffset.UtcNow.ToString("O"),
        });
    }

    private IResult Exchange(IFormCollection form)
    {
        if (Options.AzureAccessToken is null || form["grant_type"] != "access_token" || form["service"] != Options.Service
            || form["access_token"] != Options.AzureAccessToken)
        {
            return Refuse(401, "invalid exchange");
        }

        Interlocked.Increment(ref _exchanges);
        LastExchange = (form["service"].ToString(), form.TryGetValue("tenant", out var tenant) ? tenant.ToString() : null);
        var refresh = "refresh-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _refreshTokens[refresh] = true;
        return Results.Json(new JsonObject { ["refresh_token"] = refresh });
    }

    private IResult RefreshGrant(IFormCollection form)
    {
        if (form["grant_type"] != "refresh_token" || form["service"] != Options.Service
            || !_refreshTokens.ContainsKey(form["refresh_token"].ToString()))
        {
            return Refuse(401, "invalid refresh token");
        }

        Interlocked.Increment(ref _refreshGrants);
        return Results.Json(new JsonObject { ["access_token"] = Issue("azure-identity", form["scope"].Where(s => !string.IsNullOrEmpty(s)).Select(s => s!)) });
    }

    private IResult Refuse(int status, string error)
    {
        Interlocked.Increment(ref _refusals);
        return Results.Json(new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["code"] = "UNAUTHORIZED", ["message"] = error }) }, statusCode: status);
    }

    /// <summary>A JWT as distribution 2.8 verifies it: <c>x5c</c> chain, string <c>aud</c>, <c>access</c> claims.</summary>
    private string Issue(string subject, IEnumerable<string> scopes)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var access = new JsonArray();
        foreach (var scope in scopes.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            // type:name:actions, where the name itself may hold ':' (a registry host with a port).
            var first = scope.IndexOf(':', StringComparison.Ordinal);
            var last = scope.LastIndexOf(':');
            if (first < 0 || last <= first)
            {
                continue;
            }

            access.Add(new JsonObject
            {
                ["type"] = scope[..first],
                ["name"] = scope[(first + 1)..last],
                ["actions"] = new JsonArray([.. scope[(last + 1)..].Split(',').Select(a => (JsonNode)a)]),
            });
        }

        var header = new JsonObject
        {
            ["typ"] = "JWT",
            ["alg"] = "ES256",
            ["x5c"] = new JsonArray(Convert.ToBase64String(_certificate.RawData)),
        };
        var claims = new JsonObject
        {
            ["iss"] = Options.Issuer,
            ["sub"] = subject,
            ["aud"] = Options.Service,
            ["exp"] = now + (long)Options.TokenLifetime.TotalSeconds,
            ["nbf"] = now - 5,
            ["iat"] = now,
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            ["access"] = access,
        };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));

        // JWS ES256 signatures are r||s (IEEE P1363), which is .NET's default format.
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
