using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.RegistryPayloadTesting;

namespace GitOpsBridge.Core.Tests.Sources;

public sealed class AcrPayloadTests
{
    private const string FixtureFile = "acr/eventgrid.image_pushed.event-grid-schema.json";
    private const string FixtureDigest = "sha256:57a94fc99816c6aa225678b738ac40d85422e75dbb96115f1bb9b6ed77176166";
    private const string FixtureId = "c25fdb80-ebbd-4dd0-a29c-a7349e6388f6";
    private const string FixtureReference = "jolovcr.azurecr.io/samples/nginx:latest@" + FixtureDigest;

    // The push example of the ACR webhook reference, with a real digest where the docs mask it with "xxxx".
    private const string NativePush = $$"""
        {
          "id": "cb8c3971-9adc-488b-bdd8-43cbb4974ff5",
          "timestamp": "2017-11-17T16:52:01.343145347Z",
          "action": "push",
          "target": {
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "size": 524,
            "digest": "{{Digest}}",
            "length": 524,
            "repository": "hello-world",
            "tag": "v1"
          },
          "request": {
            "id": "3cbb6949-7549-4fa1-86cd-a6d5451dffc7",
            "host": "myregistry.azurecr.io",
            "method": "PUT",
            "useragent": "docker/17.09.0-ce go/go1.8.3 git-commit/afdb6d4 kernel/4.10.0-27-generic os/linux arch/amd64 UpstreamClient(Docker-Client/17.09.0-ce \\(linux\\))"
          }
        }
        """;

    // Event Grid's validation event, from https://learn.microsoft.com/azure/event-grid/webhook-event-delivery.
    private const string ValidationEvent = """
        [{
          "id": "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66",
          "topic": "/subscriptions/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
          "subject": "",
          "data": {
            "validationCode": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6",
            "validationUrl": "https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/myeventsub/validate?id=0000000000-0000-0000-0000-00000000000000&t=2022-10-28T04:23:35.1981776Z&apiVersion=2018-05-01-preview&token=1A1A1A1A"
          },
          "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
          "eventTime": "2022-10-28T04:23:35.1981776Z",
          "metadataVersion": "1",
          "dataVersion": "1"
        }]
        """;

    [Fact]
    public void Parse_EventGridFixture_PushesTagAndDigest()
    {
        // Act
        SourceParseResult result = Parse(SourceKind.Acr, Fixture(FixtureFile));

        // Assert
        AssertPush(SinglePush(result), FixtureReference, "latest", FixtureDigest, null);
        Assert.Equal("ImagePushed", result.EventName);
        Assert.Equal(FixtureId, result.VendorId);
    }

    [Fact]
    public void Parse_EventGridArrayAsDelivered_SamePush()
    {
        SourceParseResult result = Parse(SourceKind.Acr, "[" + Fixture(FixtureFile) + "]", ("aeg-event-type", "Notification"));

        AssertPush(SinglePush(result), FixtureReference, "latest", FixtureDigest, null);
        Assert.Equal(FixtureId, result.VendorId);
    }

    [Fact]
    public void Parse_EventGridArrayWithDeleteThenPush_PushesOnlyTheImageAndKeepsTheFirstId()
    {
        string deleted = Mutate(Fixture(FixtureFile), n =>
        {
            n["id"] = "first-event";
            n["eventType"] = "Microsoft.ContainerRegistry.ImageDeleted";
        });
        string pushed = Mutate(Fixture(FixtureFile), n => n["data"]!["target"]!["tag"] = "1.2.3");

        SourceParseResult result = Parse(SourceKind.Acr, $"[{deleted},{pushed}]");

        AssertPush(SinglePush(result), $"jolovcr.azurecr.io/samples/nginx:1.2.3@{FixtureDigest}", "1.2.3", FixtureDigest, null);
        Assert.Equal("first-event", result.VendorId);
        Assert.Equal("ImagePushed", result.EventName);
    }

    [Fact]
    public void Parse_EventGridArrayOfTwoPushes_PushesBoth()
    {
        string second = Mutate(Fixture(FixtureFile), n => n["data"]!["target"]!["tag"] = "stable");

        var pushed = Assert.IsType<SourceParseResult.Pushed>(Parse(SourceKind.Acr, $"[{Fixture(FixtureFile)},{second}]"));

        Assert.Equal(["latest", "stable"], pushed.Images.Select(i => i.Image.Tag));
    }

    [Theory]
    [InlineData("Microsoft.ContainerRegistry.ImageDeleted", "ImageDeleted")]
    [InlineData("Microsoft.ContainerRegistry.ChartPushed", "ChartPushed")]
    public void Parse_EventGridNotAnImagePush_Ignored(string eventType, string eventName)
    {
        string body = Mutate(Fixture(FixtureFile), n => n["eventType"] = eventType);

        SourceParseResult result = Parse(SourceKind.Acr, $"[{body}]");

        AssertIgnored(result, "not-a-push", eventType);
        Assert.Equal(eventName, result.EventName);
        Assert.Equal(FixtureId, result.VendorId);
    }

    [Fact]
    public void Parse_SubscriptionValidationEvent_AnswersWithTheValidationCode()
    {
        SourceParseResult result = Parse(SourceKind.Acr, ValidationEvent, ("aeg-event-type", "SubscriptionValidation"));

        var handshake = Assert.IsType<SourceParseResult.Handshake>(result);
        Assert.Equal("{\"validationResponse\":\"512d38b6-c7b8-40c8-89fe-f46f9e9622b6\"}", handshake.ResponseJson);
        Assert.Equal("SubscriptionValidation", result.EventName);
        Assert.Equal("2d1781af-3a4c-4d7c-bd0c-e34b19da4e66", result.VendorId);
    }

    [Fact]
    public void Parse_ValidationCodeWithQuote_EscapedInTheAnswer()
    {
        string body = Mutate(ValidationEvent, n => n[0]!["data"]!["validationCode"] = "a\"b");

        var handshake = Assert.IsType<SourceParseResult.Handshake>(Parse(SourceKind.Acr, body));

        Assert.Equal("a\"b", JsonNode.Parse(handshake.ResponseJson)!["validationResponse"]!.GetValue<string>());
    }

    [Fact]
    public void Parse_ValidationEventWithoutCode_RejectedNamingTheField()
    {
        string body = Mutate(ValidationEvent, n => n[0]!["data"]!.AsObject().Remove("validationCode"));

        AssertRejected(Parse(SourceKind.Acr, body), "invalid-payload", "'[0].data.validationCode' is missing");
    }

    [Fact]
    public void Parse_CloudEventsSchema_PushesWithTheCloudEventId()
    {
        // Arrange: CloudEvents 1.0 carries the same data as the Event Grid schema.
        var data = JsonNode.Parse(Fixture(FixtureFile))!["data"]!.DeepClone();
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["type"] = "Microsoft.ContainerRegistry.ImagePushed",
            ["source"] = "/subscriptions/faa080af-c1d8-40ad-9cce-e1a450ca5b57/resourceGroups/jolov/providers/Microsoft.ContainerRegistry/registries/jolovcr",
            ["id"] = "ce-0001",
            ["time"] = "2021-09-08T06:37:45.6609948Z",
            ["subject"] = "samples/nginx:latest",
            ["data"] = data,
        };

        // Act
        SourceParseResult result = Parse(SourceKind.Acr, cloudEvent.ToJsonString(), ("content-type", "application/cloudevents+json; charset=utf-8"));

        // Assert
        AssertPush(SinglePush(result), FixtureReference, "latest", FixtureDigest, null);
        Assert.Equal("ce-0001", result.VendorId);
        Assert.Equal("ImagePushed", result.EventName);
    }

    [Fact]
    public void Parse_CloudEventsOtherVersion_RejectedNamingTheVersion()
    {
        string body = """{"specversion":"0.3","type":"Microsoft.ContainerRegistry.ImagePushed","id":"x","data":{}}""";

        AssertRejected(Parse(SourceKind.Acr, body), "invalid-payload", "'specversion' is '0.3'; only CloudEvents 1.0 is read");
    }

    [Fact]
    public void Parse_NativeWebhookPush_PushesWithTheWebhookId()
    {
        SourceParseResult result = Parse(SourceKind.Acr, NativePush);

        AssertPush(SinglePush(result), $"myregistry.azurecr.io/hello-world:v1@{Digest}", "v1", Digest, null);
        Assert.Equal("cb8c3971-9adc-488b-bdd8-43cbb4974ff5", result.VendorId);
        Assert.Equal("push", result.EventName);
    }

    [Fact]
    public void Parse_NativeWebhookReversedWithExtraFields_SamePush()
    {
        string body = Reordered(Mutate(NativePush, n => n["target"]!["annotations"] = new JsonObject { ["a"] = "b" }));

        AssertPush(SinglePush(Parse(SourceKind.Acr, body)), $"myregistry.azurecr.io/hello-world:v1@{Digest}", "v1", Digest, null);
    }

    [Fact]
    public void Parse_NativePing_IgnoredAsTestEvent()
    {
        string body = """{"id":"ping-1","timestamp":"2017-11-17T16:52:01Z","action":"ping"}""";

        SourceParseResult result = Parse(SourceKind.Acr, body);

        AssertIgnored(result, "test-event", "ping");
        Assert.Equal("ping-1", result.VendorId);
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("chart_push")]
    [InlineData("quarantine")]
    public void Parse_NativeOtherAction_IgnoredNotAPush(string action)
    {
        string body = Mutate(NativePush, n => n["action"] = action);

        SourceParseResult result = Parse(SourceKind.Acr, body);

        AssertIgnored(result, "not-a-push", action);
        Assert.Equal(action, result.EventName);
    }

    [Fact]
    public void Parse_NoTag_DigestOnlyPush()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["data"]!["target"]!.AsObject().Remove("tag"));

        AssertPush(SinglePush(Parse(SourceKind.Acr, body)), "jolovcr.azurecr.io/samples/nginx@" + FixtureDigest, null, FixtureDigest, null);
    }

    [Fact]
    public void Parse_NoTagNoDigest_RejectedNoTagOrDigest()
    {
        string body = Mutate(NativePush, n =>
        {
            n["target"]!.AsObject().Remove("tag");
            n["target"]!.AsObject().Remove("digest");
        });

        SourceParseResult result = Parse(SourceKind.Acr, body);

        AssertRejected(result, "no-tag-or-digest", "myregistry.azurecr.io/hello-world");
        Assert.Equal("cb8c3971-9adc-488b-bdd8-43cbb4974ff5", result.VendorId);
    }

    [Fact]
    public void Parse_ShortDigest_RejectedInvalidDigest()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["data"]!["target"]!["digest"] = "sha256:57a94fc9981");

        AssertRejected(Parse(SourceKind.Acr, body), "invalid-digest", "has 11 hex characters, expected 64");
    }

    [Fact]
    public void Parse_NoRequestHost_RejectedNamingTheField()
    {
        string body = Mutate(NativePush, n => n["request"]!.AsObject().Remove("host"));

        AssertRejected(Parse(SourceKind.Acr, body), "invalid-payload", "'request.host' is missing");
    }

    [Fact]
    public void Parse_DataIsAnArray_RejectedNamingTheField()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["data"] = new JsonArray());

        AssertRejected(Parse(SourceKind.Acr, body), "invalid-payload", "'data' must be an object, not an array");
    }

    [Fact]
    public void Parse_RepositoryIsANumber_RejectedNamingTheField()
    {
        string body = Mutate(NativePush, n => n["target"]!["repository"] = 7);

        AssertRejected(Parse(SourceKind.Acr, body), "invalid-payload", "'target.repository' must be a string, not the number 7");
    }

    [Fact]
    public void Parse_UnknownShape_RejectedSayingWhatWasExpected()
    {
        AssertRejected(Parse(SourceKind.Acr, """{"hello":"world"}"""), "invalid-payload", "neither an ACR webhook");
    }

    [Fact]
    public void Parse_EmptyEventGridArray_Rejected()
    {
        AssertRejected(Parse(SourceKind.Acr, "[]"), "invalid-payload", "the Event Grid array is empty");
    }
}
