using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.CiBodies;

namespace GitOpsBridge.Core.Tests.Sources;

/// <summary>Azure DevOps <c>build.complete</c>: the legacy XAML-era fixture and a current pipeline build.</summary>
public sealed class AzureDevOpsBuildPayloadTests
{
    private static readonly string Legacy = CiBodies.Fixture("azuredevops/build.complete.go-playground.json");

    // A current YAML-pipeline build, shaped like the sample at
    // https://learn.microsoft.com/azure/devops/service-hooks/events#build.complete (resourceVersion 2.0)
    // whose resource is the REST Build object of
    // https://learn.microsoft.com/rest/api/azure/devops/build/builds/get; trimmed to the fields that matter.
    private const string Modern = """
        {
          "subscriptionId": "4f6e6328-0251-4814-a009-c01dfa368e3f",
          "notificationId": 1,
          "id": "33433986-7f56-4969-bfd4-3e59774c75ad",
          "eventType": "build.complete",
          "publisherId": "tfs",
          "message": { "text": "Build 20241202.1 succeeded" },
          "resource": {
            "_links": {
              "self": { "href": "https://dev.azure.com/FabrikamFiber/54d02617-2ebd-42b0-b1e2-257059c4c03d/_apis/build/Builds/2727068" },
              "web": { "href": "https://dev.azure.com/FabrikamFiber/54d02617-2ebd-42b0-b1e2-257059c4c03d/_build/results?buildId=2727068" }
            },
            "id": 2727068,
            "buildNumber": "20241202.1",
            "status": "completed",
            "result": "succeeded",
            "queueTime": "2024-12-02T18:45:29.2305485Z",
            "startTime": "2024-12-02T18:45:40.7426519Z",
            "finishTime": "2024-12-02T18:46:58.7113371Z",
            "url": "https://dev.azure.com/FabrikamFiber/54d02617-2ebd-42b0-b1e2-257059c4c03d/_apis/build/Builds/2727068",
            "definition": { "id": 1, "name": "FabrikamFiber CI", "path": "\\", "type": "build", "queueStatus": "enabled", "revision": 3 },
            "project": { "id": "54d02617-2ebd-42b0-b1e2-257059c4c03d", "name": "FabrikamFiber", "state": "wellFormed", "visibility": "private" },
            "uri": "vstfs:///Build/Build/2727068",
            "sourceBranch": "refs/heads/main",
            "sourceVersion": "d8b8c2c1f1b64f0a4c3e09e6b9b1c3b2a7e5f401",
            "priority": "normal",
            "reason": "individualCI",
            "requestedFor": { "displayName": "Jamal Hartnett", "id": "d6245f20-2af8-44f4-9451-8107cb2767db", "uniqueName": "jamal@fabrikamfiber.com" },
            "requestedBy": { "displayName": "Microsoft.VisualStudio.Services.TFS", "uniqueName": "00000002-0000-8888-8000-000000000000@2c895908-04e0-4952-89fd-54b0046d6288" },
            "repository": { "id": "a7b3d2c1-5e6f-4a8b-9c0d-1e2f3a4b5c6d", "type": "TfsGit", "name": "FabrikamFiber" },
            "retainedByRelease": false
          },
          "resourceVersion": "2.0",
          "resourceContainers": {
            "collection": { "id": "c12d0eb8-e382-443b-9f9c-c52cba5014c2" },
            "account": { "id": "f844ec47-a9db-4511-8281-8b63f4eaf94e" },
            "project": { "id": "54d02617-2ebd-42b0-b1e2-257059c4c03d" }
          },
          "createdDate": "2024-12-02T18:47:06.2469836Z"
        }
        """;

    private static SourceParseResult Parse(string body) => CiPayloads.Parse(SourceKind.AzureDevOps, Request(body));

    [Fact]
    public void Parse_LegacyFixture_CompletesWithEveryField()
    {
        // Act
        var result = Parse(Legacy);

        // Assert: the XAML-era body names no project, so its GUID stands in; it has no web link.
        var run = Completed(result);
        Assert.Equal("be9b3917-87e6-42a4-a549-2bc06a7a878f", run.Project);
        Assert.Equal("ConsumerAddressModule", run.Pipeline);
        Assert.Equal("master", run.Branch);
        Assert.Equal("600c52d2d5b655caa111abfd863e5a9bd304bb0e", run.Commit);
        Assert.Equal(2, run.RunNumber);
        Assert.True(run.Succeeded);
        Assert.Equal("succeeded", run.Status);
        Assert.Null(run.RunUrl);
        Assert.Equal("fabrikamfiber16@hotmail.com", run.Actor);
        Assert.Equal("4a5d99d6-1c75-4e53-91b9-ee80057d4ce3", result.VendorId);
        Assert.Equal("build.complete", result.EventName);
    }

    [Theory]
    [InlineData("failed")]
    [InlineData("partiallySucceeded")]
    [InlineData("stopped")]
    public void Parse_LegacyFixtureThatDidNotSucceed_CompletesWithoutSuccess(string status)
    {
        // Arrange
        var body = Set(Legacy, "resource.status", status);

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.False(run.Succeeded);
        Assert.Equal(status, run.Status);
    }

    [Fact]
    public void Parse_ModernBuild_CompletesWithEveryField()
    {
        // Act
        var result = Parse(Modern);

        // Assert
        var run = Completed(result);
        Assert.Equal("FabrikamFiber", run.Project);
        Assert.Equal("FabrikamFiber CI", run.Pipeline);
        Assert.Equal("main", run.Branch);
        Assert.Equal("d8b8c2c1f1b64f0a4c3e09e6b9b1c3b2a7e5f401", run.Commit);
        Assert.Equal(2727068, run.RunNumber);
        Assert.True(run.Succeeded);
        Assert.Equal("succeeded", run.Status);
        Assert.Equal("https://dev.azure.com/FabrikamFiber/54d02617-2ebd-42b0-b1e2-257059c4c03d/_build/results?buildId=2727068", run.RunUrl);
        Assert.Equal("jamal@fabrikamfiber.com", run.Actor);
        Assert.Equal("33433986-7f56-4969-bfd4-3e59774c75ad", result.VendorId);
    }

    [Theory]
    [InlineData("failed")]
    [InlineData("partiallySucceeded")]
    [InlineData("canceled")]
    public void Parse_ModernBuildThatDidNotSucceed_CompletesWithoutSuccess(string result)
    {
        // Arrange
        var body = Set(Modern, "resource.result", result);

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.False(run.Succeeded);
        Assert.Equal(result, run.Status);
    }

    [Fact]
    public void Parse_ModernBuildStillRunning_IgnoredAsNotACompletion()
    {
        // Arrange
        var body = Set(Set(Modern, "resource.status", "inProgress"), "resource.result", "none");

        // Act
        var ignored = Ignored(Parse(body));

        // Assert
        Assert.Equal("build 2727068 is 'inProgress'; only a completed build is a completion", ignored.Reason);
    }

    [Fact]
    public void Parse_ResultNone_IgnoredAsNotACompletion()
    {
        // Arrange
        var body = Set(Modern, "resource.result", "none");

        // Act
        var ignored = Ignored(Parse(body));

        // Assert
        Assert.Equal("build 2727068 is 'none', which is not the outcome of a finished build", ignored.Reason);
    }

    [Theory]
    [InlineData("git.push")]
    [InlineData("ms.vss-pipelines.run-state-changed-event")]
    public void Parse_OtherEventType_IgnoredAsNotACompletion(string eventType)
    {
        // Arrange
        var body = Set(Modern, "eventType", eventType);

        // Act
        var ignored = Ignored(Parse(body));

        // Assert
        Assert.Equal(eventType, ignored.EventName);
        Assert.Equal("33433986-7f56-4969-bfd4-3e59774c75ad", ignored.VendorId);
    }

    [Theory]
    [InlineData("refs/pull/42/merge")]
    [InlineData("refs/tags/v1.0.0")]
    public void Parse_SourceRefThatIsNotABranch_HasNoBranch(string reference)
    {
        // Arrange
        var body = Set(Modern, "resource.sourceBranch", reference);

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Null(run.Branch);
    }

    [Fact]
    public void Parse_TfvcBuild_HasNoCommit()
    {
        // Arrange: a TFVC build's sourceVersion is a changeset number, not a git commit.
        var body = Set(Set(Modern, "resource.repository.type", "TfsVersionControl"), "resource.sourceVersion", "1234");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Null(run.Commit);
    }

    [Fact]
    public void Parse_LegacyTfvcChangeset_HasNoBranchOrCommit()
    {
        // Arrange
        var body = Set(Legacy, "resource.sourceGetVersion", "C1234");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Null(run.Branch);
        Assert.Null(run.Commit);
    }

    [Theory]
    [InlineData("LG:refs/heads/master:600c52d")]
    [InlineData("LG:600c52d2d5b655caa111abfd863e5a9bd304bb0e")]
    public void Parse_LegacySourceGetVersionWithoutFullCommit_RejectedNamingTheField(string version)
    {
        // Arrange
        var body = Set(Legacy, "resource.sourceGetVersion", version);

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.StartsWith("resource.sourceGetVersion must be LG:<ref>:<commit sha>, not 'LG:", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NeitherResultNorStatus_RejectedNamingResult()
    {
        // Arrange
        var body = Remove(Remove(Modern, "resource.result"), "resource.status");

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal("resource.result is missing; the vendor always sends it", rejected.Reason);
    }

    [Fact]
    public void Parse_CompletedWithoutResult_RejectedNamingResult()
    {
        // Arrange
        var body = Remove(Modern, "resource.result");

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal("resource.result is missing; the vendor always sends it", rejected.Reason);
    }

    [Fact]
    public void Parse_LegacyStatusInProgress_IgnoredAsNotACompletion()
    {
        // Arrange
        var body = Set(Legacy, "resource.status", "inProgress");

        // Act
        var ignored = Ignored(Parse(body));

        // Assert
        Assert.Equal("build 2 is 'inProgress', which is not the outcome of a finished build", ignored.Reason);
    }

    [Fact]
    public void Parse_NoProjectAtAll_RejectedNamingProject()
    {
        // Arrange
        var body = Remove(Remove(Modern, "resource.project"), "resourceContainers");

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal("resource.project is missing; the vendor always sends it", rejected.Reason);
    }

    [Theory]
    [InlineData("eventType", "7", "eventType must be a string, not a number")]
    [InlineData("resource", "[]", "resource must be an object, not an array")]
    [InlineData("resource.id", "\"2727068\"", "resource.id must be a whole number, not a string")]
    [InlineData("resource.result", "true", "resource.result must be a string, not a boolean")]
    [InlineData("resource.project.name", "{}", "resource.project.name must be a string, not an object")]
    [InlineData("resource.sourceVersion", "\"main\"", "resource.sourceVersion must be a full commit SHA (40 or 64 hex characters), not 'main'")]
    [InlineData("resource._links.web", "\"https://x\"", "resource._links.web must be an object, not a string")]
    [InlineData("resource.requestedFor.uniqueName", "[]", "resource.requestedFor.uniqueName must be a string, not an array")]
    public void Parse_ModernFieldOfWrongType_RejectedNamingTheField(string path, string json, string reason)
    {
        // Arrange
        var body = Set(Modern, path, JsonNode.Parse(json));

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal(reason, rejected.Reason);
    }

    [Fact]
    public void Parse_LegacyRequestThatIsNotAnObject_RejectedNamingTheElement()
    {
        // Arrange
        var body = Set(Legacy, "resource.requests.0", "fabrikamfiber16@hotmail.com");

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal("resource.requests[0] must be an object, not a string", rejected.Reason);
    }

    [Theory]
    [InlineData("legacy")]
    [InlineData("modern")]
    public void Parse_ExtraFieldsAndOtherKeyOrder_SameCompletion(string shape)
    {
        // Arrange
        var body = shape == "legacy" ? Legacy : Modern;

        // Act and assert
        AssertIndifferentToExtrasAndKeyOrder(body, Parse);
    }

    [Fact]
    public void Parse_TruncatedBody_RejectedAsMalformed()
    {
        // Act
        var rejected = Rejected(Parse(Legacy[..^2]), CiPayloads.MalformedJson);

        // Assert
        Assert.Null(rejected.VendorId);
        Assert.Equal("build.complete", rejected.EventName);
    }
}
