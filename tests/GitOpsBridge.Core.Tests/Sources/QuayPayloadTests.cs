using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.RegistryPayloadTesting;

namespace GitOpsBridge.Core.Tests.Sources;

public sealed class QuayPayloadTests
{
    private const string FixtureFile = "quay/repo_push.redhat-docs.json";

    [Fact]
    public void Parse_DocsFixture_PushesTheTagOnTheDockerUrl()
    {
        // Act
        SourceParseResult result = Parse(SourceKind.Quay, Fixture(FixtureFile));

        // Assert: docker_url, not the homepage path, names the repository.
        AssertPush(SinglePush(result), "quay.io/dgangaia/test:latest", "latest", null, null);
        Assert.Equal("repo_push", result.EventName);
        Assert.Null(result.VendorId);
    }

    [Fact]
    public void Parse_SeveralUpdatedTags_OnePushEach()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["updated_tags"] = new JsonArray("latest", "1.2.3", "1.2"));

        var pushed = Assert.IsType<SourceParseResult.Pushed>(Parse(SourceKind.Quay, body));

        Assert.Equal(["quay.io/dgangaia/test:latest", "quay.io/dgangaia/test:1.2.3", "quay.io/dgangaia/test:1.2"], pushed.Images.Select(i => i.Image.ToString()));
    }

    [Fact]
    public void Parse_UpdatedTagsAsObject_PushesItsTagNames()
    {
        // Older Quay maps each tag to a v1 image id, which is not a manifest digest.
        string body = Mutate(Fixture(FixtureFile), n => n["updated_tags"] = new JsonObject
        {
            ["latest"] = "b8e1cc5f6e4bd2c8ac3ac49a8bbb40f29e9fd6dcc4d0b36571dbea1fd3d5b473",
            ["v2"] = "b8e1cc5f6e4bd2c8ac3ac49a8bbb40f29e9fd6dcc4d0b36571dbea1fd3d5b473",
        });

        var pushed = Assert.IsType<SourceParseResult.Pushed>(Parse(SourceKind.Quay, body));

        Assert.Equal(["latest", "v2"], pushed.Images.Select(i => i.Image.Tag));
        Assert.All(pushed.Images, i => Assert.Null(i.Image.Digest));
    }

    [Fact]
    public void Parse_SelfHostedWithPort_KeepsThePort()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["docker_url"] = "quay.example.com:8443/team/app");

        AssertPush(SinglePush(Parse(SourceKind.Quay, body)), "quay.example.com:8443/team/app:latest", "latest", null, null);
    }

    [Fact]
    public void Parse_ReversedKeysWithExtraFields_SamePush()
    {
        string body = Reordered(Mutate(Fixture(FixtureFile), n => n["pruned_image_count"] = 3));

        AssertPush(SinglePush(Parse(SourceKind.Quay, body)), "quay.io/dgangaia/test:latest", "latest", null, null);
    }

    [Fact]
    public void Parse_NoUpdatedTags_RejectedNoTagOrDigest()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["updated_tags"] = new JsonArray());

        AssertRejected(Parse(SourceKind.Quay, body), "no-tag-or-digest", "updated no tags");
    }

    [Fact]
    public void Parse_UpdatedTagsMissing_RejectedNamingTheField()
    {
        string body = Mutate(Fixture(FixtureFile), n => n.AsObject().Remove("updated_tags"));

        AssertRejected(Parse(SourceKind.Quay, body), "invalid-payload", "'updated_tags' is missing");
    }

    [Fact]
    public void Parse_UpdatedTagIsANumber_RejectedNamingTheItem()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["updated_tags"] = new JsonArray("latest", 1));

        AssertRejected(Parse(SourceKind.Quay, body), "invalid-payload", "'updated_tags[1]' must be a string, not the number 1");
    }

    [Fact]
    public void Parse_UpdatedTagsIsAString_RejectedNamingTheField()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["updated_tags"] = "latest");

        AssertRejected(Parse(SourceKind.Quay, body), "invalid-payload", "'updated_tags' must be an array, not the string 'latest'");
    }

    [Fact]
    public void Parse_NoDockerUrl_RejectedNamingTheField()
    {
        string body = Mutate(Fixture(FixtureFile), n => n.AsObject().Remove("docker_url"));

        AssertRejected(Parse(SourceKind.Quay, body), "invalid-payload", "'docker_url' is missing");
    }

    [Theory]
    [InlineData("la\"test", "a quote")]
    [InlineData("latest\r\n", "a line break")]
    public void Parse_TagWithQuoteOrNewline_RejectedInvalidReference(string tag, string problem)
    {
        string body = Mutate(Fixture(FixtureFile), n => n["updated_tags"] = new JsonArray(tag));

        AssertRejected(Parse(SourceKind.Quay, body), "invalid-reference", problem);
    }
}
