using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.CiBodies;

namespace GitOpsBridge.Core.Tests.Sources;

/// <summary>Spinnaker echo REST events; there is no shared fixture, so the samples are built from the documented format.</summary>
public sealed class SpinnakerPayloadTests
{
    // An orca pipeline-end event as echo's RestEventListener posts it (wrap: false, flatten: false).
    // Envelope: https://spinnaker.io/docs/setup/other_config/features/notifications/ ("Event types":
    // details.type, details.application, content.execution); content as orca's
    // EchoNotifyingExecutionListener sends it ({execution, executionId}); trigger fields as in orca's
    // JenkinsTrigger (master, job, buildNumber, buildInfo{name, number, url, scm[{name, branch, sha1}], building, result}).
    private const string JenkinsTriggered = """
        {
          "details": {
            "source": "orca",
            "type": "orca:pipeline:complete",
            "created": "1732668000000",
            "organization": null,
            "project": null,
            "application": "api",
            "_content_id": null,
            "requestHeaders": {}
          },
          "content": {
            "execution": {
              "type": "PIPELINE",
              "id": "01JDQ6W4N4S5Y2V8R3T1K9M7PA",
              "application": "api",
              "name": "deploy-staging",
              "buildTime": 1732667900000,
              "canceled": false,
              "limitConcurrent": true,
              "startTime": 1732667900500,
              "endTime": 1732668000000,
              "status": "SUCCEEDED",
              "authentication": { "user": "jane@example.com", "allowedAccounts": ["staging"] },
              "stages": [],
              "trigger": {
                "type": "jenkins",
                "user": "[anonymous]",
                "parameters": {},
                "artifacts": [],
                "master": "ci",
                "job": "api-build",
                "buildNumber": 57,
                "propertyFile": null,
                "buildInfo": {
                  "name": "api-build",
                  "number": 57,
                  "url": "https://ci.example.com/job/api-build/57/",
                  "result": "SUCCESS",
                  "artifacts": [],
                  "scm": [ { "name": "origin/main", "branch": "origin/main", "sha1": "9f2c1e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e" } ],
                  "building": false
                }
              },
              "pipelineConfigId": "4b5c2f0e-8d1a-4c7e-9f3b-2a6d8e1c5b70"
            },
            "executionId": "01JDQ6W4N4S5Y2V8R3T1K9M7PA"
          }
        }
        """;

    // A git trigger, per orca's TriggerDeserializer (source, project, slug, branch, hash, action).
    private static readonly string GitTriggered = Set(JenkinsTriggered, "content.execution.trigger", JsonNode.Parse("""
        {
          "type": "git", "user": "jane", "source": "github", "project": "acme", "slug": "api",
          "branch": "main", "hash": "0123456789abcdef0123456789abcdef01234567", "action": "push",
          "parameters": {}, "artifacts": []
        }
        """));

    private static SourceParseResult Parse(string body) => CiPayloads.Parse(SourceKind.Spinnaker, Request(body));

    [Fact]
    public void Parse_JenkinsTriggeredPipelineComplete_CompletesWithEveryField()
    {
        // Act
        var result = Parse(JenkinsTriggered);

        // Assert
        var run = Completed(result);
        Assert.Equal("api", run.Project);
        Assert.Equal("deploy-staging", run.Pipeline);
        Assert.Equal("main", run.Branch);
        Assert.Equal("9f2c1e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e", run.Commit);
        Assert.Equal(57, run.RunNumber);
        Assert.True(run.Succeeded);
        Assert.Equal("SUCCEEDED", run.Status);
        Assert.Null(run.RunUrl);
        Assert.Equal("[anonymous]", run.Actor);
        Assert.Equal("01JDQ6W4N4S5Y2V8R3T1K9M7PA:orca:pipeline:complete", result.VendorId);
        Assert.Equal("orca:pipeline:complete", result.EventName);
    }

    [Fact]
    public void Parse_GitTriggeredPipelineComplete_ReadsHashAndBranch()
    {
        // Act
        var run = Completed(Parse(GitTriggered));

        // Assert
        Assert.Equal("main", run.Branch);
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", run.Commit);
        Assert.Null(run.RunNumber);
        Assert.Equal("jane", run.Actor);
    }

    [Fact]
    public void Parse_PipelineFailed_CompletesWithoutSuccess()
    {
        // Arrange
        var body = Set(Set(JenkinsTriggered, "details.type", "orca:pipeline:failed"), "content.execution.status", "TERMINAL");

        // Act
        var result = Parse(body);

        // Assert
        var run = Completed(result);
        Assert.False(run.Succeeded);
        Assert.Equal("TERMINAL", run.Status);
        Assert.Equal("01JDQ6W4N4S5Y2V8R3T1K9M7PA:orca:pipeline:failed", result.VendorId);
    }

    [Theory]
    [InlineData("STOPPED")]
    [InlineData("SKIPPED")]
    [InlineData("CANCELED")]
    public void Parse_PipelineCompleteWithoutSucceededStatus_CompletesWithoutSuccess(string status)
    {
        // Arrange: orca sends "complete" for any status it counts as successful, STOPPED included.
        var body = Set(JenkinsTriggered, "content.execution.status", status);

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.False(run.Succeeded);
        Assert.Equal(status, run.Status);
    }

    [Fact]
    public void Parse_PipelineFailedWithSucceededStatus_StillNotASuccess()
    {
        // Arrange
        var body = Set(JenkinsTriggered, "details.type", "orca:pipeline:failed");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.False(run.Succeeded);
    }

    [Theory]
    [InlineData("orca:pipeline:starting")]
    [InlineData("orca:stage:complete")]
    [InlineData("orca:task:complete")]
    [InlineData("orca:orchestration:complete")]
    [InlineData("build")]
    public void Parse_OtherEventType_IgnoredAsNotACompletion(string type)
    {
        // Arrange
        var body = Set(JenkinsTriggered, "details.type", type);

        // Act
        var ignored = Ignored(Parse(body));

        // Assert
        Assert.Equal(type, ignored.EventName);
        Assert.Null(ignored.VendorId);
    }

    [Fact]
    public void Parse_IgorBuildEventWithoutExecution_Ignored()
    {
        // Arrange: igor's build events have a different content; only the type is read.
        const string body = """{"details":{"source":"igor","type":"build"},"content":{"project":{"name":"api-build"},"master":"ci"}}""";

        // Act
        var ignored = Ignored(Parse(body));

        // Assert
        Assert.Equal("the event is 'build'; only orca:pipeline:complete and orca:pipeline:failed report a finished pipeline", ignored.Reason);
    }

    [Fact]
    public void Parse_WrappedEvent_SameCompletion()
    {
        // Arrange: wrap: true without a template.
        var wrapped = new JsonObject { ["eventName"] = "spinnaker_events", ["payload"] = JsonNode.Parse(JenkinsTriggered) }.ToJsonString();

        // Act
        var run = Completed(Parse(wrapped));

        // Assert
        Assert.Equal(Completed(Parse(JenkinsTriggered)), run);
    }

    [Fact]
    public void Parse_FlattenedEvent_SameCompletion()
    {
        // Arrange: flatten: true sends details and content as JSON strings.
        var node = JsonNode.Parse(JenkinsTriggered)!.AsObject();
        var flat = new JsonObject
        {
            ["details"] = node["details"]!.ToJsonString(),
            ["content"] = node["content"]!.ToJsonString(),
        }.ToJsonString();

        // Act
        var run = Completed(Parse(flat));

        // Assert
        Assert.Equal(Completed(Parse(JenkinsTriggered)), run);
    }

    [Fact]
    public void Parse_FlattenedContentThatIsNotJson_RejectedNamingContent()
    {
        // Arrange
        var body = Set(JenkinsTriggered, "content", "{\"execution\":");

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.StartsWith("content is a string but not a JSON object (", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BuildInfoNumberAsString_ReadsTheNumber()
    {
        // Arrange: newer orca writes BuildInfo.number as a string, and a trigger without buildNumber leaves only it.
        var body = Set(Remove(JenkinsTriggered, "content.execution.trigger.buildNumber"), "content.execution.trigger.buildInfo.number", "58");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Equal(58, run.RunNumber);
    }

    [Fact]
    public void Parse_NoApplicationInDetails_UsesTheExecutionApplication()
    {
        // Arrange
        var body = Remove(JenkinsTriggered, "details.application");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Equal("api", run.Project);
    }

    [Theory]
    [InlineData("details.type", "details.type is missing")]
    [InlineData("content.execution", "content.execution is missing")]
    [InlineData("content.execution.status", "content.execution.status is missing")]
    [InlineData("details", "details is missing")]
    public void Parse_RequiredFieldMissing_RejectedNamingTheField(string path, string reason)
    {
        // Arrange
        var body = Remove(JenkinsTriggered, path);

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.StartsWith(reason, rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoApplicationAnywhere_RejectedNamingTheField()
    {
        // Arrange
        var body = Remove(Remove(JenkinsTriggered, "details.application"), "content.execution.application");

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal("details.application is missing; the vendor always sends it", rejected.Reason);
    }

    [Theory]
    [InlineData("details", "[]", "details must be an object, not an array")]
    [InlineData("content.execution.status", "1", "content.execution.status must be a string, not a number")]
    [InlineData("content.execution.trigger", "\"jenkins\"", "content.execution.trigger must be an object, not a string")]
    [InlineData("content.execution.trigger.buildNumber", "\"fifty\"", "content.execution.trigger.buildNumber must be a whole number, not 'fifty'")]
    [InlineData("content.execution.trigger.buildInfo.scm", "{}", "content.execution.trigger.buildInfo.scm must be an array, not an object")]
    [InlineData("content.execution.trigger.buildInfo.scm.0", "\"main\"", "content.execution.trigger.buildInfo.scm[0] must be an object, not a string")]
    [InlineData("content.execution.trigger.buildInfo.scm.0.sha1", "\"9f2c1e8\"", "content.execution.trigger.buildInfo.scm[0].sha1 must be a full commit SHA (40 or 64 hex characters), not '9f2c1e8'")]
    public void Parse_FieldOfWrongType_RejectedNamingTheField(string path, string json, string reason)
    {
        // Arrange
        var body = Set(JenkinsTriggered, path, JsonNode.Parse(json));

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal(reason, rejected.Reason);
    }

    [Fact]
    public void Parse_ExtraFieldsAndOtherKeyOrder_SameCompletion()
    {
        // Act and assert
        AssertIndifferentToExtrasAndKeyOrder(JenkinsTriggered, Parse);
    }

    [Fact]
    public void Parse_TruncatedBody_RejectedAsMalformed()
    {
        // Act
        var rejected = Rejected(Parse(JenkinsTriggered[..200]), CiPayloads.MalformedJson);

        // Assert
        Assert.Equal("orca:pipeline:complete", rejected.EventName);
    }
}
