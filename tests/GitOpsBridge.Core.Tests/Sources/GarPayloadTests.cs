using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.RegistryPayloadTesting;

namespace GitOpsBridge.Core.Tests.Sources;

public sealed class GarPayloadTests
{
    private const string EnvelopeFile = "gar/pubsub-push-envelope.constructed.json";
    private const string DataFile = "gar/pubsub-data.insert-with-tag.docs.json";
    private const string Image = "us-west1-docker.pkg.dev/my-project/my-repo/hello-world";

    [Fact]
    public void Parse_EnvelopeFixture_RejectedForTheElidedDocsDigest()
    {
        // Act
        SourceParseResult result = Parse(SourceKind.Gar, Fixture(EnvelopeFile));

        // Assert: the docs message's digest is "sha256:6ec128e26cd5...", elided; a digest present but invalid is rejected, as ECR's is.
        AssertRejected(result, "invalid-digest", "'sha256:6ec128e26cd5...' contains '.' where hex characters belong");
        Assert.Equal("2070443601311540", result.VendorId);
        Assert.Equal("INSERT", result.EventName);
    }

    [Fact]
    public void Parse_UnwrappedDataFixture_RejectedForTheElidedDocsDigest()
    {
        SourceParseResult result = Parse(SourceKind.Gar, Fixture(DataFile));

        AssertRejected(result, "invalid-digest", "'sha256:6ec128e26cd5...'");
        Assert.Null(result.VendorId);
    }

    [Fact]
    public void Parse_InsertWithTagAndDigest_PushesBoth()
    {
        // Arrange: the envelope fixture around the docs message with a complete digest.
        string body = Envelope($$"""{"action":"INSERT","digest":"{{Image}}@{{Digest}}","tag":"{{Image}}:1.1"}""");

        // Act
        SourceParseResult result = Parse(SourceKind.Gar, body);

        // Assert
        AssertPush(SinglePush(result), $"{Image}:1.1@{Digest}", "1.1", Digest, null);
        Assert.Equal("2070443601311540", result.VendorId);
        Assert.Equal("INSERT", result.EventName);
    }

    [Fact]
    public void Parse_InsertWithoutTag_DigestOnlyPush()
    {
        string body = Envelope($$"""{"action":"INSERT","digest":"{{Image}}@{{Digest}}"}""");

        AssertPush(SinglePush(Parse(SourceKind.Gar, body)), $"{Image}@{Digest}", null, Digest, null);
    }

    [Fact]
    public void Parse_InsertWithTagOnly_TagPush()
    {
        string body = Envelope($$"""{"tag":"{{Image}}:2.0","action":"INSERT"}""");

        AssertPush(SinglePush(Parse(SourceKind.Gar, body)), $"{Image}:2.0", "2.0", null, null);
    }

    [Fact]
    public void Parse_Delete_Ignored()
    {
        string body = Envelope($$"""{"action":"DELETE","tag":"{{Image}}:1.1"}""");

        SourceParseResult result = Parse(SourceKind.Gar, body);

        AssertIgnored(result, "not-a-push", "'DELETE'");
        Assert.Equal("DELETE", result.EventName);
    }

    [Fact]
    public void Parse_SnakeCaseMessageIdOnly_TakenAsVendorId()
    {
        string body = Mutate(Envelope($$"""{"action":"INSERT","tag":"{{Image}}:1.1"}"""), n => n["message"]!.AsObject().Remove("messageId"));

        Assert.Equal("2070443601311540", Parse(SourceKind.Gar, body).VendorId);
    }

    [Fact]
    public void Parse_RegistryWithPort_SplitsOnTheLastColonAfterTheLastSlash()
    {
        string body = Envelope("""{"action":"INSERT","tag":"localhost:5000/team/app:1.0"}""");

        AssertPush(SinglePush(Parse(SourceKind.Gar, body)), "localhost:5000/team/app:1.0", "1.0", null, null);
    }

    [Fact]
    public void Parse_ReversedKeysWithExtraFields_SamePush()
    {
        string body = Reordered(Mutate(
            Envelope($$"""{"action":"INSERT","digest":"{{Image}}@{{Digest}}","tag":"{{Image}}:1.1","extra":[1]}"""),
            n => n["message"]!["attributes"] = new JsonObject { ["a"] = "b" }));

        AssertPush(SinglePush(Parse(SourceKind.Gar, body)), $"{Image}:1.1@{Digest}", "1.1", Digest, null);
    }

    [Fact]
    public void Parse_TagWithoutTagPart_RejectedInvalidReference()
    {
        string body = Envelope($$"""{"action":"INSERT","tag":"{{Image}}"}""");

        AssertRejected(Parse(SourceKind.Gar, body), "invalid-reference", "'message.data.tag' is");
    }

    [Fact]
    public void Parse_TagAndDigestOfDifferentImages_Rejected()
    {
        string body = Envelope($$"""{"action":"INSERT","digest":"{{Image}}-other@{{Digest}}","tag":"{{Image}}:1.1"}""");

        AssertRejected(Parse(SourceKind.Gar, body), "invalid-payload", "the tag names");
    }

    [Fact]
    public void Parse_InsertWithNeither_RejectedNoTagOrDigest()
    {
        AssertRejected(Parse(SourceKind.Gar, Envelope("""{"action":"INSERT"}""")), "no-tag-or-digest", "neither a tag nor a digest");
    }

    [Fact]
    public void Parse_DataNotBase64_RejectedNamingTheField()
    {
        string body = Mutate(Fixture(EnvelopeFile), n => n["message"]!["data"] = "not base64!");

        AssertRejected(Parse(SourceKind.Gar, body), "invalid-payload", "'message.data' is not base64");
    }

    [Fact]
    public void Parse_DataNotJson_RejectedMalformedJson()
    {
        string body = Mutate(Fixture(EnvelopeFile), n => n["message"]!["data"] = Base64("{\"action\":"));

        AssertRejected(Parse(SourceKind.Gar, body), "malformed-json", "the decoded 'message.data' is not valid JSON");
    }

    [Fact]
    public void Parse_DataIsANumber_RejectedNamingTheField()
    {
        string body = Mutate(Fixture(EnvelopeFile), n => n["message"]!["data"] = 12);

        AssertRejected(Parse(SourceKind.Gar, body), "invalid-payload", "'message.data' must be a string, not the number 12");
    }

    [Fact]
    public void Parse_DecodedDataIsAnArray_RejectedNamingTheField()
    {
        AssertRejected(Parse(SourceKind.Gar, Envelope("[]")), "invalid-payload", "'message.data' must be an object, not an array");
    }

    [Fact]
    public void Parse_MessageIsAnArray_RejectedNamingTheField()
    {
        AssertRejected(Parse(SourceKind.Gar, """{"message":[],"subscription":"s"}"""), "invalid-payload", "'message' must be an object, not an array");
    }

    private static string Envelope(string data) => Mutate(Fixture(EnvelopeFile), n => n["message"]!["data"] = Base64(data));
}
