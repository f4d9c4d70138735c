using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Registries;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GitOpsBridge.Tests.Registries;

/// <summary>
/// The parts a real docker-registry cannot show: the rate limit and cache on a fake clock, challenge
/// parsing, and answers distribution never gives (no Docker-Content-Digest, a cross-host Link),
/// through a recording HTTP handler.
/// </summary>
public sealed class RegistryClientUnitTests
{
    [Fact]
    public async Task RateLimiter_SecondRequestWithinTheInterval_WaitsForTheClock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limiter = new RegistryRateLimiter(time, requestsPerSecond: 10);

        var first = limiter.WaitAsync("ghcr.io", CancellationToken.None);
        var second = limiter.WaitAsync("ghcr.io", CancellationToken.None);
        var third = limiter.WaitAsync("ghcr.io", CancellationToken.None);
        var otherHost = limiter.WaitAsync("quay.io", CancellationToken.None);

        Assert.True(first.IsCompleted);
        Assert.True(otherHost.IsCompleted);
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await third.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void RateLimiter_ZeroRate_NeverWaits()
    {
        var limiter = new RegistryRateLimiter(new FakeTimeProvider(), requestsPerSecond: 0);

        Assert.All(Enumerable.Range(0, 100).Select(_ => limiter.WaitAsync("ghcr.io", CancellationToken.None)), task => Assert.True(task.IsCompleted));
    }

    [Fact]
    public void DigestCache_AfterTheDuration_ForgetsTheDigest()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new DigestCache(time, TimeSpan.FromSeconds(30));
        cache.Set("ghcr.io/acme/api:1.0", "sha256:" + new string('a', 64));

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(cache.TryGet("ghcr.io/acme/api:1.0", out var digest));
        Assert.Equal("sha256:" + new string('a', 64), digest);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet("ghcr.io/acme/api:1.0", out _));
    }

    [Fact]
    public void DigestCache_ZeroDuration_KeepsNothing()
    {
        var cache = new DigestCache(new FakeTimeProvider(), TimeSpan.Zero);
        cache.Set("k", "sha256:" + new string('a', 64));

        Assert.False(cache.TryGet("k", out _));
    }

    [Fact]
    public void ParseParameters_DockerHubChallenge_ReadsQuotedValuesWithCommas()
    {
        var parameters = AuthenticationChallenge.ParseParameters(
            "realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/nginx:pull,push\", error=insufficient_scope");

        Assert.Equal("https://auth.docker.io/token", parameters["realm"]);
        Assert.Equal("registry.docker.io", parameters["service"]);
        Assert.Equal("repository:library/nginx:pull,push", parameters["scope"]);
        Assert.Equal("insufficient_scope", parameters["error"]);
    }

    [Fact]
    public void ParseParameters_EscapesAndJunk_KeepsWhatIsReadable()
    {
        var parameters = AuthenticationChallenge.ParseParameters("junk, realm=\"a\\\"b\", =x, service=");

        Assert.Equal("a\"b", parameters["realm"]);
        Assert.Equal(string.Empty, parameters["service"]);
        Assert.Equal(2, parameters.Count);
    }

    [Fact]
    public async Task ResolveDigestAsync_DockerHubImage_AsksRegistry1WithEveryManifestMediaType()
    {
        var digest = "sha256:" + new string('b', 64);
        var handler = new RecordingHandler(request => Respond(HttpStatusCode.OK, headers: [("Docker-Content-Digest", digest)]));
        var client = Client(handler);

        var resolved = await client.ResolveDigestAsync(ImageReference.Parse("nginx:1.27"));

        Assert.Equal(digest, resolved);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Head, request.Method);
        Assert.Equal("https://registry-1.docker.io/v2/library/nginx/manifests/1.27", request.Uri.ToString());
        Assert.Equal(RegistryClient.ManifestMediaTypes, request.Accept);
    }

    [Fact]
    public async Task ResolveDigestAsync_NoDigestHeader_HashesTheManifestFromAGet()
    {
        var manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""");
        var handler = new RecordingHandler(request => request.Method == HttpMethod.Head
            ? Respond(HttpStatusCode.OK)
            : Respond(HttpStatusCode.OK, manifest));
        var client = Client(handler);

        var resolved = await client.ResolveDigestAsync(ImageReference.Parse("registry.example.com/acme/api:1.0"));

        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest)), resolved);
        Assert.Equal([HttpMethod.Head, HttpMethod.Get], handler.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task ResolveDigestAsync_InvalidDigestHeader_ThrowsRegistryException()
    {
        var handler = new RecordingHandler(_ => Respond(HttpStatusCode.OK, headers: [("Docker-Content-Digest", "sha256:short")]));

        var error = await Assert.ThrowsAsync<RegistryException>(() => Client(handler).ResolveDigestAsync(ImageReference.Parse("registry.example.com/acme/api:1.0")));

        Assert.Equal("registry.example.com", error.Host);
    }

    [Fact]
    public async Task ListTagsAsync_FiveTagsInPagesOfTwo_FollowsLinkHeadersAcrossThreePages()
    {
        var handler = new RecordingHandler(PaginatedTags(["1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0"]));

        var listed = await Client(handler, new RegistryOptions { TagPageSize = 2 }).ListTagsAsync("registry.example.com/acme/api");

        Assert.Equal(["1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0"], listed);
        Assert.Equal(
            [
                "https://registry.example.com/v2/acme/api/tags/list?n=2",
                "https://registry.example.com/v2/acme/api/tags/list?last=1.1.0&n=2",
                "https://registry.example.com/v2/acme/api/tags/list?last=2.0.0&n=2",
            ],
            handler.Requests.Select(r => r.Uri.ToString()));
    }

    [Fact]
    public async Task ListTagsAsync_MorePagesThanMaxTagPages_StopsAfterMaxTagPages()
    {
        var handler = new RecordingHandler(PaginatedTags(["a1", "a2", "a3", "a4", "a5"]));

        var listed = await Client(handler, new RegistryOptions { TagPageSize = 2, MaxTagPages = 2 }).ListTagsAsync("registry.example.com/acme/api");

        Assert.Equal(["a1", "a2", "a3", "a4"], listed);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task ListTagsAsync_NextLinkToAnotherHost_IsNotFollowed()
    {
        var handler = new RecordingHandler(_ => Respond(
            HttpStatusCode.OK, Encoding.UTF8.GetBytes("""{"name":"acme/api","tags":["1.0"]}"""), [("Link", "<https://evil.example.net/v2/acme/api/tags/list?last=1.0>; rel=\"next\"")]));

        var error = await Assert.ThrowsAsync<RegistryException>(() => Client(handler).ListTagsAsync("registry.example.com/acme/api"));

        Assert.Contains("evil.example.net", error.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task ResolveDigestAsync_BasicChallenge_RetriesWithCredentialsAndSendsThemUpFrontAfterwards()
    {
        var digest = "sha256:" + new string('c', 64);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("robot:s3cret"));
        var handler = new RecordingHandler(request => request.Authorization == expected
            ? Respond(HttpStatusCode.OK, headers: [("Docker-Content-Digest", digest)])
            : Respond(HttpStatusCode.Unauthorized, headers: [("WWW-Authenticate", "Basic realm=\"registry\"")]));
        var options = new RegistryOptions { CacheDuration = TimeSpan.Zero };
        options.Hosts["registry.example.com"] = new RegistryHostOptions { Username = "robot", Password = "s3cret" };
        var client = Client(handler, options);

        Assert.Equal(digest, await client.ResolveDigestAsync(ImageReference.Parse("registry.example.com/acme/api:1.0")));
        Assert.Equal(digest, await client.ResolveDigestAsync(ImageReference.Parse("registry.example.com/acme/api:1.1")));

        Assert.Equal([null, expected, expected], handler.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task ResolveDigestAsync_BasicChallengeWithoutCredentials_Throws401NamingTheKeys()
    {
        var handler = new RecordingHandler(_ => Respond(HttpStatusCode.Unauthorized, headers: [("WWW-Authenticate", "Basic realm=\"registry\"")]));

        var error = await Assert.ThrowsAsync<RegistryException>(() => Client(handler).ResolveDigestAsync(ImageReference.Parse("registry.example.com/acme/api:1.0")));

        Assert.Equal(401, error.StatusCode);
        Assert.Contains("Registries:Hosts:registry.example.com:Username", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveDigestAsync_TokenRealmOverPlainHttpOnARemoteHost_RefusesToSendCredentials()
    {
        var handler = new RecordingHandler(_ => Respond(
            HttpStatusCode.Unauthorized, headers: [("WWW-Authenticate", "Bearer realm=\"http://auth.example.com/token\",service=\"r\"")]));
        var options = new RegistryOptions();
        options.Hosts["registry.example.com"] = new RegistryHostOptions { Username = "robot", Password = "s3cret" };

        var error = await Assert.ThrowsAsync<RegistryException>(() => Client(handler, options).ResolveDigestAsync(ImageReference.Parse("registry.example.com/acme/api:1.0")));

        Assert.Contains("plain HTTP", error.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public void JwtExpiry_TokenWithExpClaim_ReadsIt()
    {
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"exp":1800000000}""")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1800000000), RegistryAuthenticator.JwtExpiry($"e30.{payload}.sig"));
        Assert.Null(RegistryAuthenticator.JwtExpiry("opaque-token"));
        Assert.Null(RegistryAuthenticator.JwtExpiry("a.!!!.c"));
    }

    private static RegistryClient Client(RecordingHandler handler, RegistryOptions? options = null)
    {
        // The fake clock never moves here, so the rate limit (tested on its own above) is off.
        options ??= new RegistryOptions();
        options.RequestsPerSecond = 0;
        var http = new HttpClient(handler);
        return new RegistryClient(
            () => http,
            options,
            new FakeTimeProvider(DateTimeOffset.UtcNow),
            new Lazy<TokenCredential>(() => throw new InvalidOperationException("no Azure in this test")),
            NullLogger<RegistryClient>.Instance);
    }

    /// <summary>tags/list as distribution 3 pages it: sorted, <c>n</c> per page, <c>last</c> to continue, a relative Link while more remain.</summary>
    private static Func<SeenRequest, HttpResponseMessage> PaginatedTags(string[] tags) => request =>
    {
        var query = System.Web.HttpUtility.ParseQueryString(request.Uri.Query);
        var n = int.Parse(query["n"]!, System.Globalization.CultureInfo.InvariantCulture);
        var rest = tags.Order(StringComparer.Ordinal).Where(t => query["last"] is not { } last || string.CompareOrdinal(t, last) > 0).ToList();
        var page = rest.Take(n).ToList();
        var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { name = "acme/api", tags = page }));
        return rest.Count > n
            ? Respond(HttpStatusCode.OK, body, [("Link", $"<{request.Uri.AbsolutePath}?last={page[^1]}&n={n}>; rel=\"next\"")])
            : Respond(HttpStatusCode.OK, body);
    };

    private static HttpResponseMessage Respond(HttpStatusCode status, byte[]? body = null, (string Name, string Value)[]? headers = null)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(body ?? []) };
        foreach (var (name, value) in headers ?? [])
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    private sealed record SeenRequest(HttpMethod Method, Uri Uri, string? Authorization, string[] Accept);

    private sealed class RecordingHandler(Func<SeenRequest, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<SeenRequest> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var seen = new SeenRequest(
                request.Method,
                request.RequestUri!,
                request.Headers.Authorization?.ToString(),
                [.. request.Headers.Accept.Select(a => a.MediaType!)]);
            Requests.Add(seen);
            return Task.FromResult(respond(seen));
        }
    }
}
