using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Octokit;

namespace GitOpsBridge.GitHubEmulator.Tests.Apps;

public sealed class AppAuthenticationTests
{
    /// <summary>A JWT made the way the bridge will make it: Microsoft.IdentityModel with the PEM GitHub hands out.</summary>
    private static string BridgeJwt(string pem, long appId, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        var key = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: true));
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = appId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            IssuedAt = issuedAt.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    [Fact]
    public async Task Jwt_FromPkcs1PemWithIdentityModel_CreatesInstallationToken()
    {
        await using var scenario = await Scenario.StartAsync();
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", scenario.GitHub.PrivateKeyPem, StringComparison.Ordinal);
        var now = DateTimeOffset.UtcNow;
        var jwt = BridgeJwt(scenario.GitHub.PrivateKeyPem, scenario.GitHub.AppId, now.AddSeconds(-60), now.AddMinutes(8));

        var token = await scenario.OctokitAsApp(jwt).GitHubApps.CreateInstallationToken(scenario.Installation.Id);

        Assert.StartsWith("ghs_", token.Token, StringComparison.Ordinal);
        Assert.InRange(token.ExpiresAt, now.AddMinutes(59), now.AddMinutes(61));
        var repositories = await scenario.Octokit(token.Token).GitHubApps.Installation.GetAllRepositoriesForCurrent();
        Assert.Equal("acme/gitops", Assert.Single(repositories.Repositories).FullName);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task PrivateKey_NotGiven_IsGeneratedPerEmulatorAsPkcs1()
    {
        await using var github = await GitHubEmulator.StartAsync(new GitHubEmulatorOptions { ValidateAgainstSpec = false });

        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", github.PrivateKeyPem, StringComparison.Ordinal);
        Assert.NotEqual(TestKeys.Pem, github.PrivateKeyPem);
        Assert.Equal(github.PrivateKeyPem, github.PrivateKeyPem);
    }

    [Fact]
    public async Task Jwt_Expired_IsRejected()
    {
        await using var scenario = await Scenario.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var jwt = BridgeJwt(scenario.GitHub.PrivateKeyPem, scenario.GitHub.AppId, now.AddMinutes(-11), now.AddMinutes(-1));

        var error = await Assert.ThrowsAsync<AuthorizationException>(() => scenario.OctokitAsApp(jwt).GitHubApps.CreateInstallationToken(scenario.Installation.Id));

        Assert.Contains("'Expiration time' claim ('exp') must be a numeric value representing the future time", error.Message, StringComparison.Ordinal);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Jwt_SignedWithAnotherKey_IsRejected()
    {
        await using var scenario = await Scenario.StartAsync();
        using var other = RSA.Create(2048);
        var now = DateTimeOffset.UtcNow;
        var jwt = BridgeJwt(other.ExportRSAPrivateKeyPem(), scenario.GitHub.AppId, now.AddSeconds(-60), now.AddMinutes(8));

        var error = await Assert.ThrowsAsync<AuthorizationException>(() => scenario.OctokitAsApp(jwt).GitHubApps.GetAllInstallationsForCurrent());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("A JSON web token could not be decoded", error.Message);
    }

    [Theory]
    [InlineData(-60, 9 * 60, null)]
    [InlineData(-60, 10 * 60, "is too far in the future")] // exp is 11 min after iat
    [InlineData(0, 11 * 60, "is too far in the future")]
    [InlineData(120, 5 * 60, "'Issued at' claim ('iat')")]
    public async Task Jwt_LifetimeRules_FollowGitHub(int iatOffsetSeconds, int expOffsetSeconds, string? expectedError)
    {
        await using var scenario = await Scenario.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var jwt = BridgeJwt(scenario.GitHub.PrivateKeyPem, scenario.GitHub.AppId, now.AddSeconds(iatOffsetSeconds), now.AddSeconds(expOffsetSeconds));
        using var http = scenario.Http("Bearer", jwt);

        using var response = await http.GetAsync("app/installations");

        if (expectedError is null)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains(expectedError, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Jwt_WrongIssuer_IsRejected()
    {
        await using var scenario = await Scenario.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var jwt = BridgeJwt(scenario.GitHub.PrivateKeyPem, scenario.GitHub.AppId + 1, now.AddSeconds(-60), now.AddMinutes(8));
        using var http = scenario.Http("Bearer", jwt);

        using var response = await http.GetAsync("app/installations");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task InstallationToken_OnAppRoute_IsRejected()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = scenario.Http("Bearer", scenario.Token.Token);

        using var response = await http.GetAsync("app/installations");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task InstallationToken_AfterItsLifetime_GetsBadCredentials()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var scenario = await Scenario.StartAsync(new GitHubEmulatorOptions { TimeProvider = clock, InstallationTokenLifetime = TimeSpan.FromMinutes(60) });
        var client = scenario.Octokit();
        await client.Repository.Get(Scenario.Owner, Scenario.Repo);

        clock.Advance(TimeSpan.FromMinutes(61));
        var error = await Assert.ThrowsAsync<AuthorizationException>(() => client.Repository.Get(Scenario.Owner, Scenario.Repo));

        Assert.Equal("Bad credentials", error.Message);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task InstallationToken_NarrowedToOneRepository_CannotSeeAnother()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.GitHub.CreateRepositoryAsync(Scenario.Owner, "other", new Dictionary<string, string> { ["a.txt"] = "a" });
        var installation = scenario.GitHub.CreateInstallation(Scenario.Owner, Scenario.Repo, "other");
        using var app = scenario.Http("Bearer", scenario.GitHub.CreateAppJwt());
        using var created = await app.PostAsync(
            $"app/installations/{installation.Id}/access_tokens",
            new StringContent("""{"repositories":["other"]}""", System.Text.Encoding.UTF8, "application/json"));
        var token = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();

        var client = scenario.Octokit(token);

        Assert.Equal("other", (await client.Repository.Get(Scenario.Owner, "other")).Name);
        await Assert.ThrowsAsync<NotFoundException>(() => client.Repository.Get(Scenario.Owner, Scenario.Repo));
    }

    [Fact]
    public async Task Installations_ListedAndFoundByRepository_WithOctokit()
    {
        await using var scenario = await Scenario.StartAsync();
        var app = scenario.OctokitAsApp();

        var installations = await app.GitHubApps.GetAllInstallationsForCurrent();
        var forRepository = await app.GitHubApps.GetRepositoryInstallationForCurrent(Scenario.Owner, Scenario.Repo);

        Assert.Equal(scenario.Installation.Id, Assert.Single(installations).Id);
        Assert.Equal(scenario.Installation.Id, forRepository.Id);
        Assert.Equal("acme", forRepository.Account.Login);
        await Assert.ThrowsAsync<NotFoundException>(() => app.GitHubApps.GetRepositoryInstallationForCurrent(Scenario.Owner, "missing"));
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task InstallationRepositories_Paginate_WithLinkHeaders()
    {
        await using var github = await GitHubEmulator.StartAsync(TestKeys.WithSharedKey());
        var names = Enumerable.Range(1, 5).Select(i => $"repo{i}").ToArray();
        foreach (var name in names)
        {
            await github.CreateRepositoryAsync("acme", name, new Dictionary<string, string> { ["a.txt"] = name });
        }

        var installation = github.CreateInstallation("acme", names);
        var token = github.CreateInstallationToken(installation.Id).Token;
        using var http = new HttpClient { BaseAddress = github.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("token", token);
        http.DefaultRequestHeaders.UserAgent.ParseAdd("tests");

        using var second = await http.GetAsync("api/v3/installation/repositories?per_page=2&page=2");

        var link = string.Join(",", second.Headers.GetValues("Link"));
        var port = github.Port;
        Assert.Contains($"<http://127.0.0.1:{port}/api/v3/installation/repositories?per_page=2&page=1>; rel=\"prev\"", link, StringComparison.Ordinal);
        Assert.Contains($"<http://127.0.0.1:{port}/api/v3/installation/repositories?per_page=2&page=3>; rel=\"next\"", link, StringComparison.Ordinal);
        Assert.Contains($"<http://127.0.0.1:{port}/api/v3/installation/repositories?per_page=2&page=3>; rel=\"last\"", link, StringComparison.Ordinal);

        // Octokit follows the Link headers to the end.
        github.Calls.Reset();
        var client = new GitHubClient(new Octokit.ProductHeaderValue("tests"), github.BaseAddress) { Credentials = new Credentials(token) };
        var all = await client.GitHubApps.Installation.GetAllRepositoriesForCurrent(new ApiOptions { PageSize = 2 });

        Assert.Equal(names, all.Repositories.Select(r => r.Name).ToArray());
        Assert.Equal(3, github.Calls[GitHubRoutes.ListInstallationRepositories]);
        github.AssertNoSpecViolations();
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
