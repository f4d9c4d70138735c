using System.Net;
using GitOpsBridge.Secrets;
using GitOpsBridge.Tests.Service;
using Microsoft.Extensions.Time.Testing;

namespace GitOpsBridge.Tests.Secrets;

public sealed class KeyVaultSecretProviderTests
{
    private static readonly KeyVaultOptions Options = new() { PrivateKeyVaultUri = "https://127.0.0.1/", KeyVaultRefreshInterval = TimeSpan.FromMinutes(5) };

    [Fact]
    public async Task GetAsync_SecretInVault_ReadWithTheTokenAfterTheBearerChallenge()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.Secrets["github-webhook-secret"] = "from-the-vault";
        var credential = new TestTokenCredential();
        var provider = new KeyVaultSecretProvider(vault.CreateClient(credential), Options, TimeProvider.System);

        var value = await provider.GetAsync(SecretKeys.WebhookSecret);

        Assert.Equal("from-the-vault", value);
        Assert.Equal(["GET /secrets/github-webhook-secret challenge", "GET /secrets/github-webhook-secret bearer"], vault.Requests);
        Assert.Equal("https://vault.azure.net/.default tenant=tenant", Assert.Single(credential.Scopes));
    }

    [Fact]
    public async Task GetAsync_ConfiguredSecretNames_AreTheNamesAskedFor()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.Secrets["pk"] = "pem";
        vault.Secrets["id"] = "42";
        var options = new KeyVaultOptions { PrivateKeySecretName = "pk", AppIdSecretName = "id", WebhookSecretName = "wh" };
        var provider = new KeyVaultSecretProvider(vault.CreateClient(), options, TimeProvider.System);

        Assert.Equal("pem", await provider.GetAsync(SecretKeys.PrivateKey));
        Assert.Equal("42", await provider.GetAsync(SecretKeys.AppId));
        Assert.Null(await provider.GetAsync(SecretKeys.WebhookSecret));
        Assert.Null(await provider.GetAsync(SecretKeys.AdminToken));
        Assert.DoesNotContain(vault.Requests, r => r.Contains("admin", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task GetAsync_RotatedInVault_OldValueUntilTheRefreshIntervalThenTheNewOne()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.Secrets["github-webhook-secret"] = "first";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var provider = new KeyVaultSecretProvider(vault.CreateClient(), Options, time);
        Assert.Equal("first", await provider.GetAsync(SecretKeys.WebhookSecret));

        vault.Secrets["github-webhook-secret"] = "second";
        time.Advance(Options.KeyVaultRefreshInterval - TimeSpan.FromSeconds(1));
        var cached = await provider.GetAsync(SecretKeys.WebhookSecret);
        time.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await provider.GetAsync(SecretKeys.WebhookSecret);

        Assert.Equal(("first", "second"), (cached, refreshed));
    }

    [Fact]
    public async Task GetAsync_VaultFailsAfterAValueWasRead_KeepsTheValue()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.Secrets["github-webhook-secret"] = "known";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var provider = new KeyVaultSecretProvider(vault.CreateClient(), Options, time);
        await provider.GetAsync(SecretKeys.WebhookSecret);

        vault.FailWith = 500;
        time.Advance(Options.KeyVaultRefreshInterval);

        Assert.Equal("known", await provider.GetAsync(SecretKeys.WebhookSecret));
    }

    [Fact]
    public async Task GetAsync_VaultFailsWithNothingKnown_ThrowsWithoutTheResponseText()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.FailWith = 403;
        var provider = new KeyVaultSecretProvider(vault.CreateClient(), Options, TimeProvider.System);

        var error = await Assert.ThrowsAsync<SecretSourceException>(() => provider.GetAsync(SecretKeys.PrivateKey).AsTask());

        Assert.Contains("github-app-private-key", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 403", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("failing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveAsync_SetupSecrets_StoredUnderTheirNamesAndReadBackWithoutAFetch()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        var provider = new KeyVaultSecretProvider(vault.CreateClient(), Options, TimeProvider.System);

        await provider.SaveAsync(new Dictionary<string, string> { [SecretKeys.AppId] = "77", [SecretKeys.WebhookSecret] = "w", [SecretKeys.ClientSecret] = "cs" });
        var requests = vault.Requests.Count;

        Assert.Equal("77", vault.Secrets["github-app-id"]);
        Assert.Equal("w", vault.Secrets["github-webhook-secret"]);
        Assert.Equal("cs", vault.Secrets["github-app-client-secret"]);
        Assert.Equal("77", await provider.GetAsync(SecretKeys.AppId));
        Assert.Equal(requests, vault.Requests.Count);
    }

    [Fact]
    public async Task Webhook_SecretOnlyInKeyVaultAndRotated_NewSecretAcceptedAfterTheRefreshInterval()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.Secrets["github-webhook-secret"] = "vault-secret-1";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var port = BridgeServer.FreePort();
        await using var github = await BridgeServer.StartEmulatorAsync(port);
        await using var bridge = await BridgeServer.StartAsync(
            github,
            port,
            settings: new Dictionary<string, string?> { ["GitHub:WebhookSecret"] = null, ["GitHub:PrivateKeyVaultUri"] = vault.VaultUri.AbsoluteUri },
            time: time,
            services: s => s.AddSingleton(vault.CreateClient()));
        var sources = Assert.IsType<CompositeSecretProvider>(bridge.Services.GetRequiredService<ISecretProvider>()).Sources;
        var body = """{"action":"created","installation":{"id":1}}""";

        var first = await bridge.PostAsync("meta", body, secret: "vault-secret-1");
        vault.Secrets["github-webhook-secret"] = "vault-secret-2";
        var beforeRefresh = await bridge.PostAsync("meta", body, secret: "vault-secret-2");
        time.Advance(TimeSpan.FromMinutes(5));
        var afterRefresh = await bridge.PostAsync("meta", body, secret: "vault-secret-2");
        var oldAfterRefresh = await bridge.PostAsync("meta", body, secret: "vault-secret-1");

        Assert.Equal([typeof(ConfigurationSecretProvider), typeof(KeyVaultSecretProvider)], sources.Select(s => s.GetType()));
        Assert.Equal(
            (HttpStatusCode.Accepted, HttpStatusCode.Unauthorized, HttpStatusCode.Accepted, HttpStatusCode.Unauthorized),
            (first.StatusCode, beforeRefresh.StatusCode, afterRefresh.StatusCode, oldAfterRefresh.StatusCode));
    }
}
