using System.Security.Cryptography;
using Octokit;

namespace GitOpsBridge.GitHubEmulator.Tests.Apps;

public sealed class ManifestConversionTests
{
    private const string Manifest = """
        {"name":"GitOps Bridge","url":"https://bridge.example.com/","hook_attributes":{"url":"https://bridge.example.com/api/github/webhooks","active":true},
         "redirect_url":"https://bridge.example.com/setup/callback","public":false,
         "default_permissions":{"contents":"write","metadata":"read"},"default_events":["push"]}
        """;

    private static GitHubClient Anonymous(GitHubEmulator github) => new(new Octokit.ProductHeaderValue("gitops-bridge-tests"), github.BaseAddress);

    [Fact]
    public async Task Conversion_OfSubmittedManifest_ReturnsTheAppWithAKeyItAcceptsForJwts()
    {
        await using var scenario = await Scenario.StartAsync();
        var code = scenario.GitHub.CreateManifestCode(Manifest, owner: "acme");

        var app = await Anonymous(scenario.GitHub).GitHubApps.CreateAppFromManifest(code);

        Assert.Equal(scenario.GitHub.AppId, app.Id);
        Assert.Equal(scenario.GitHub.WebhookSecret, app.WebhookSecret);
        Assert.Equal("GitOps Bridge", app.Name);
        Assert.Equal("acme", app.Owner.Login);
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", app.Pem, StringComparison.Ordinal);
        using var key = RSA.Create();
        key.ImportFromPem(app.Pem);
        var now = DateTimeOffset.UtcNow;
        var jwt = AppJwt(key, app.Id, now.AddSeconds(-60), now.AddMinutes(8));
        var installations = await scenario.OctokitAsApp(jwt).GitHubApps.GetAllInstallationsForCurrent();
        Assert.Equal(scenario.Installation.Id, Assert.Single(installations).Id);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Conversion_CodeUsedTwiceOrUnknown_IsNotFound()
    {
        await using var scenario = await Scenario.StartAsync();
        var code = scenario.GitHub.CreateManifestCode(Manifest);
        var client = Anonymous(scenario.GitHub);
        await client.GitHubApps.CreateAppFromManifest(code);

        await Assert.ThrowsAsync<NotFoundException>(() => client.GitHubApps.CreateAppFromManifest(code));
        await Assert.ThrowsAsync<NotFoundException>(() => client.GitHubApps.CreateAppFromManifest("0123456789abcdef"));
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"name":"x"}""")]
    [InlineData("""{"url":"https://a.example/","hook_attributes":{"active":true}}""")]
    [InlineData("not json")]
    public async Task CreateManifestCode_ManifestGitHubWouldRefuse_Throws(string manifest)
    {
        await using var github = await GitHubEmulator.StartAsync(TestKeys.WithSharedKey(new GitHubEmulatorOptions { ValidateAgainstSpec = false }));

        Assert.Throws<ArgumentException>(() => github.CreateManifestCode(manifest));
    }

    private static string AppJwt(RSA key, long appId, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        static string Part(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = Part("""{"alg":"RS256","typ":"JWT"}"""u8.ToArray());
        var payload = Part(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { iat = issuedAt.ToUnixTimeSeconds(), exp = expiresAt.ToUnixTimeSeconds(), iss = appId.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        var signature = key.SignData(System.Text.Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{Part(signature)}";
    }
}
