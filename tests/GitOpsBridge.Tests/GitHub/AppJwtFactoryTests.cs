using System.Security.Cryptography;
using GitOpsBridge.GitHub;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GitOpsBridge.Tests.GitHub;

public sealed class AppJwtFactoryTests
{
    [Fact]
    public async Task Create_Claims_IatOneMinuteBackExpNineMinutesLaterIssAppId()
    {
        var time = new FakeTime(DateTimeOffset.Parse("2031-05-06T07:08:09.750Z", System.Globalization.CultureInfo.InvariantCulture));
        using var key = RSA.Create();
        key.ImportFromPem(TestAppKey.Pem);

        var jwt = new JsonWebToken(await new AppJwtFactory(4242, key, time).CreateAsync());

        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal("4242", jwt.Issuer);
        Assert.Equal(DateTimeOffset.Parse("2031-05-06T07:07:09Z", System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, jwt.IssuedAt);
        Assert.Equal(DateTimeOffset.Parse("2031-05-06T07:16:09Z", System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, jwt.ValidTo);
        Assert.False(jwt.TryGetPayloadValue<long>("nbf", out _));
    }

    [Fact]
    public async Task Create_CachedUntilOneMinuteBeforeExp_ThenRenewed()
    {
        var time = FakeTime.AtWholeSecond();
        using var key = RSA.Create();
        key.ImportFromPem(TestAppKey.Pem);
        var factory = new AppJwtFactory(1, key, time);

        var first = await factory.CreateAsync();
        time.Advance(TimeSpan.FromMinutes(7) - TimeSpan.FromSeconds(1));
        var cached = await factory.CreateAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        var renewed = await factory.CreateAsync();

        Assert.Same(first, cached);
        Assert.NotEqual(first, renewed);
        Assert.Equal(time.GetUtcNow().AddSeconds(-60).UtcDateTime, new JsonWebToken(renewed).IssuedAt);
    }

    [Fact]
    public async Task Create_KeyReloadedAfterAnEarlierCopyWasDisposed_StillSigns()
    {
        // Microsoft.IdentityModel caches signers by the key's public parameters; a cached signer would
        // hold the first, disposed RSA object and throw ObjectDisposedException.
        var time = FakeTime.AtWholeSecond();
        using (var first = RSA.Create())
        {
            first.ImportFromPem(TestAppKey.Pem);
            await new AppJwtFactory(1, first, time).CreateAsync();
        }

        using var second = RSA.Create();
        second.ImportFromPem(TestAppKey.Pem);

        var jwt = new JsonWebToken(await new AppJwtFactory(1, second, time).CreateAsync());

        Assert.Equal("1", jwt.Issuer);
    }

    [Fact]
    public async Task CreateAsync_KeyRotatedInTheSecretSource_SignsWithTheNewKeyAtOnce()
    {
        var time = FakeTime.AtWholeSecond();
        using var next = RSA.Create(2048);
        var secrets = new Dictionary<string, string?> { ["GitHub:AppId"] = "7", ["GitHub:PrivateKey"] = TestAppKey.Pem };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(secrets).Build();
        var factory = new AppJwtFactory(new SecretAppKeySource(new GitOpsBridge.Secrets.ConfigurationSecretProvider(configuration)), time);
        var before = await factory.CreateAsync();

        configuration["GitHub:AppId"] = "8";
        configuration["GitHub:PrivateKey"] = next.ExportRSAPrivateKeyPem();
        var after = await factory.CreateAsync();

        Assert.Equal("8", new JsonWebToken(after).Issuer);
        Assert.True(await new JsonWebTokenHandler().ValidateTokenAsync(after, Validation(next)) is { IsValid: true });
        Assert.False(await new JsonWebTokenHandler().ValidateTokenAsync(before, Validation(next)) is { IsValid: true });
    }

    [Fact]
    public async Task CreateAsync_NoKeyAnywhere_ThrowsNamingTheKeysAndSetup()
    {
        var factory = new AppJwtFactory(new SecretAppKeySource(new GitOpsBridge.Secrets.ConfigurationSecretProvider(new ConfigurationBuilder().Build())), TimeProvider.System);

        var error = await Assert.ThrowsAsync<GitHubConfigurationException>(() => factory.CreateAsync().AsTask());

        Assert.Contains("GitHub:AppId", error.Message, StringComparison.Ordinal);
        Assert.Contains("first-run setup", error.Message, StringComparison.Ordinal);
    }

    private static Microsoft.IdentityModel.Tokens.TokenValidationParameters Validation(RSA key) => new()
    {
        IssuerSigningKey = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(key.ExportParameters(false)),
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = false,
    };

    [Fact]
    public async Task Create_EmulatorAcceptsIt_ListsInstallations()
    {
        await using var scenario = await GitHubScenario.StartAsync();

        var installations = await scenario.Api.ListInstallationsAsync();

        var installation = Assert.Single(installations);
        Assert.Equal(scenario.InstallationId, installation.Id);
        Assert.Equal("acme", installation.Account);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Create_SignedWithAnotherKey_IsRejectedWith401()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        using var other = RSA.Create(2048);
        using var api = new GitHubApi(scenario.Options, scenario.Tokens, new AppJwtFactory(scenario.Options.AppId, other, TimeProvider.System), scenario.Budget, TimeProvider.System);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => api.ListInstallationsAsync());

        Assert.Equal(401, error.StatusCode);
        Assert.Contains("A JSON web token could not be decoded", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", error.Message, StringComparison.Ordinal);
        scenario.Emulator.AssertNoSpecViolations();
    }
}
