using GitOpsBridge.Core.Images;
using GitOpsBridge.Registries;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GitOpsBridge.Tests.Registries;

/// <summary>The registry client against Debian's real docker-registry, images pushed with skopeo.</summary>
public sealed class RegistryClientTests
{
    private static readonly RegistryServerOptions Anonymous = new();

    [RegistryFact]
    public async Task ResolveDigestAsync_PushedTag_ReturnsTheDigestSkopeoReports()
    {
        await using var registry = await RegistryServer.StartAsync(Anonymous);
        var pushed = await registry.PushAsync("team/app", "1.2.3");
        using var services = RegistryClients.For(registry);
        var client = services.GetRequiredService<IRegistryClient>();

        var digest = await client.ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/app:1.2.3"));

        Assert.Equal(pushed, digest);
        Assert.Equal(await registry.InspectDigestAsync("team/app", "1.2.3"), digest);
    }

    [RegistryFact]
    public async Task ResolveDigestAsync_MultiPlatformIndex_ReturnsTheIndexDigest()
    {
        await using var registry = await RegistryServer.StartAsync(Anonymous);
        var image = OciImage.Create(Directory.CreateTempSubdirectory("oci-index-").FullName, platforms: 2);
        var pushed = await registry.PushAsync("team/multi", "2.0.0", image);
        using var services = RegistryClients.For(registry);

        var digest = await services.GetRequiredService<IRegistryClient>().ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/multi:2.0.0"));

        Assert.Equal(image.Digest, pushed);
        Assert.Equal(image.Digest, digest);
        Directory.Delete(image.Directory, recursive: true);
    }

    [RegistryFact]
    public async Task ResolveDigestAsync_UnknownTagOrRepository_ReturnsNull()
    {
        await using var registry = await RegistryServer.StartAsync(Anonymous);
        await registry.PushAsync("team/app", "1.0.0");
        using var services = RegistryClients.For(registry);
        var client = services.GetRequiredService<IRegistryClient>();

        Assert.Null(await client.ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/app:9.9.9")));
        Assert.Null(await client.ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/nothing:1.0.0")));
    }

    [RegistryFact]
    public async Task TagExistsAsync_PushedAndUnknownTags_TrueAndFalse()
    {
        await using var registry = await RegistryServer.StartAsync(Anonymous);
        await registry.PushAsync("team/app", "sha-abc1234");
        using var services = RegistryClients.For(registry);
        var client = services.GetRequiredService<IRegistryClient>();

        Assert.True(await client.TagExistsAsync(ImageReference.Parse($"{registry.Host}/team/app:sha-abc1234")));
        Assert.False(await client.TagExistsAsync(ImageReference.Parse($"{registry.Host}/team/app:sha-def5678")));
    }

    [RegistryFact]
    public async Task ListTagsAsync_FivePushedTags_ListsEveryTag()
    {
        await using var registry = await RegistryServer.StartAsync(Anonymous);
        string[] tags = ["1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0"];
        foreach (var tag in tags)
        {
            await registry.PushAsync("team/app", tag);
        }

        // Debian's distribution 2.8 ignores n on tags/list (tag pagination came with distribution 3),
        // so the Link-following is tested in RegistryClientUnitTests; here the real answer is read.
        using var services = RegistryClients.For(registry, new Dictionary<string, string?> { ["Registries:TagPageSize"] = "2" });

        var listed = await services.GetRequiredService<IRegistryClient>().ListTagsAsync($"{registry.Host}/team/app");

        Assert.Equal(tags, listed.Order(StringComparer.Ordinal));
    }

    [RegistryFact]
    public async Task ListTagsAsync_UnknownRepository_ThrowsRegistryException404()
    {
        await using var registry = await RegistryServer.StartAsync(Anonymous);
        using var services = RegistryClients.For(registry);

        var error = await Assert.ThrowsAsync<RegistryException>(() => services.GetRequiredService<IRegistryClient>().ListTagsAsync($"{registry.Host}/team/none"));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal(registry.Host, error.Host);
        Assert.Contains("NAME_UNKNOWN", error.Message, StringComparison.Ordinal);
    }

    [RegistryFact]
    public async Task ResolveDigestAsync_TokenAuthWithBasicCredentials_GetsTokenAndResolves()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { TokenAuth = new RegistryTokenAuthOptions() });
        var pushed = await registry.PushAsync("team/app", "1.2.3");
        var tokens = registry.TokenServer!;
        var before = tokens.BasicTokenRequests;
        using var services = RegistryClients.For(registry, Credentials(tokens.Options.Username, tokens.Options.Password));

        var digest = await services.GetRequiredService<IRegistryClient>().ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/app:1.2.3"));

        Assert.Equal(pushed, digest);
        Assert.Equal(before + 1, tokens.BasicTokenRequests);
    }

    [RegistryFact]
    public async Task ResolveDigestAsync_TokenAuthWrongPassword_Throws401WithoutThePassword()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { TokenAuth = new RegistryTokenAuthOptions() });
        await registry.PushAsync("team/app", "1.2.3");
        const string wrong = "not-the-password-4711";
        using var services = RegistryClients.For(registry, Credentials(registry.TokenServer!.Options.Username, wrong));

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => services.GetRequiredService<IRegistryClient>().ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/app:1.2.3")));

        Assert.Equal(401, error.StatusCode);
        Assert.Equal(registry.Host, error.Host);
        Assert.DoesNotContain(wrong, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Registries:Hosts:", error.Message, StringComparison.Ordinal);
    }

    [RegistryFact]
    public async Task ResolveDigestAsync_TokenAuthWithoutCredentials_Throws401()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { TokenAuth = new RegistryTokenAuthOptions() });
        using var services = RegistryClients.For(registry);

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => services.GetRequiredService<IRegistryClient>().ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/app:1.2.3")));

        Assert.Equal(401, error.StatusCode);
    }

    [RegistryFact]
    public async Task ResolveDigestAsync_SecondCallOnSameRepository_ReusesTheCachedToken()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { TokenAuth = new RegistryTokenAuthOptions() });
        var first = await registry.PushAsync("team/app", "1.0.0");
        var second = await registry.PushAsync("team/app", "1.1.0");
        var tokens = registry.TokenServer!;
        var before = tokens.BasicTokenRequests;
        var settings = Credentials(tokens.Options.Username, tokens.Options.Password);
        settings["Registries:CacheDuration"] = "00:00:00";
        using var services = RegistryClients.For(registry, settings);
        var client = services.GetRequiredService<IRegistryClient>();

        Assert.Equal(first, await client.ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/app:1.0.0")));
        Assert.Equal(second, await client.ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/app:1.1.0")));
        Assert.Equal(["1.0.0", "1.1.0"], (await client.ListTagsAsync($"{registry.Host}/team/app")).Order(StringComparer.Ordinal));

        Assert.Equal(before + 1, tokens.BasicTokenRequests);
    }

    [RegistryFact]
    public async Task ResolveDigestAsync_AfterTheTokenExpires_FetchesANewToken()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { TokenAuth = new RegistryTokenAuthOptions { TokenLifetime = TimeSpan.FromMinutes(5) } });
        var pushed = await registry.PushAsync("team/app", "1.0.0");
        var tokens = registry.TokenServer!;
        var before = tokens.BasicTokenRequests;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = Credentials(tokens.Options.Username, tokens.Options.Password);
        settings["Registries:CacheDuration"] = "00:00:00";
        settings["Registries:RequestsPerSecond"] = "0";
        using var services = RegistryClients.For(registry, settings, time);
        var client = services.GetRequiredService<IRegistryClient>();
        var image = ImageReference.Parse($"{registry.Host}/team/app:1.0.0");

        Assert.Equal(pushed, await client.ResolveDigestAsync(image));
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(pushed, await client.ResolveDigestAsync(image));
        Assert.Equal(before + 1, tokens.BasicTokenRequests);

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(pushed, await client.ResolveDigestAsync(image));
        Assert.Equal(before + 2, tokens.BasicTokenRequests);
    }

    [RegistryFact]
    public async Task ResolveDigestAsync_AzureIdentity_ExchangesTheEntraTokenOnceAndResolves()
    {
        const string entraToken = "entra-access-token-for-test";
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions
        {
            TokenAuth = new RegistryTokenAuthOptions { AzureAccessToken = entraToken },
        });
        var app = await registry.PushAsync("team/app", "1.0.0");
        var worker = await registry.PushAsync("team/worker", "1.0.0");
        var tokens = registry.TokenServer!;
        var credential = new FixedTokenCredential(entraToken);
        using var services = RegistryClients.For(registry, new Dictionary<string, string?>
        {
            ["Registries:Hosts:local:UseAzureIdentity"] = "true",
            ["Registries:Hosts:local:TenantId"] = "contoso-tenant",
        }, credential: credential);
        var client = services.GetRequiredService<IRegistryClient>();

        Assert.Equal(app, await client.ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/app:1.0.0")));
        Assert.Equal(worker, await client.ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/worker:1.0.0")));

        // One Entra token and one exchange; the cached refresh token buys one access token per repository scope.
        Assert.Equal(1, credential.Requests);
        Assert.Equal([RegistryHostOptions.DefaultAzureTokenScope], credential.LastContext.Scopes);
        Assert.Equal("contoso-tenant", credential.LastContext.TenantId);
        Assert.Equal(1, tokens.Exchanges);
        Assert.Equal((tokens.Options.Service, "contoso-tenant"), tokens.LastExchange);
        Assert.Equal(2, tokens.RefreshTokenGrants);
    }

    [RegistryFact]
    public async Task ResolveDigestAsync_AzureIdentityTokenRefused_Throws401()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions
        {
            TokenAuth = new RegistryTokenAuthOptions { AzureAccessToken = "the-token-acr-trusts" },
        });
        using var services = RegistryClients.For(registry, new Dictionary<string, string?> { ["Registries:Hosts:local:UseAzureIdentity"] = "true" }, credential: new FixedTokenCredential("a-token-acr-refuses"));

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => services.GetRequiredService<IRegistryClient>().ResolveDigestAsync(ImageReference.Parse($"{registry.Host}/team/app:1.0.0")));

        Assert.Equal(401, error.StatusCode);
        Assert.DoesNotContain("a-token-acr-refuses", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, registry.TokenServer!.Exchanges);
    }

    [RegistryFact]
    public async Task ResolveDigestAsync_WithinCacheDuration_AnswersFromCacheThenAsksAgain()
    {
        await using var registry = await RegistryServer.StartAsync(Anonymous);
        var first = await registry.PushAsync("team/app", "latest");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var services = RegistryClients.For(registry, new Dictionary<string, string?> { ["Registries:RequestsPerSecond"] = "0" }, time);
        var client = services.GetRequiredService<IRegistryClient>();
        var image = ImageReference.Parse($"{registry.Host}/team/app:latest");
        Assert.Equal(first, await client.ResolveDigestAsync(image));

        var second = await registry.PushAsync("team/app", "latest");
        time.Advance(TimeSpan.FromSeconds(29));
        var cached = await client.ResolveDigestAsync(image);
        time.Advance(TimeSpan.FromSeconds(2));
        var fresh = await client.ResolveDigestAsync(image);

        Assert.NotEqual(first, second);
        Assert.Equal(first, cached);
        Assert.Equal(second, fresh);
    }

    [Fact]
    public void AddRegistryClient_InsecureRemoteHost_FailsValidationNamingTheKey()
    {
        using var services = RegistryClients.Build(new Dictionary<string, string?> { ["Registries:Hosts:ghcr.io:Insecure"] = "true" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RegistryOptions>>().Value);

        Assert.Contains("Registries:Hosts:ghcr.io:Insecure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRegistryClient_PasswordWithoutUsername_FailsValidationWithoutThePassword()
    {
        using var services = RegistryClients.Build(new Dictionary<string, string?> { ["Registries:Hosts:ghcr.io:Password"] = "hunter2-secret" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RegistryOptions>>().Value);

        Assert.Contains("Username and Password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveDigestAsync_ReferenceWithoutTagOrDigest_ThrowsArgumentException()
    {
        using var services = RegistryClients.Build(new Dictionary<string, string?>());

        await Assert.ThrowsAsync<ArgumentException>(() => services.GetRequiredService<IRegistryClient>().ResolveDigestAsync(ImageReference.Parse("ghcr.io/acme/api")));
    }

    private static Dictionary<string, string?> Credentials(string username, string password) => new()
    {
        ["Registries:Hosts:local:Username"] = username,
        ["Registries:Hosts:local:Password"] = password,
    };
}
