using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GitOpsBridge.Sources;
using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Sources;

/// <summary>
/// <c>/api/registries/{name}</c> and <c>/api/ci/{name}</c> through the real service: authentication of
/// every kind, tenant isolation, ids and duplicates, and the secret kept out of every log line.
/// </summary>
public sealed class SourceEndpointTests
{
    private const string Config = """
        version: 1
        images:
          hook:
            repository: svendowideit/testhook
          app:
            repository: registry.example.com/gitlab-org/gitlab-test
            ci: { repository: gitlab-org/gitlab-test, branches: [master], tag: "sha-{sha:8}" }
        environments:
          dev:
            files:
              - { path: envs/dev/hook.yaml, helm: { image: hook, path: image } }
              - { path: envs/dev/app.yaml, helm: { image: app, path: image } }
        """;

    private static readonly IReadOnlyDictionary<string, string> Files = new Dictionary<string, string>
    {
        [".github/gitops-bridge.yml"] = Config,
        ["envs/dev/hook.yaml"] = "image:\n  repository: svendowideit/testhook\n  tag: \"0.9\"\n",
        ["envs/dev/app.yaml"] = "image:\n  repository: registry.example.com/gitlab-org/gitlab-test\n  tag: sha-00000000\n",
    };

    private static string Payload(string vendor, string file) => File.ReadAllText(Path.Combine(Fixtures.Root, "payloads", vendor, file));

    [Fact]
    public async Task DockerHubPush_FromTheOwnersSource_OpensAPullRequestOnlyForThatOwner()
    {
        await using var s = await SourceScenario.StartAsync(Files, [("hub", "dockerhub")]);

        var response = await s.PostAsync($"/api/registries/hub?token={SourceScenario.Secret}", Payload("dockerhub", "repository_push.docs.json"));
        var id = await s.IdOfAsync(response);
        var delivery = await s.Bridge.WaitForDeliveryAsync(id);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("hub:", id, StringComparison.Ordinal);
        Assert.Equal("done", delivery.GetProperty("status").GetString());
        var pr = Assert.Single(s.GitHub.GetPullRequests("acme", "gitops"));
        var files = await s.GitHub.ReadFilesAsync("acme", "gitops", pr.Head);
        Assert.Equal("image:\n  repository: svendowideit/testhook\n  tag: \"latest\"\n", files["envs/dev/hook.yaml"]);

        // othercorp tracks the same image; acme's source may never write to it.
        Assert.Empty(s.GitHub.GetPullRequests("othercorp", "gitops"));
        Assert.All(delivery.GetProperty("targets").EnumerateArray(), t => Assert.Equal("acme/gitops", t.GetProperty("repository").GetString()));
        Assert.DoesNotContain(SourceScenario.Secret, s.Bridge.Logs.Text, StringComparison.Ordinal);
        s.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task GitLabPipeline_SuccessOpensPullRequestWithTemplatedTag_FailureIsSkipped()
    {
        await using var s = await SourceScenario.StartAsync(Files, [("gitlab", "gitlab")]);
        var success = Payload("gitlab", "pipeline-hook.go-playground.json");
        var failed = JsonNode.Parse(success)!;
        failed["object_attributes"]!["status"] = "failed";

        void Token(HttpRequestMessage r) => r.Headers.Add("X-Gitlab-Token", SourceScenario.Secret);
        var failedId = await s.IdOfAsync(await s.PostAsync("/api/ci/gitlab", failed.ToJsonString(), Token));
        var okId = await s.IdOfAsync(await s.PostAsync("/api/ci/gitlab", success, Token));
        var failedDelivery = await s.Bridge.WaitForDeliveryAsync(failedId);
        var okDelivery = await s.Bridge.WaitForDeliveryAsync(okId);

        Assert.Equal("skipped", failedDelivery.GetProperty("status").GetString());
        Assert.Equal("ci-not-successful", failedDelivery.GetProperty("reasonCode").GetString());
        Assert.Equal("done", okDelivery.GetProperty("status").GetString());
        var pr = Assert.Single(s.GitHub.GetPullRequests("acme", "gitops"));
        var files = await s.GitHub.ReadFilesAsync("acme", "gitops", pr.Head);
        Assert.Contains("tag: sha-bcbb5ec3", files["envs/dev/app.yaml"], StringComparison.Ordinal);
        Assert.Empty(s.GitHub.GetPullRequests("othercorp", "gitops"));
    }

    [Fact]
    public async Task RepositoryConfigSources_ExcludeASource_NothingChangesAndTheOutcomeSaysWhy()
    {
        var files = new Dictionary<string, string>(Files)
        {
            [".github/gitops-bridge.yml"] = Config.Replace("repository: svendowideit/testhook", "repository: svendowideit/testhook\n    sources: [github]", StringComparison.Ordinal),
        };
        await using var s = await SourceScenario.StartAsync(files, [("hub", "dockerhub")]);

        var id = await s.IdOfAsync(await s.PostAsync($"/api/registries/hub?token={SourceScenario.Secret}", Payload("dockerhub", "repository_push.docs.json")));
        var delivery = await s.Bridge.WaitForDeliveryAsync(id);

        Assert.Equal("skipped", delivery.GetProperty("status").GetString());
        Assert.Equal("source-not-allowed", delivery.GetProperty("reasonCode").GetString());
        Assert.Empty(s.GitHub.GetPullRequests("acme", "gitops"));
    }

    public static TheoryData<string, string, string> Kinds() => new()
    {
        { "dockerhub", "registries", "Authorization" },
        { "acr", "registries", "Bearer" },
        { "harbor", "registries", "Bearer" },
        { "quay", "registries", "Authorization" },
        { "distribution", "registries", "Bearer" },
        { "gar", "registries", "Bearer" },
        { "ecr", "registries", "Bearer" },
        { "gitlab", "ci", "X-Gitlab-Token" },
        { "azuredevops", "ci", "Basic" },
        { "circleci", "ci", "circleci-signature" },
        { "jenkins", "ci", "Authorization" },
        { "spinnaker", "ci", "Authorization" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Authentication_WrongOrMissingCredentials_Are401WithAStoredRejectionAndNoJob(string kind, string route, string mechanism)
    {
        await using var s = await SourceScenario.StartAsync(Files, [("src", kind)]);
        const string Wrong = "not-the-secret";
        var attempts = new List<Action<HttpRequestMessage>>
        {
            _ => { },
            r => r.RequestUri = new Uri($"/api/{route}/src?token={Wrong}", UriKind.Relative),
            r => r.RequestUri = new Uri($"/api/{route}/src?token={SourceScenario.Secret}&token={SourceScenario.Secret}", UriKind.Relative),
            r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Wrong),
            r => r.Headers.TryAddWithoutValidation("X-Gitlab-Token", Wrong),
            r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + Wrong))),
            r => r.Headers.TryAddWithoutValidation("circleci-signature", "v1=" + new string('0', 64)),
        };
        if (mechanism != "Bearer")
        {
            // The secret in a header the vendor does not use is not a credential.
            attempts.Add(r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SourceScenario.Secret));
        }

        foreach (var configure in attempts)
        {
            using var response = await s.PostAsync($"/api/{route}/src", "{}", configure);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var rejected = (await s.Store.ListDeliveriesAsync(100)).Where(d => d.Source == "src").ToList();
        Assert.Equal(attempts.Count, rejected.Count);
        Assert.All(rejected, d => Assert.Equal((DeliveryStatus.Rejected, "bad-credentials"), (d.Status, d.ReasonCode)));
        var queue = await s.Store.GetQueueStatsAsync();
        Assert.Equal(0, queue.Pending + queue.Leased);
        Assert.DoesNotContain(SourceScenario.Secret, s.Bridge.Logs.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Authentication_TheVendorsOwnMechanismOrTheQueryToken_IsAccepted(string kind, string route, string mechanism)
    {
        await using var s = await SourceScenario.StartAsync(Files, [("src", kind)]);
        const string Body = "{\"x\":1}";
        Action<HttpRequestMessage>? vendor = mechanism switch
        {
            "Bearer" when kind != "gar" => r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SourceScenario.Secret),
            "X-Gitlab-Token" => r => r.Headers.Add("X-Gitlab-Token", SourceScenario.Secret),
            "Basic" => r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("azure:" + SourceScenario.Secret))),
            "circleci-signature" => r => r.Headers.Add("circleci-signature", "v1=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(SourceScenario.Secret), Encoding.UTF8.GetBytes(Body)))),
            _ => null,
        };

        using var byQuery = await s.PostAsync($"/api/{route}/src?token={SourceScenario.Secret}", Body);
        Assert.NotEqual(HttpStatusCode.Unauthorized, byQuery.StatusCode);
        if (vendor is not null)
        {
            using var byVendor = await s.PostAsync($"/api/{route}/src", Body, vendor);
            Assert.NotEqual(HttpStatusCode.Unauthorized, byVendor.StatusCode);
        }

        Assert.DoesNotContain(SourceScenario.Secret, s.Bridge.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownSourceOrWrongRoute_Is404AndStored()
    {
        await using var s = await SourceScenario.StartAsync(Files, [("hub", "dockerhub"), ("gitlab", "gitlab")]);

        using var unknown = await s.PostAsync($"/api/registries/nope?token={SourceScenario.Secret}", "{}");
        using var registryOnCi = await s.PostAsync($"/api/ci/hub?token={SourceScenario.Secret}", "{}");
        using var ciOnRegistry = await s.PostAsync($"/api/registries/gitlab?token={SourceScenario.Secret}", "{}");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, registryOnCi.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ciOnRegistry.StatusCode);
        Assert.Equal(3, (await s.Store.ListDeliveriesAsync(10)).Count(d => d.ReasonCode == "unknown-source"));
    }

    [Fact]
    public async Task BadBodies_AreRejectedWithTheirStatusAndNeverA500()
    {
        await using var s = await SourceScenario.StartAsync(Files, [("hub", "dockerhub")]);
        var path = $"/api/registries/hub?token={SourceScenario.Secret}";

        using var malformed = await s.PostAsync(path, "{\"push_data\": ");
        using var notUtf8 = await s.PostAsync(path, "", r => r.Content = new ByteArrayContent([0xff, 0xfe, 0x7b]));
        using var huge = await s.PostAsync(path, "", r => r.Content = new ByteArrayContent(new byte[(int)SourceEndpoints.MaxBodyBytes + 1]));
        var quoted = JsonNode.Parse(Payload("dockerhub", "repository_push.docs.json"))!;
        quoted["push_data"]!["tag"] = "1.0\"\nevil: true";
        using var badTag = await s.PostAsync(path, quoted.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notUtf8.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badTag.StatusCode);
        var codes = (await s.Store.ListDeliveriesAsync(10)).Select(d => d.ReasonCode).ToList();
        Assert.Contains("malformed-json", codes);
        Assert.Contains("too-large", codes);
        var queue = await s.Store.GetQueueStatsAsync();
        Assert.Equal(0, queue.Pending + queue.Leased);
    }

    [Fact]
    public async Task VendorId_SameBodyIsADuplicate_OtherBodyIsAReplay()
    {
        await using var s = await SourceScenario.StartAsync(Files, [("reg", "distribution")]);
        var body = DistributionBody();
        void Bearer(HttpRequestMessage r) => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SourceScenario.Secret);

        using var first = await s.PostAsync("/api/registries/reg", body, Bearer, "application/vnd.docker.distribution.events.v2+json");
        using var again = await s.PostAsync("/api/registries/reg", body, Bearer, "application/vnd.docker.distribution.events.v2+json");
        using var other = await s.PostAsync("/api/registries/reg", body.Replace("\"1.0.0\"", "\"1.0.1\"", StringComparison.Ordinal), Bearer, "application/vnd.docker.distribution.events.v2+json");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("reg:evt-1", await s.IdOfAsync(first));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        var delivery = await s.Store.GetDeliveryAsync("reg:evt-1");
        Assert.Contains("application/vnd.docker.distribution.events.v2+json", delivery!.Headers, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", delivery.Headers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloudEventsWebhookValidation_AuthenticatedOptions_AllowsTheOrigin()
    {
        await using var s = await SourceScenario.StartAsync(Files, [("acr", "acr")]);
        using var client = new HttpClient { BaseAddress = s.Bridge.BaseAddress };

        using var allowed = new HttpRequestMessage(HttpMethod.Options, $"/api/registries/acr?token={SourceScenario.Secret}");
        allowed.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        using var refused = new HttpRequestMessage(HttpMethod.Options, "/api/registries/acr?token=wrong");
        refused.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        using var ok = await client.SendAsync(allowed);
        using var no = await client.SendAsync(refused);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("eventgrid.azure.net", ok.Headers.GetValues("WebHook-Allowed-Origin").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, no.StatusCode);
    }

    [Fact]
    public async Task AcrEventGrid_ValidationHandshakeIsAnswered_ThenAnArrayOfPushesOpensAPullRequest()
    {
        var files = new Dictionary<string, string>
        {
            [".github/gitops-bridge.yml"] = "version: 1\nimages:\n  nginx:\n    repository: jolovcr.azurecr.io/samples/nginx\n    digest: pin\nenvironments:\n  dev:\n    files:\n      - { path: nginx.yaml, helm: { image: nginx, path: image } }\n",
            ["nginx.yaml"] = "image:\n  repository: jolovcr.azurecr.io/samples/nginx\n  tag: \"1.25\"\n",
        };
        await using var s = await SourceScenario.StartAsync(files, [("acr", "acr")]);
        const string Validation = """
            [{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/x/resourceGroups/y/providers/Microsoft.ContainerRegistry/registries/jolovcr",
              "subject":"","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6","validationUrl":"https://rp-eastus2.eventgrid.azure.net/x"},
              "eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2026-11-27T01:00:00Z","metadataVersion":"1","dataVersion":"2"}]
            """;
        var pushed = "[" + Payload("acr", "eventgrid.image_pushed.event-grid-schema.json") + "]";
        void Bearer(HttpRequestMessage r) => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SourceScenario.Secret);

        using var handshake = await s.PostAsync("/api/registries/acr", Validation, Bearer);
        var handshakeBody = await handshake.Content.ReadAsStringAsync();
        var id = await s.IdOfAsync(await s.PostAsync("/api/registries/acr", pushed, Bearer));
        var delivery = await s.Bridge.WaitForDeliveryAsync(id);

        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", JsonNode.Parse(handshakeBody)!["validationResponse"]!.GetValue<string>());
        Assert.Equal("acr:c25fdb80-ebbd-4dd0-a29c-a7349e6388f6", id);
        Assert.Equal("done", delivery.GetProperty("status").GetString());
        var pr = Assert.Single(s.GitHub.GetPullRequests("acme", "gitops"));
        var edited = await s.GitHub.ReadFilesAsync("acme", "gitops", pr.Head);
        Assert.Equal("image:\n  repository: jolovcr.azurecr.io/samples/nginx\n  tag: \"latest@sha256:57a94fc99816c6aa225678b738ac40d85422e75dbb96115f1bb9b6ed77176166\"\n", edited["nginx.yaml"]);
        Assert.Equal(1, await s.Store.CountDeliveriesAsync());
    }

    private static string DistributionBody() => """
        {"events":[{"id":"evt-1","timestamp":"2026-11-27T01:00:00Z","action":"push",
          "target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":100,"repository":"team/app","tag":"1.0.0"},
          "request":{"id":"r1","addr":"127.0.0.1","host":"127.0.0.1:5000","method":"PUT","useragent":"skopeo"},
          "actor":{},"source":{"addr":"localhost:5000","instanceID":"i"}}]}
        """;
}
