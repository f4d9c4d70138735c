using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.RegistryPayloadTesting;

namespace GitOpsBridge.Core.Tests.Sources;

public sealed class HarborPayloadTests
{
    private const string FixtureFile = "harbor/push_artifact.default.docs.json";
    private const string FixtureDigest = "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4";

    // The Default-format example of Harbor's webhook docs (2.x), a push by tag.
    private const string TaggedPush = """
        {
          "type": "PUSH_ARTIFACT",
          "occur_at": 1586922308,
          "operator": "admin",
          "event_data": {
            "resources": [{
              "digest": "sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8",
              "tag": "latest",
              "resource_url": "hub.harbor.com/test-webhook/debian:latest"
            }],
            "repository": {
              "date_created": 1586922308,
              "name": "debian",
              "namespace": "test-webhook",
              "repo_full_name": "test-webhook/debian",
              "repo_type": "private"
            }
          }
        }
        """;

    private const string TaggedDigest = "sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8";

    // The CloudEvents format as Harbor 2.8+ sends it: Harbor's extensions (operator, requestid) sit beside the attributes.
    private const string CloudEvent = """
        {
          "specversion": "1.0",
          "requestid": "51c0b694-0168-4f3c-b0db-282565455d7b",
          "id": "66e18103-09c1-41f6-982f-37df223f3eeb",
          "source": "/projects/2/webhook/policies/15",
          "type": "harbor.artifact.pushed",
          "datacontenttype": "application/json",
          "time": "2023-04-03T06:04:46Z",
          "data": {
            "resources": [{
              "digest": "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
              "tag": "v1.2",
              "resource_url": "harbor.example.com:8443/team/app:v1.2"
            }],
            "repository": {"date_created": 1680501893, "name": "app", "namespace": "team", "repo_full_name": "team/app", "repo_type": "private"}
          },
          "operator": "robot$ci"
        }
        """;

    [Fact]
    public void Parse_DocsFixtureWithTagEqualToDigest_DigestOnlyPush()
    {
        // Act
        SourceParseResult result = Parse(SourceKind.Harbor, Fixture(FixtureFile));

        // Assert: the docs sample's "tag" is the digest, so this is a push by digest.
        AssertPush(SinglePush(result), "localhost/harbor/alpine@" + FixtureDigest, null, FixtureDigest, "harbor-jobservice");
        Assert.Equal("PUSH_ARTIFACT", result.EventName);
        Assert.Null(result.VendorId);
    }

    [Fact]
    public void Parse_TaggedPush_PushesTagAndDigestOnTheResourceUrlHost()
    {
        SourceParseResult result = Parse(SourceKind.Harbor, TaggedPush);

        AssertPush(SinglePush(result), $"hub.harbor.com/test-webhook/debian:latest@{TaggedDigest}", "latest", TaggedDigest, "admin");
    }

    [Fact]
    public void Parse_SeveralResources_OnePushEach()
    {
        string body = Mutate(TaggedPush, n => n["event_data"]!["resources"]!.AsArray().Add(new JsonObject
        {
            ["digest"] = TaggedDigest,
            ["tag"] = "12",
            ["resource_url"] = "hub.harbor.com/test-webhook/debian:12",
        }));

        var pushed = Assert.IsType<SourceParseResult.Pushed>(Parse(SourceKind.Harbor, body));

        Assert.Equal(["latest", "12"], pushed.Images.Select(i => i.Image.Tag));
    }

    [Fact]
    public void Parse_StructuredCloudEvent_PushesWithIdAndOperatorExtension()
    {
        SourceParseResult result = Parse(SourceKind.Harbor, CloudEvent, ("content-type", "application/cloudevents+json"));

        AssertPush(SinglePush(result), $"harbor.example.com:8443/team/app:v1.2@{FixtureDigest}", "v1.2", FixtureDigest, "robot$ci");
        Assert.Equal("66e18103-09c1-41f6-982f-37df223f3eeb", result.VendorId);
        Assert.Equal("harbor.artifact.pushed", result.EventName);
    }

    [Fact]
    public void Parse_BinaryCloudEvent_ReadsAttributesFromCeHeaders()
    {
        // Arrange: in binary mode the body is the data alone.
        string data = JsonNode.Parse(CloudEvent)!["data"]!.ToJsonString();

        // Act
        SourceParseResult result = Parse(
            SourceKind.Harbor,
            data,
            ("Ce-Specversion", "1.0"),
            ("Ce-Type", "harbor.artifact.pushed"),
            ("Ce-Id", "binary-1"),
            ("Ce-Operator", "admin"),
            ("Content-Type", "application/json"));

        // Assert
        AssertPush(SinglePush(result), $"harbor.example.com:8443/team/app:v1.2@{FixtureDigest}", "v1.2", FixtureDigest, "admin");
        Assert.Equal("binary-1", result.VendorId);
    }

    [Fact]
    public void Parse_BinaryCloudEventWithoutType_RejectedNamingTheHeader()
    {
        string data = JsonNode.Parse(CloudEvent)!["data"]!.ToJsonString();

        AssertRejected(Parse(SourceKind.Harbor, data, ("ce-specversion", "1.0")), "invalid-payload", "the ce-type header is missing");
    }

    [Theory]
    [InlineData("harbor.artifact.deleted")]
    [InlineData("harbor.artifact.pulled")]
    [InlineData("harbor.scan.completed")]
    public void Parse_CloudEventNotAPush_Ignored(string type)
    {
        string body = Mutate(CloudEvent, n => n["type"] = type);

        SourceParseResult result = Parse(SourceKind.Harbor, body);

        AssertIgnored(result, "not-a-push", type);
        Assert.Equal("66e18103-09c1-41f6-982f-37df223f3eeb", result.VendorId);
    }

    [Theory]
    [InlineData("PULL_ARTIFACT")]
    [InlineData("DELETE_ARTIFACT")]
    [InlineData("SCANNING_COMPLETED")]
    public void Parse_DefaultNotAPush_Ignored(string type)
    {
        string body = Mutate(TaggedPush, n => n["type"] = type);

        SourceParseResult result = Parse(SourceKind.Harbor, body);

        AssertIgnored(result, "not-a-push", type);
        Assert.Equal(type, result.EventName);
    }

    [Fact]
    public void Parse_ReversedKeysWithExtraFields_SamePush()
    {
        string body = Reordered(Mutate(TaggedPush, n => n["event_data"]!["custom_attributes"] = new JsonObject { ["k"] = "v" }));

        AssertPush(SinglePush(Parse(SourceKind.Harbor, body)), $"hub.harbor.com/test-webhook/debian:latest@{TaggedDigest}", "latest", TaggedDigest, "admin");
    }

    [Fact]
    public void Parse_TagNull_DigestOnlyPush()
    {
        string body = Mutate(TaggedPush, n => n["event_data"]!["resources"]![0]!["tag"] = null);

        AssertPush(SinglePush(Parse(SourceKind.Harbor, body)), $"hub.harbor.com/test-webhook/debian@{TaggedDigest}", null, TaggedDigest, "admin");
    }

    [Fact]
    public void Parse_NoTagNoDigest_RejectedNoTagOrDigest()
    {
        string body = Mutate(TaggedPush, n =>
        {
            n["event_data"]!["resources"]![0]!.AsObject().Remove("tag");
            n["event_data"]!["resources"]![0]!.AsObject().Remove("digest");
        });

        AssertRejected(Parse(SourceKind.Harbor, body), "no-tag-or-digest", "hub.harbor.com/test-webhook/debian");
    }

    [Fact]
    public void Parse_NoResources_RejectedNoTagOrDigest()
    {
        string body = Mutate(TaggedPush, n => n["event_data"]!["resources"] = new JsonArray());

        AssertRejected(Parse(SourceKind.Harbor, body), "no-tag-or-digest", "lists no resources");
    }

    [Fact]
    public void Parse_DigestOfWrongLength_RejectedInvalidDigest()
    {
        // The digest shape some hand-written Harbor samples use.
        string body = Mutate(TaggedPush, n => n["event_data"]!["resources"]![0]!["digest"] = "sha256:12345abcdef67890");

        AssertRejected(Parse(SourceKind.Harbor, body), "invalid-digest", "has 16 hex characters, expected 64");
    }

    [Fact]
    public void Parse_NoResourceUrl_RejectedBecauseTheHostIsUnknown()
    {
        string body = Mutate(TaggedPush, n => n["event_data"]!["resources"]![0]!.AsObject().Remove("resource_url"));

        AssertRejected(Parse(SourceKind.Harbor, body), "invalid-payload", "'event_data.resources[0].resource_url' is missing");
    }

    [Fact]
    public void Parse_ResourceUrlOfAnotherRepository_Rejected()
    {
        string body = Mutate(TaggedPush, n => n["event_data"]!["resources"]![0]!["resource_url"] = "hub.harbor.com/test-webhook/debian-slim:latest");

        AssertRejected(Parse(SourceKind.Harbor, body), "invalid-payload", "which is not '<registry host>/test-webhook/debian…'");
    }

    [Fact]
    public void Parse_ResourcesIsAnObject_RejectedNamingTheField()
    {
        string body = Mutate(TaggedPush, n => n["event_data"]!["resources"] = new JsonObject());

        AssertRejected(Parse(SourceKind.Harbor, body), "invalid-payload", "'event_data.resources' must be an array, not an object");
    }

    [Fact]
    public void Parse_TagIsANumber_RejectedNamingTheField()
    {
        string body = Mutate(TaggedPush, n => n["event_data"]!["resources"]![0]!["tag"] = 1.5);

        AssertRejected(Parse(SourceKind.Harbor, body), "invalid-payload", "'event_data.resources[0].tag' must be a string, not the number 1.5");
    }

    [Fact]
    public void Parse_TagWithNewline_RejectedInvalidReference()
    {
        string body = Mutate(TaggedPush, n => n["event_data"]!["resources"]![0]!["tag"] = "latest\n");

        AssertRejected(Parse(SourceKind.Harbor, body), "invalid-reference", "a line break");
    }
}
