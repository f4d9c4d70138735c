using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.CiBodies;

namespace GitOpsBridge.Core.Tests.Sources;

/// <summary>CircleCI <c>workflow-completed</c>, from the shared fixture (the docs' GitHub OAuth sample) and the docs' GitLab-integration sample.</summary>
public sealed class CircleCiWorkflowPayloadTests
{
    private static readonly string Fixture = CiBodies.Fixture("circleci/workflow-completed.github-oauth.docs.json");

    // "workflow-completed for GitLab, GitHub App and Bitbucket Data Center" at
    // https://circleci.com/docs/reference/outbound-webhooks-reference/ (no vcs map; the commit is in trigger_parameters).
    private const string GitLabIntegration = """
        {
          "type": "workflow-completed",
          "id": "cbabbb40-6084-4f91-8311-a326c0f4963a",
          "happened_at": "2022-05-27T16:20:13.954328Z",
          "webhook": { "id": "e4da0d23-31cf-4047-8a7e-8ffb14cd0100", "name": "test" },
          "workflow": {
            "id": "c2006ece-778d-49fc-9e6e-b9965f72bee9",
            "name": "build",
            "created_at": "2022-05-27T16:20:07.631Z",
            "stopped_at": "2022-05-27T16:20:13.812Z",
            "url": "https://app.circleci.com/pipelines/circleci/DdaVtNusHqi24D4YT3X4eu/6EkDPZoN4ZdMKKZtBkRodt/1/workflows/c2006ece-778d-49fc-9e6e-b9965f72bee9",
            "status": "failed"
          },
          "pipeline": {
            "id": "37c74cb7-d64d-4032-8731-1cb95bfef921",
            "number": 1,
            "created_at": "2022-04-13T11:10:18.804Z",
            "trigger": { "type": "gitlab" },
            "trigger_parameters": {
              "gitlab": {
                "web_url": "https://gitlab.com/circleci/hello-world",
                "user_username": "username",
                "branch": "main",
                "type": "push",
                "ref": "refs/heads/main",
                "checkout_sha": "850a1519f25d14e968649cc420d1bd381715c05c",
                "commit_sha": "850a1519f25d14e968649cc420d1bd381715c05c"
              },
              "git": {
                "tag": "",
                "checkout_sha": "850a1519f25d14e968649cc420d1bd381715c05c",
                "ref": "refs/heads/main",
                "branch": "main",
                "checkout_url": "git@gitlab.com:circleci/hello-world.git"
              },
              "circleci": {
                "event_time": "2022-04-13T11:10:18.349Z",
                "actor_id": "6a19122c-40e0-4d56-a875-aac6ccc27700",
                "event_type": "push",
                "trigger_type": "gitlab"
              }
            }
          },
          "project": { "id": "2a68fe5f-2fe5-4d4f-91e1-15f111116743", "name": "hello-world", "slug": "circleci/DdaVtNusHqi24D4YT3X4eu/6EkDPZoN4ZdMKKZtBkRodt" },
          "organization": { "id": "66491562-90a9-4065-9249-4b0ce3b77452", "name": "circleci" }
        }
        """;

    private static SourceParseResult Parse(string body, string? eventType = "workflow-completed") =>
        CiPayloads.Parse(SourceKind.CircleCi, eventType is null ? Request(body) : Request(body, ("circleci-event-type", eventType)));

    [Fact]
    public void Parse_WorkflowCompletedFixture_CompletesWithEveryField()
    {
        // Act
        var result = Parse(Fixture);

        // Assert: slug "github/circleci/webhook-service" loses its VCS segment.
        var run = Completed(result);
        Assert.Equal("circleci/webhook-service", run.Project);
        Assert.Equal("build-test-deploy", run.Pipeline);
        Assert.Equal("main", run.Branch);
        Assert.Equal("1dc6aa69429bff4806ad6afe58d3d8f57e25973e", run.Commit);
        Assert.Equal(130, run.RunNumber);
        Assert.True(run.Succeeded);
        Assert.Equal("success", run.Status);
        Assert.Equal("https://app.circleci.com/pipelines/github/circleci/webhook-service/130/workflows/fda08377-fe7e-46b1-8992-3a7aaecac9c3", run.RunUrl);
        Assert.Null(run.Actor);
        Assert.Equal("3888f21b-eaa7-38e3-8f3d-75a63bba8895", result.VendorId);
        Assert.Equal("workflow-completed", result.EventName);
    }

    [Theory]
    [InlineData("failed")]
    [InlineData("error")]
    [InlineData("canceled")]
    [InlineData("unauthorized")]
    [InlineData("not_run")]
    public void Parse_FixtureThatDidNotSucceed_CompletesWithoutSuccess(string status)
    {
        // Arrange
        var body = Set(Fixture, "workflow.status", status);

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.False(run.Succeeded);
        Assert.Equal(status, run.Status);
    }

    [Theory]
    [InlineData("running")]
    [InlineData("on_hold")]
    [InlineData("failing")]
    [InlineData("Success")]
    public void Parse_WorkflowStatusNotFinished_IgnoredAsNotACompletion(string status)
    {
        // Arrange
        var body = Set(Fixture, "workflow.status", status);

        // Act
        var ignored = Ignored(Parse(body));

        // Assert
        Assert.Equal($"workflow 'build-test-deploy' is '{status}', which is not a finished state", ignored.Reason);
    }

    [Fact]
    public void Parse_GitLabIntegrationSample_ReadsTriggerParameters()
    {
        // Act
        var run = Completed(Parse(GitLabIntegration));

        // Assert
        Assert.Equal("DdaVtNusHqi24D4YT3X4eu/6EkDPZoN4ZdMKKZtBkRodt", run.Project);
        Assert.Equal("build", run.Pipeline);
        Assert.Equal("main", run.Branch);
        Assert.Equal("850a1519f25d14e968649cc420d1bd381715c05c", run.Commit);
        Assert.Equal(1, run.RunNumber);
        Assert.False(run.Succeeded);
        Assert.Equal("failed", run.Status);
        Assert.Equal("username", run.Actor);
    }

    [Fact]
    public void Parse_JobCompleted_IgnoredAsNotACompletion()
    {
        // Arrange
        var body = Set(Fixture, "type", "job-completed");

        // Act
        var ignored = Ignored(Parse(body, "job-completed"));

        // Assert
        Assert.Equal("the event is 'job-completed'; only workflow-completed reports a finished workflow", ignored.Reason);
        Assert.Equal("job-completed", ignored.EventName);
    }

    [Fact]
    public void Parse_BodyWithoutTypeAndPingHeader_IgnoredByTheHeader()
    {
        // Arrange
        var body = Remove(Fixture, "type");

        // Act
        var ignored = Ignored(Parse(body, "ping"));

        // Assert
        Assert.Equal("ping", ignored.EventName);
    }

    [Fact]
    public void Parse_HeaderAndBodyDisagree_RejectedNamingType()
    {
        // Act
        var rejected = Rejected(Parse(Fixture, "job-completed"), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal("type is 'workflow-completed' but the circleci-event-type header says 'job-completed'", rejected.Reason);
    }

    [Fact]
    public void Parse_NoHeader_TrustsTheBodyType()
    {
        // Act
        var run = Completed(Parse(Fixture, eventType: null));

        // Assert
        Assert.True(run.Succeeded);
    }

    [Fact]
    public void Parse_TagBuild_HasNoBranch()
    {
        // Arrange: "tag" and "branch" are mutually exclusive in vcs.
        var body = Set(Remove(Fixture, "pipeline.vcs.branch"), "pipeline.vcs.tag", "v1.4.0");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Null(run.Branch);
    }

    [Theory]
    [InlineData("gh/acme/api", "acme/api")]
    [InlineData("github/acme/api", "acme/api")]
    [InlineData("bb/acme/api", "acme/api")]
    [InlineData("circleci/Ddav/6EkD", "Ddav/6EkD")]
    [InlineData("acme/api", "acme/api")]
    [InlineData("gh//api", "gh//api")]
    public void Parse_ProjectSlug_DropsTheVcsSegment(string slug, string project)
    {
        // Arrange
        var body = Set(Fixture, "project.slug", slug);

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Equal(project, run.Project);
    }

    [Theory]
    [InlineData("project.slug", "project.slug is missing")]
    [InlineData("workflow.status", "workflow.status is missing")]
    [InlineData("pipeline", "pipeline is missing")]
    [InlineData("workflow", "workflow is missing")]
    public void Parse_RequiredFieldMissing_RejectedNamingTheField(string path, string reason)
    {
        // Arrange
        var body = Remove(Fixture, path);

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.StartsWith(reason, rejected.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pipeline.number", "\"130\"", "pipeline.number must be a whole number, not a string")]
    [InlineData("workflow.status", "null", "workflow.status is missing; the vendor always sends it")]
    [InlineData("workflow.name", "[\"build\"]", "workflow.name must be a string, not an array")]
    [InlineData("pipeline.vcs", "\"github\"", "pipeline.vcs must be an object, not a string")]
    [InlineData("pipeline.vcs.revision", "\"1dc6aa6\"", "pipeline.vcs.revision must be a full commit SHA (40 or 64 hex characters), not '1dc6aa6'")]
    [InlineData("type", "1", "type must be a string, not a number")]
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
    public void Parse_TruncatedBody_RejectedAsMalformed()
    {
        // Act
        var rejected = Rejected(Parse(Fixture[..100]), CiPayloads.MalformedJson);

        // Assert
        Assert.Equal("workflow-completed", rejected.EventName);
    }
}
