using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.RegistryPayloadTesting;

namespace GitOpsBridge.Core.Tests.Sources;

public sealed class EcrPayloadTests
{
    private const string FixtureFile = "ecr/eventbridge.image-push.json";
    private const string FixtureId = "13cde686-328b-6117-af20-0e5566167482";
    private const string Repository = "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name";

    [Fact]
    public void Parse_DocsFixture_RejectedForItsSixtyHexDigest()
    {
        // Act
        SourceParseResult result = Parse(SourceKind.Ecr, Fixture(FixtureFile));

        // Assert
        AssertRejected(result, "invalid-digest", "has 60 hex characters, expected 64");
        Assert.Equal(FixtureId, result.VendorId);
        Assert.Equal("ECR Image Action", result.EventName);
    }

    [Fact]
    public void Parse_FixtureWithFullDigest_PushesOnTheAccountAndRegionHost()
    {
        SourceParseResult result = Parse(SourceKind.Ecr, WithDigest(Fixture(FixtureFile)));

        AssertPush(SinglePush(result), $"{Repository}:latest@{Digest}", "latest", Digest, null);
        Assert.Equal(FixtureId, result.VendorId);
    }

    [Fact]
    public void Parse_NoDigest_TagPush()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["detail"]!.AsObject().Remove("image-digest"));

        AssertPush(SinglePush(Parse(SourceKind.Ecr, body)), $"{Repository}:latest", "latest", null, null);
    }

    [Fact]
    public void Parse_NoTag_DigestOnlyPush()
    {
        string body = Mutate(WithDigest(Fixture(FixtureFile)), n => n["detail"]!.AsObject().Remove("image-tag"));

        AssertPush(SinglePush(Parse(SourceKind.Ecr, body)), $"{Repository}@{Digest}", null, Digest, null);
    }

    [Fact]
    public void Parse_ChinaRegion_UsesTheChinaDomain()
    {
        string body = Mutate(WithDigest(Fixture(FixtureFile)), n => n["region"] = "cn-north-1");

        Assert.Equal(
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/my-repository-name",
            SinglePush(Parse(SourceKind.Ecr, body)).Image.Repository);
    }

    [Fact]
    public void Parse_FailedPush_IgnoredWithTheResult()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["detail"]!["result"] = "FAILURE");

        SourceParseResult result = Parse(SourceKind.Ecr, body);

        AssertIgnored(result, "not-a-push", "the push did not succeed (result 'FAILURE')");
        Assert.Equal(FixtureId, result.VendorId);
    }

    [Fact]
    public void Parse_Delete_Ignored()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["detail"]!["action-type"] = "DELETE");

        AssertIgnored(Parse(SourceKind.Ecr, body), "not-a-push", "'DELETE'");
    }

    [Fact]
    public void Parse_OtherDetailType_Ignored()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["detail-type"] = "ECR Image Scan");

        SourceParseResult result = Parse(SourceKind.Ecr, body);

        AssertIgnored(result, "not-a-push", "'ECR Image Scan'");
        Assert.Equal("ECR Image Scan", result.EventName);
    }

    [Fact]
    public void Parse_ReversedKeysWithExtraFields_SamePush()
    {
        string body = Reordered(Mutate(WithDigest(Fixture(FixtureFile)), n => n["detail"]!["artifact-media-type"] = "application/vnd.docker.container.image.v1+json"));

        AssertPush(SinglePush(Parse(SourceKind.Ecr, body)), $"{Repository}:latest@{Digest}", "latest", Digest, null);
    }

    [Fact]
    public void Parse_NoAccount_RejectedSayingTheHostNeedsIt()
    {
        string body = Mutate(WithDigest(Fixture(FixtureFile)), n => n.AsObject().Remove("account"));

        AssertRejected(Parse(SourceKind.Ecr, body), "invalid-payload", "'account' is missing; the registry host is built from account and region");
    }

    [Theory]
    [InlineData("account", "12345", "not a 12-digit AWS account id")]
    [InlineData("region", "us west 2", "not an AWS region")]
    [InlineData("region", "-us", "not an AWS region")]
    public void Parse_BadAccountOrRegion_Rejected(string field, string value, string reason)
    {
        string body = Mutate(WithDigest(Fixture(FixtureFile)), n => n[field] = value);

        AssertRejected(Parse(SourceKind.Ecr, body), "invalid-payload", reason);
    }

    [Fact]
    public void Parse_TagIsANumber_RejectedNamingTheField()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["detail"]!["image-tag"] = 1);

        AssertRejected(Parse(SourceKind.Ecr, body), "invalid-payload", "'detail.image-tag' must be a string, not the number 1");
    }

    [Fact]
    public void Parse_DetailIsAnArray_RejectedNamingTheField()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["detail"] = new JsonArray());

        AssertRejected(Parse(SourceKind.Ecr, body), "invalid-payload", "'detail' must be an object, not an array");
    }

    [Fact]
    public void Parse_CloudEventWithDetailAsData_PushesWithTheCloudEventId()
    {
        // Arrange: AWS's input-transformer recipe, with the account mapped as well.
        string body = CloudEvent(account: "123456789012");

        // Act
        SourceParseResult result = Parse(SourceKind.Ecr, body, ("content-type", "application/cloudevents+json; charset=UTF-8"));

        // Assert
        AssertPush(SinglePush(result), $"{Repository}:latest@{Digest}", "latest", Digest, null);
        Assert.Equal("ce-ecr-1", result.VendorId);
        Assert.Equal("ECR Image Action", result.EventName);
    }

    [Fact]
    public void Parse_CloudEventWithoutAccount_RejectedNamingTheAttribute()
    {
        AssertRejected(
            Parse(SourceKind.Ecr, CloudEvent(account: null)),
            "invalid-payload",
            "the CloudEvents attribute 'account' is missing; the registry host is built from account and region");
    }

    [Fact]
    public void Parse_CloudEventCarryingTheWholeEvent_ReadsItsAccountAndRegion()
    {
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = "ce-ecr-2",
            ["source"] = "aws.ecr",
            ["type"] = "ECR Image Action",
            ["data"] = JsonNode.Parse(WithDigest(Fixture(FixtureFile))),
        };

        SourceParseResult result = Parse(SourceKind.Ecr, cloudEvent.ToJsonString());

        AssertPush(SinglePush(result), $"{Repository}:latest@{Digest}", "latest", Digest, null);
        Assert.Equal("ce-ecr-2", result.VendorId);
    }

    [Fact]
    public void Parse_CloudEventFailedPush_Ignored()
    {
        string body = Mutate(CloudEvent(account: "123456789012"), n => n["data"]!["result"] = "FAILURE");

        AssertIgnored(Parse(SourceKind.Ecr, body), "not-a-push", "FAILURE");
    }

    private static string WithDigest(string body) => Mutate(body, n => n["detail"]!["image-digest"] = Digest);

    private static string CloudEvent(string? account)
    {
        JsonNode eventBridge = JsonNode.Parse(WithDigest(Fixture(FixtureFile)))!;
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = "ce-ecr-1",
            ["source"] = "aws.ecr",
            ["type"] = "ECR Image Action",
            ["time"] = "2019-11-16T01:54:34Z",
            ["region"] = "us-west-2",
            ["data"] = eventBridge["detail"]!.DeepClone(),
        };
        if (account is not null)
        {
            cloudEvent["account"] = account;
        }

        return cloudEvent.ToJsonString();
    }
}
