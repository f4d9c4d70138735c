using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.Tests.Secrets;

/// <summary>
/// Azure Key Vault's secrets API on 127.0.0.1 over HTTPS (the SDK refuses plain HTTP), with a
/// self-signed certificate made here. Like the real vault it answers a request without a token
/// with the Bearer challenge; then <c>GET</c> and <c>PUT /secrets/{name}</c> work on an in-memory
/// dictionary. <see cref="CreateClient"/> gives a real <see cref="SecretClient"/> that trusts
/// exactly this certificate and authenticates with a test credential: nothing reaches Azure.
/// https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/get-secret/get-secret
/// </summary>
internal sealed class FakeKeyVault : IAsyncDisposable
{
    public const string Token = "fake-vault-access-token";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;

    private FakeKeyVault(WebApplication app, X509Certificate2 certificate, Uri address)
    {
        _app = app;
        _certificate = certificate;
        VaultUri = address;
    }

    public Uri VaultUri { get; }

    public ConcurrentDictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request as "METHOD path auth", auth being "challenge" or "bearer".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>When set, secret reads answer this status (an outage).</summary>
    public int? FailWith { get; set; }

    public static async Task<FakeKeyVault> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        FakeKeyVault? vault = null;
        app.Run(context => vault!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        vault = new FakeKeyVault(app, certificate, new Uri(address.TrimEnd('/') + "/"));
        return vault;
    }

    /// <summary>The SDK client as production builds it, except the transport, credential and challenge check.</summary>
    public SecretClient CreateClient(TestTokenCredential? credential = null)
    {
        var thumbprint = _certificate.GetCertHash(HashAlgorithmName.SHA256);
#pragma warning disable CA2000 // the transport owns the handler for the client's lifetime
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(thumbprint),
        };
#pragma warning restore CA2000
        var options = new SecretClientOptions
        {
            DisableChallengeResourceVerification = true,
            Transport = new HttpClientTransport(handler),
            Retry = { MaxRetries = 0 },
        };
        return new SecretClient(VaultUri, credential ?? new TestTokenCredential(), options);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        // Kestrel on Linux needs a certificate whose key came from a PKCS#12 import.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        var authorized = authorization == "Bearer " + Token;
        Requests.Enqueue($"{request.Method} {request.Path} {(authorized ? "bearer" : "challenge")}");
        if (!authorized)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer authorization=\"https://login.microsoftonline.com/tenant\", resource=\"https://vault.azure.net\"";
            return;
        }

        var segments = request.Path.Value!.Trim('/').Split('/');
        if (segments.Length < 2 || segments[0] != "secrets" || !request.Query.ContainsKey("api-version"))
        {
            await Error(context, StatusCodes.Status400BadRequest, "BadParameter", "unexpected request");
            return;
        }

        var name = segments[1];
        if (FailWith is { } status)
        {
            await Error(context, status, "InternalServerError", "the fake vault is failing");
            return;
        }

        if (HttpMethods.IsPut(request.Method))
        {
            var body = await JsonNode.ParseAsync(request.Body);
            Secrets[name] = body!["value"]!.GetValue<string>();
        }
        else if (!HttpMethods.IsGet(request.Method))
        {
            await Error(context, StatusCodes.Status405MethodNotAllowed, "BadParameter", "method");
            return;
        }

        if (!Secrets.TryGetValue(name, out var value))
        {
            await Error(context, StatusCodes.Status404NotFound, "SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault.");
            return;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["value"] = value,
            ["id"] = new Uri(VaultUri, $"secrets/{name}/0123456789abcdef0123456789abcdef").AbsoluteUri,
            ["attributes"] = new JsonObject { ["enabled"] = true, ["created"] = now, ["updated"] = now, ["recoveryLevel"] = "Recoverable+Purgeable" },
        });
    }

    private static Task Error(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = new { code, message } });
    }
}

/// <summary>A credential that hands out a fixed token and records the scopes asked for; never contacts Entra ID.</summary>
internal sealed class TestTokenCredential : TokenCredential
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Scopes.Enqueue(string.Join(' ', requestContext.Scopes) + " tenant=" + requestContext.TenantId);
        return new AccessToken(FakeKeyVault.Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
