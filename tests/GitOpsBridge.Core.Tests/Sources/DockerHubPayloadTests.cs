using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.RegistryPayloadTesting;

namespace GitOpsBridge.Core.Tests.Sources;

public sealed class DockerHubPayloadTests
{
    private const string FixtureFile = "dockerhub/repository_push.docs.json";

    [Fact]
    public void Parse_DocsFixture_PushesTheTagOnDockerIo()
    {
        // Act
        SourceParseResult result = Parse(SourceKind.DockerHub, Fixture(FixtureFile));

        // Assert
        AssertPush(SinglePush(result), "docker.io/svendowideit/testhook:latest", "latest", null, "trustedbuilder");
        Assert.Equal("docker.io/svendowideit/testhook", SinglePush(result).Image.Name);
        Assert.Equal("push", result.EventName);
        Assert.Null(result.VendorId);
    }

    [Theory]
    [InlineData("1417566161.123456")]
    [InlineData("1.417566161E9")]
    [InlineData("\"2014-12-03T00:22:41Z\"")]
    public void Parse_PushedAtAsFloatOrOtherType_StillPushes(string pushedAt)
    {
        // Arrange: old deliveries send float timestamps; the field is not needed, so no type of it may fail a push.
        string body = Mutate(Fixture(FixtureFile), n => n["push_data"]!["pushed_at"] = JsonNode.Parse(pushedAt));

        // Act
        SourceParseResult result = Parse(SourceKind.DockerHub, body);

        // Assert
        AssertPush(SinglePush(result), "docker.io/svendowideit/testhook:latest", "latest", null, "trustedbuilder");
    }

    [Fact]
    public void Parse_OfficialImage_KeepsLibraryAndNormalisesTheName()
    {
        string body = Mutate(Fixture(FixtureFile), n =>
        {
            n["repository"]!["repo_name"] = "library/nginx";
            n["push_data"]!["tag"] = "1.27";
        });

        SourceParseResult result = Parse(SourceKind.DockerHub, body);

        AssertPush(SinglePush(result), "docker.io/library/nginx:1.27", "1.27", null, "trustedbuilder");
        Assert.Equal("docker.io/library/nginx", SinglePush(result).Image.Name);
    }

    [Fact]
    public void Parse_ExtraFieldsAndReversedKeyOrder_SamePush()
    {
        string body = Reordered(Mutate(Fixture(FixtureFile), n =>
        {
            n["push_data"]!["images"] = new JsonArray("a", "b");
            n["something_new"] = new JsonObject { ["x"] = 1 };
        }));

        SourceParseResult result = Parse(SourceKind.DockerHub, body);

        AssertPush(SinglePush(result), "docker.io/svendowideit/testhook:latest", "latest", null, "trustedbuilder");
    }

    [Fact]
    public void Parse_NoPusher_PushWithoutActor()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["push_data"]!.AsObject().Remove("pusher"));

        AssertPush(SinglePush(Parse(SourceKind.DockerHub, body)), "docker.io/svendowideit/testhook:latest", "latest", null, null);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_MissingOrEmptyTag_RejectedNoTagOrDigest(string? tag)
    {
        string body = Mutate(Fixture(FixtureFile), n =>
        {
            if (tag is null)
            {
                n["push_data"]!.AsObject().Remove("tag");
            }
            else
            {
                n["push_data"]!["tag"] = tag;
            }
        });

        SourceParseResult result = Parse(SourceKind.DockerHub, body);

        AssertRejected(result, "no-tag-or-digest", "'docker.io/svendowideit/testhook' names neither a tag nor a digest");
        Assert.Equal("push", result.EventName);
    }

    [Fact]
    public void Parse_TagIsANumber_RejectedNamingTheField()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["push_data"]!["tag"] = 42);

        AssertRejected(Parse(SourceKind.DockerHub, body), "invalid-payload", "'push_data.tag' must be a string, not the number 42");
    }

    [Fact]
    public void Parse_RepositoryIsAnArray_RejectedNamingTheField()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["repository"] = new JsonArray("svendowideit/testhook"));

        AssertRejected(Parse(SourceKind.DockerHub, body), "invalid-payload", "'repository' must be an object, not an array");
    }

    [Fact]
    public void Parse_NoRepoName_RejectedNamingTheField()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["repository"]!.AsObject().Remove("repo_name"));

        AssertRejected(Parse(SourceKind.DockerHub, body), "invalid-payload", "'repository.repo_name' is missing");
    }

    [Theory]
    [InlineData("1.0\nforged: line", "a line break")]
    [InlineData("1.0\"", "a quote (\")")]
    [InlineData("1.0@" + Digest, "'@'")]
    [InlineData("-rc", "starts with '-'")]
    public void Parse_TagThatIsNoTag_RejectedInvalidReference(string tag, string problem)
    {
        // A tag carrying "@digest" must not slip a digest into the reference.
        string body = Mutate(Fixture(FixtureFile), n => n["push_data"]!["tag"] = tag);

        AssertRejected(Parse(SourceKind.DockerHub, body), "invalid-reference", problem);
    }

    [Fact]
    public void Parse_UpperCaseRepository_RejectedInvalidReference()
    {
        string body = Mutate(Fixture(FixtureFile), n => n["repository"]!["repo_name"] = "SvenDowideit/testhook");

        AssertRejected(Parse(SourceKind.DockerHub, body), "invalid-reference", "must be lower case");
    }

    [Theory]
    [InlineData("", "the body is empty")]
    [InlineData("{\"push_data\":", "the body is not valid JSON")]
    [InlineData("push_data=1", "the body is not valid JSON")]
    public void Parse_EmptyOrMalformedBody_RejectedMalformedJson(string body, string reason)
    {
        AssertRejected(Parse(SourceKind.DockerHub, body), "malformed-json", reason);
    }

    [Fact]
    public void Parse_TagWithLoneSurrogateEscape_RejectedNotThrown()
    {
        // "\ud800" is valid JSON text but no valid string: System.Text.Json refuses to read it as one.
        string body = """{"push_data":{"tag":"\ud800"},"repository":{"repo_name":"a/b"}}""";

        AssertRejected(Parse(SourceKind.DockerHub, body), "malformed-json", "not valid Unicode (an escaped lone surrogate) at 'tag'");
    }

    [Fact]
    public void Parse_MemberNameWithLoneSurrogateEscape_RejectedNotThrown()
    {
        string body = """{"push_data":{"\udc00":1,"tag":"1.0"},"repository":{"repo_name":"a/b"}}""";

        AssertRejected(Parse(SourceKind.DockerHub, body), "malformed-json", "not valid Unicode");
    }
}
