using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using GitOpsBridge.Tests.Service;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GitOpsBridge.Tests.Sources;

/// <summary>
/// Google Artifact Registry through a Pub/Sub push subscription authenticated with an OIDC token:
/// a local issuer (a loopback JWKS endpoint) stands in for Google, so nothing leaves the machine.
/// </summary>
public sealed class GarOidcTests
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "https://bridge.test/api/registries/gar";
    private const string Email = "pusher@project.iam.gserviceaccount.com";

    [Fact]
    public async Task PubSubOidcToken_OnlyAValidTokenOfTheConfiguredIssuerAudienceAndAccount_Authenticates()
    {
        using var key = RSA.Create(2048);
        using var otherKey = RSA.Create(2048);
        await using var jwks = await StartJwksAsync(key);
        await using var s = await SourceScenario.StartAsync(new Dictionary<string, string> { [".github/gitops-bridge.yml"] = "version: 1\nimages: {}\nenvironments: {}\n" }, [("gar", "gar")], new Dictionary<string, string?>
        {
            ["Sources:gar:Secret"] = null,
            ["Sources:gar:Audience"] = Audience,
            ["Sources:gar:Issuer"] = Issuer,
            ["Sources:gar:JwksUrl"] = jwks.Url,
            ["Sources:gar:ServiceAccountEmail"] = Email,
        });
        var body = File.ReadAllText(Path.Combine(Fixtures.Root, "payloads", "gar", "pubsub-push-envelope.constructed.json"));
        var now = DateTime.UtcNow;

        async Task<HttpStatusCode> PostAsync(string token)
        {
            using var response = await s.PostAsync("/api/registries/gar", body, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token));
            return response.StatusCode;
        }

        Assert.NotEqual(HttpStatusCode.Unauthorized, await PostAsync(Token(key, Issuer, Audience, Email, now)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(key, Issuer, "https://elsewhere.test", Email, now)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(key, "https://evil.test", Audience, Email, now)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(key, Issuer, Audience, "someone@else.iam.gserviceaccount.com", now)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(key, Issuer, Audience, Email, now.AddHours(-3))));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(otherKey, Issuer, Audience, Email, now)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync("not.a.jwt"));
        Assert.True(jwks.Requests is >= 1 and <= 3, $"the key set is cached, and fetched again only for an unknown key; it was fetched {jwks.Requests} times");
    }

    private static string Token(RSA key, string issuer, string audience, string email, DateTime issuedAt) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt.AddHours(1),
            Claims = new Dictionary<string, object> { ["email"] = email, ["email_verified"] = true },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = KeyId(key) }, SecurityAlgorithms.RsaSha256),
        });

    private static string KeyId(RSA key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportRSAPublicKey()))[..16];

    private static async Task<JwksServer> StartJwksAsync(RSA key)
    {
        var parameters = key.ExportParameters(false);
        var json = System.Text.Json.JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "RSA", kid = KeyId(key), use = "sig", alg = "RS256", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } },
        });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new JwksServer(app);
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref server.RequestCount);
            return Microsoft.AspNetCore.Http.Results.Text(json, "application/json");
        });
        await app.StartAsync();
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/jwks";
        return server;
    }

    private sealed class JwksServer(WebApplication app) : IAsyncDisposable
    {
        public int RequestCount;

        public string Url { get; set; } = "";

        public int Requests => Volatile.Read(ref RequestCount);

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
