using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.CiBodies;

namespace GitOpsBridge.Core.Tests.Sources;

/// <summary>GitLab Pipeline Hook, from the shared fixture (go-playground/webhooks' copy of GitLab's documented sample).</summary>
public sealed class GitLabPipelinePayloadTests
{
    private const string EventUuid = "6fd33a0c-d5a1-4f3a-9c4e-1f2d7c7fa3b1";

    private static readonly string Fixture = CiBodies.Fixture("gitlab/pipeline-hook.go-playground.json");

    private static SourceParseResult Parse(string body, string? hook = "Pipeline Hook", params (string, string)[] more)
    {
        var headers = new List<(string, string)>(more) { ("X-Gitlab-Event-UUID", EventUuid) };
        if (hook is not null)
        {
            headers.Add(("X-Gitlab-Event", hook));
        }

        return CiPayloads.Parse(SourceKind.GitLab, Request(body, [.. headers]));
    }

    [Fact]
    public void Parse_PipelineHookFixture_CompletesWithEveryField()
    {
        // Act
        var result = Parse(Fixture);

        // Assert
        var run = Completed(result);
        Assert.Equal("gitlab-org/gitlab-test", run.Project);
        Assert.Equal("pipeline_name", run.Pipeline);
        Assert.Equal("master", run.Branch);
        Assert.Equal("bcbb5ec396a2c0f828686f14fac9b80b780504f2", run.Commit);
        Assert.Equal(3, run.RunNumber);
        Assert.True(run.Succeeded);
        Assert.Equal("success", run.Status);
        Assert.Equal("http://192.168.64.1:3005/gitlab-org/gitlab-test/-/pipelines/31", run.RunUrl);
        Assert.Equal("root", run.Actor);
        Assert.Equal(EventUuid, result.VendorId);
        Assert.Equal("pipeline", result.EventName);
    }

    [Theory]
    [InlineData("failed")]
    [InlineData("canceled")]
    [InlineData("skipped")]
    public void Parse_FixtureThatFinishedUnsuccessfully_CompletesWithoutSuccess(string status)
    {
        // Arrange
        var body = Set(Fixture, "object_attributes.status", status);

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.False(run.Succeeded);
        Assert.Equal(status, run.Status);
        Assert.Equal("gitlab-org/gitlab-test", run.Project);
    }

    [Theory]
    [InlineData("created")]
    [InlineData("waiting_for_resource")]
    [InlineData("preparing")]
    [InlineData("pending")]
    [InlineData("running")]
    [InlineData("canceling")]
    [InlineData("manual")]
    [InlineData("scheduled")]
    [InlineData("SUCCESS")]
    public void Parse_PipelineNotFinished_IgnoredAsNotACompletion(string status)
    {
        // Arrange
        var body = Set(Fixture, "object_attributes.status", status);

        // Act
        var ignored = Ignored(Parse(body));

        // Assert
        Assert.Contains($"pipeline 31 is '{status}'", ignored.Reason, StringComparison.Ordinal);
        Assert.Equal(EventUuid, ignored.VendorId);
    }

    [Fact]
    public void Parse_OtherHookHeader_IgnoredBeforeTheBodyIsRead()
    {
        // Arrange: a push hook's body has no object_attributes; the header alone decides.
        const string push = """{"object_kind":"push","ref":"refs/heads/main"}""";

        // Act
        var ignored = Ignored(Parse(push, hook: "Push Hook"));

        // Assert
        Assert.Equal("X-Gitlab-Event is 'Push Hook'; only Pipeline Hook events report finished pipelines", ignored.Reason);
        Assert.Equal("push", ignored.EventName);
    }

    [Fact]
    public void Parse_OtherObjectKindWithoutHeader_Ignored()
    {
        // Arrange
        var body = Set(Fixture, "object_kind", "build");

        // Act
        var ignored = Ignored(Parse(body, hook: null));

        // Assert
        Assert.Equal("object_kind is 'build'; only pipeline events report finished pipelines", ignored.Reason);
    }

    [Fact]
    public void Parse_FixtureWithoutHeaders_StillCompletes()
    {
        // Act
        var result = CiPayloads.Parse(SourceKind.GitLab, Request(Fixture));

        // Assert
        Assert.True(Completed(result).Succeeded);
        Assert.Null(result.VendorId);
    }

    [Fact]
    public void Parse_TagPipeline_HasNoBranch()
    {
        // Arrange
        var body = Set(Set(Fixture, "object_attributes.tag", true), "object_attributes.ref", "v1.2.0");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Null(run.Branch);
        Assert.Equal("bcbb5ec396a2c0f828686f14fac9b80b780504f2", run.Commit);
    }

    [Fact]
    public void Parse_MergeRequestRef_HasNoBranch()
    {
        // Arrange
        var body = Set(Fixture, "object_attributes.ref", "refs/merge-requests/1/head");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Null(run.Branch);
    }

    [Fact]
    public void Parse_OlderGitLabWithoutUrlNameOrIid_BuildsUrlAndLeavesTheRestEmpty()
    {
        // Arrange: GitLab before 16 sends neither name nor url; very old ones no iid.
        var body = Remove(Remove(Remove(Fixture, "object_attributes.url"), "object_attributes.name"), "object_attributes.iid");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Equal("http://192.168.64.1:3005/gitlab-org/gitlab-test/-/pipelines/31", run.RunUrl);
        Assert.Null(run.Pipeline);
        Assert.Null(run.RunNumber);
    }

    [Fact]
    public void Parse_NullOptionalFields_ReadAsAbsent()
    {
        // Arrange
        var body = Set(Set(Set(Fixture, "object_attributes.name", null), "user", null), "object_attributes.sha", null);

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Null(run.Pipeline);
        Assert.Null(run.Actor);
        Assert.Null(run.Commit);
    }

    [Fact]
    public void Parse_IdempotencyKey_IsTheVendorIdOverTheEventUuid()
    {
        // Act
        var result = Parse(Fixture, "Pipeline Hook", ("Idempotency-Key", "c0ffee00-0000-4000-8000-000000000001"));

        // Assert
        Assert.Equal("c0ffee00-0000-4000-8000-000000000001", result.VendorId);
    }

    [Theory]
    [InlineData("project.path_with_namespace", "project.path_with_namespace is missing")]
    [InlineData("object_attributes.status", "object_attributes.status is missing")]
    [InlineData("object_attributes", "object_attributes is missing")]
    [InlineData("object_kind", "object_kind is missing")]
    public void Parse_RequiredFieldMissing_RejectedNamingTheField(string path, string reason)
    {
        // Arrange
        var body = Remove(Fixture, path);

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.StartsWith(reason, rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(EventUuid, rejected.VendorId);
    }

    [Theory]
    [InlineData("object_attributes.status", "3", "object_attributes.status must be a string, not a number")]
    [InlineData("object_attributes.iid", "\"3\"", "object_attributes.iid must be a whole number, not a string")]
    [InlineData("object_attributes.iid", "3.5", "object_attributes.iid must be a whole number, not '3.5'")]
    [InlineData("object_attributes.tag", "\"false\"", "object_attributes.tag must be true or false, not a string")]
    [InlineData("object_attributes", "[]", "object_attributes must be an object, not an array")]
    [InlineData("project", "\"gitlab-org/gitlab-test\"", "project must be an object, not a string")]
    [InlineData("user.username", "{}", "user.username must be a string, not an object")]
    [InlineData("object_attributes.sha", "\"HEAD\"", "object_attributes.sha must be a full commit SHA (40 or 64 hex characters), not 'HEAD'")]
    public void Parse_FieldOfWrongType_RejectedNamingTheField(string path, string json, string reason)
    {
        // Arrange
        var body = Set(Fixture, path, JsonNode.Parse(json));

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal(reason, rejected.Reason);
    }

    [Fact]
    public void Parse_ExtraFieldsAndOtherKeyOrder_SameCompletion()
    {
        // Act and assert
        AssertIndifferentToExtrasAndKeyOrder(Fixture, body => Parse(body));
    }

    [Fact]
    public void Parse_TruncatedBody_RejectedAsMalformedKeepingTheHeaderId()
    {
        // Act
        var rejected = Rejected(Parse(Fixture[..(Fixture.Length / 2)]), CiPayloads.MalformedJson);

        // Assert
        Assert.StartsWith("the body is not valid JSON: ", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(EventUuid, rejected.VendorId);
        Assert.Equal("pipeline", rejected.EventName);
    }
}
