using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.RegistryPayloadTesting;

namespace GitOpsBridge.Core.Tests.Sources;

public sealed class DistributionPayloadTests
{
    private const string FixtureFile = "distribution/events.v1.envelope.http";
    private const string FixtureDigest = "sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf";
    private const string IndexDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string PlatformDigest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    [Fact]
    public void Parse_V1EnvelopeFixture_ManifestPushIsDigestOnlyAndBlobsAreSkipped()
    {
        // Arrange
        SourcePayload payload = Http(FixtureFile);

        // Act
        SourceParseResult result = RegistryPayloads.Parse(SourceKind.Distribution, payload);

        // Assert: three push events, one of a manifest (pushed without a tag) and two of layers.
        Assert.Equal("application/vnd.docker.distribution.events.v1+json", payload.Header("Content-Type"));
        AssertPush(SinglePush(result), "registrycluster.local/library/test@" + FixtureDigest, null, FixtureDigest, "test-actor");
        Assert.Equal("asdf-asdf-asdf-asdf-0", result.VendorId);
        Assert.Equal("manifest-push", result.EventName);
    }

    [Fact]
    public void Parse_V2MediaType_SameResult()
    {
        SourcePayload v1 = Http(FixtureFile);
        SourcePayload v2 = Body(v1.Body, ("Content-Type", "application/vnd.docker.distribution.events.v2+json"));

        AssertPush(SinglePush(RegistryPayloads.Parse(SourceKind.Distribution, v2)), "registrycluster.local/library/test@" + FixtureDigest, null, FixtureDigest, "test-actor");
    }

    [Fact]
    public void Parse_ManifestPushWithTag_PushesTagAndDigest()
    {
        string body = Event("e1", "push", "application/vnd.oci.image.manifest.v1+json", "team/app", "1.4.2", IndexDigest);

        SourceParseResult result = Parse(SourceKind.Distribution, Envelope(body));

        AssertPush(SinglePush(result), $"127.0.0.1:5000/team/app:1.4.2@{IndexDigest}", "1.4.2", IndexDigest, "ci");
        Assert.Equal("e1", result.VendorId);
    }

    [Fact]
    public void Parse_IndexWithTagAndItsPlatformManifests_OnlyTheTaggedPush()
    {
        // A multi-platform push: platform manifests go up by digest first, then the index by tag.
        string body = Envelope(
            Event("blob", "push", "application/vnd.oci.image.layer.v1.tar+gzip", "team/app", null, PlatformDigest),
            Event("platform", "push", "application/vnd.oci.image.manifest.v1+json", "team/app", null, PlatformDigest),
            Event("index", "push", "application/vnd.oci.image.index.v1+json", "team/app", "2.0.0", IndexDigest));

        SourceParseResult result = Parse(SourceKind.Distribution, body);

        AssertPush(SinglePush(result), $"127.0.0.1:5000/team/app:2.0.0@{IndexDigest}", "2.0.0", IndexDigest, "ci");
        Assert.Equal("platform", result.VendorId);
    }

    [Fact]
    public void Parse_UntaggedPushOfAnotherRepository_KeptAsDigestOnly()
    {
        string body = Envelope(
            Event("a", "push", "application/vnd.docker.distribution.manifest.v2+json", "team/other", null, PlatformDigest),
            Event("b", "push", "application/vnd.docker.distribution.manifest.list.v2+json", "team/app", "2.0.0", IndexDigest));

        var pushed = Assert.IsType<SourceParseResult.Pushed>(Parse(SourceKind.Distribution, body));

        Assert.Equal(
            [$"127.0.0.1:5000/team/other@{PlatformDigest}", $"127.0.0.1:5000/team/app:2.0.0@{IndexDigest}"],
            pushed.Images.Select(i => i.Image.ToString()));
    }

    [Fact]
    public void Parse_PullOfAManifest_Ignored()
    {
        string body = Envelope(Event("p1", "pull", "application/vnd.oci.image.manifest.v1+json", "team/app", "1.0", IndexDigest));

        SourceParseResult result = Parse(SourceKind.Distribution, body);

        AssertIgnored(result, "not-a-push", "none of the 1 events is the push of a manifest");
        Assert.Equal("pull", result.EventName);
        Assert.Equal("p1", result.VendorId);
    }

    [Fact]
    public void Parse_OnlyBlobPushes_Ignored()
    {
        string body = Mutate(Http(FixtureFile).Body, n => n["events"]!.AsArray().RemoveAt(0));

        SourceParseResult result = Parse(SourceKind.Distribution, body);

        AssertIgnored(result, "not-a-push", "none of the 2 events");
        Assert.Equal("asdf-asdf-asdf-asdf-1", result.VendorId);
    }

    [Fact]
    public void Parse_ManifestPushWithoutMediaType_IgnoredAsBlob()
    {
        string body = Mutate(Http(FixtureFile).Body, n => n["events"]![0]!["target"]!.AsObject().Remove("mediaType"));

        AssertIgnored(Parse(SourceKind.Distribution, body), "not-a-push", "none of the 3 events");
    }

    [Fact]
    public void Parse_NoEvents_Ignored()
    {
        AssertIgnored(Parse(SourceKind.Distribution, """{"events":[]}"""), "not-a-push", "the envelope holds no events");
    }

    [Fact]
    public void Parse_ReversedKeysWithExtraFields_SamePush()
    {
        string body = Reordered(Mutate(Http(FixtureFile).Body, n => n["events"]![0]!["target"]!["references"] = new JsonArray("x")));

        AssertPush(SinglePush(Parse(SourceKind.Distribution, body)), "registrycluster.local/library/test@" + FixtureDigest, null, FixtureDigest, "test-actor");
    }

    [Fact]
    public void Parse_ManifestDigestOfWrongLength_RejectedInvalidDigest()
    {
        string body = Mutate(Http(FixtureFile).Body, n => n["events"]![0]!["target"]!["digest"] = "sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf0");

        AssertRejected(Parse(SourceKind.Distribution, body), "invalid-digest", "has 65 hex characters, expected 64");
    }

    [Fact]
    public void Parse_ManifestPushWithoutTagOrDigest_RejectedNoTagOrDigest()
    {
        string body = Mutate(Http(FixtureFile).Body, n => n["events"]![0]!["target"]!.AsObject().Remove("digest"));

        AssertRejected(Parse(SourceKind.Distribution, body), "no-tag-or-digest", "registrycluster.local/library/test");
    }

    [Fact]
    public void Parse_ManifestPushWithoutHost_RejectedNamingTheField()
    {
        string body = Mutate(Http(FixtureFile).Body, n => n["events"]![0]!["request"]!.AsObject().Remove("host"));

        AssertRejected(Parse(SourceKind.Distribution, body), "invalid-payload", "'events[0].request.host' is missing");
    }

    [Fact]
    public void Parse_EventsIsAnObject_RejectedNamingTheField()
    {
        AssertRejected(Parse(SourceKind.Distribution, """{"events":{"id":"x"}}"""), "invalid-payload", "'events' must be an array, not an object");
    }

    [Fact]
    public void Parse_TagIsANumber_RejectedNamingTheField()
    {
        string body = Mutate(Http(FixtureFile).Body, n => n["events"]![0]!["target"]!["tag"] = 3);

        AssertRejected(Parse(SourceKind.Distribution, body), "invalid-payload", "'events[0].target.tag' must be a string, not the number 3");
    }

    [Fact]
    public void Parse_StoredRequestAsBody_RejectedMalformedJson()
    {
        // The fixture file as a whole (request line and headers included) is not a body.
        AssertRejected(Parse(SourceKind.Distribution, Fixture(FixtureFile)), "malformed-json", "the body is not valid JSON");
    }

    private static string Envelope(params string[] events) => "{\"events\":[" + string.Join(',', events) + "]}";

    private static string Event(string id, string action, string mediaType, string repository, string? tag, string digest) =>
        new JsonObject
        {
            ["id"] = id,
            ["timestamp"] = "2026-01-02T15:04:05Z",
            ["action"] = action,
            ["target"] = new JsonObject
            {
                ["mediaType"] = mediaType,
                ["digest"] = digest,
                ["size"] = 528,
                ["repository"] = repository,
                ["url"] = $"http://127.0.0.1:5000/v2/{repository}/manifests/{digest}",
                ["tag"] = tag,
            },
            ["request"] = new JsonObject { ["id"] = "r", ["addr"] = "127.0.0.1:40000", ["host"] = "127.0.0.1:5000", ["method"] = "PUT", ["useragent"] = "skopeo" },
            ["actor"] = new JsonObject { ["name"] = "ci" },
            ["source"] = new JsonObject { ["addr"] = "registry:5000", ["instanceID"] = "i" },
        }.ToJsonString();
}
