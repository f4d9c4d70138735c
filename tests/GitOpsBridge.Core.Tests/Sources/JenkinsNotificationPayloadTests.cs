using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.CiBodies;

namespace GitOpsBridge.Core.Tests.Sources;

/// <summary>The Jenkins Notification plugin's JSON; there is no shared fixture, so the samples are built from the documented format.</summary>
public sealed class JenkinsNotificationPayloadTests
{
    // The plugin's example message, https://gist.github.com/modcab/54972e9d46a85b9e3647 (linked from
    // https://plugins.jenkins.io/notification/), as sent in the COMPLETED phase.
    private const string Completed18 = """
        {
          "name": "asgard",
          "url": "job/asgard/",
          "build": {
            "full_url": "http://localhost:8080/job/asgard/18/",
            "number": 18,
            "phase": "COMPLETED",
            "status": "SUCCESS",
            "url": "job/asgard/18/",
            "scm": {
              "url": "https://github.com/evgeny-goldin/asgard.git",
              "branch": "origin/master",
              "commit": "c6d86dc654b12425e706bcf951adfe5a8627a517"
            },
            "artifacts": {
              "phpunit.xml": { "archive": "http://localhost:8080/job/asgard/18/artifact/phpunit.xml" },
              "asgard-standalone.jar": {
                "archive": "http://localhost:8080/job/asgard/18/artifact/asgard-standalone.jar",
                "s3": "https://s3-eu-west-1.amazonaws.com/evgenyg-bakery/asgard/asgard-standalone.jar"
              }
            }
          }
        }
        """;

    // The same build's FINALIZED notification from a current plugin (1.18): JobState/BuildState/ScmState
    // serialised with lower_case_with_underscores names, as in jenkinsci/notification-plugin's model classes.
    private const string Finalized = """
        {
          "name": "api",
          "display_name": "api",
          "url": "job/platform/job/api/",
          "build": {
            "full_url": "https://ci.example.com/job/platform/job/api/57/",
            "number": 57,
            "queue_id": 1204,
            "timestamp": 1732668000000,
            "duration": 81234,
            "phase": "FINALIZED",
            "status": "SUCCESS",
            "url": "job/platform/job/api/57/",
            "scm": {
              "url": "https://github.com/acme/api.git",
              "branch": "origin/main",
              "commit": "9f2c1e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e",
              "changes": ["src/app.py"],
              "culprits": ["jane"]
            },
            "parameters": { "DEPLOY": "true" },
            "log": "",
            "notes": "",
            "artifacts": {}
          }
        }
        """;

    private static SourceParseResult Parse(string body) => CiPayloads.Parse(SourceKind.Jenkins, Request(body));

    [Fact]
    public void Parse_FinalizedBuild_CompletesWithEveryField()
    {
        // Act
        var result = Parse(Finalized);

        // Assert
        var run = Completed(result);
        Assert.Equal("platform/api", run.Project);
        Assert.Null(run.Pipeline);
        Assert.Equal("main", run.Branch);
        Assert.Equal("9f2c1e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e", run.Commit);
        Assert.Equal(57, run.RunNumber);
        Assert.True(run.Succeeded);
        Assert.Equal("SUCCESS", run.Status);
        Assert.Equal("https://ci.example.com/job/platform/job/api/57/", run.RunUrl);
        Assert.Null(run.Actor);
        Assert.Null(result.VendorId);
        Assert.Equal("FINALIZED", result.EventName);
    }

    [Fact]
    public void Parse_DocumentedCompletedExample_IgnoredInFavourOfFinalized()
    {
        // Act
        var ignored = Ignored(Parse(Completed18));

        // Assert
        Assert.Equal(
            "build 18 of 'asgard' is in phase 'COMPLETED'; only FINALIZED is a completion (the FINALIZED notification that follows carries the final result)",
            ignored.Reason);
        Assert.Equal("COMPLETED", ignored.EventName);
    }

    [Fact]
    public void Parse_DocumentedExampleAsFinalized_Completes()
    {
        // Arrange
        var body = Set(Completed18, "build.phase", "FINALIZED");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Equal("asgard", run.Project);
        Assert.Equal("master", run.Branch);
        Assert.Equal("c6d86dc654b12425e706bcf951adfe5a8627a517", run.Commit);
        Assert.Equal(18, run.RunNumber);
        Assert.True(run.Succeeded);
        Assert.Equal("http://localhost:8080/job/asgard/18/", run.RunUrl);
    }

    [Theory]
    [InlineData("QUEUED", "the build has not finished")]
    [InlineData("STARTED", "the build has not finished")]
    [InlineData("NONE", "it is not a phase the Notification plugin sends")]
    public void Parse_PhaseBeforeTheEnd_IgnoredAsNotACompletion(string phase, string why)
    {
        // Arrange: a starting build has no status yet.
        var body = Remove(Set(Finalized, "build.phase", phase), "build.status");

        // Act
        var ignored = Ignored(Parse(body));

        // Assert
        Assert.EndsWith($"({why})", ignored.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FAILURE")]
    [InlineData("UNSTABLE")]
    [InlineData("ABORTED")]
    [InlineData("NOT_BUILT")]
    public void Parse_FinalizedWithoutSuccess_CompletesWithoutSuccess(string status)
    {
        // Arrange
        var body = Set(Finalized, "build.status", status);

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.False(run.Succeeded);
        Assert.Equal(status, run.Status);
    }

    [Theory]
    [InlineData("job/api/", "api")]
    [InlineData("job/platform/job/api/", "platform/api")]
    [InlineData("job/platform/job/my%20api/", "platform/my api")]
    [InlineData("job/acme/job/api/job/feature%252Flogin/", "acme/api/feature%2Flogin")]
    [InlineData("https://ci.example.com/jenkins/job/platform/job/api/", "platform/api")]
    [InlineData("view/all/", "api")]
    public void Parse_JobUrl_GivesTheFullName(string url, string project)
    {
        // Arrange
        var body = Set(Finalized, "url", url);

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Equal(project, run.Project);
    }

    [Fact]
    public void Parse_NoJobUrl_UsesTheName()
    {
        // Arrange
        var body = Remove(Finalized, "url");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Equal("api", run.Project);
    }

    [Theory]
    [InlineData("origin/main", "main")]
    [InlineData("origin/feature/login", "feature/login")]
    [InlineData("refs/heads/main", "main")]
    [InlineData("refs/remotes/origin/release/1.x", "release/1.x")]
    [InlineData("main", "main")]
    [InlineData("feature/login", "feature/login")]
    [InlineData("refs/tags/v1.0", null)]
    public void Parse_ScmBranch_IsNormalised(string branch, string? expected)
    {
        // Arrange
        var body = Set(Finalized, "build.scm.branch", branch);

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Equal(expected, run.Branch);
    }

    [Fact]
    public void Parse_NoScm_CompletesWithoutBranchOrCommit()
    {
        // Arrange
        var body = Remove(Finalized, "build.scm");

        // Act
        var run = Completed(Parse(body));

        // Assert
        Assert.Null(run.Branch);
        Assert.Null(run.Commit);
    }

    [Theory]
    [InlineData("build.status", "build.status is missing")]
    [InlineData("build.phase", "build.phase is missing")]
    [InlineData("build", "build is missing")]
    [InlineData("name", "name is missing")]
    public void Parse_RequiredFieldMissing_RejectedNamingTheField(string path, string reason)
    {
        // Arrange
        var body = Remove(Finalized, path);

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.StartsWith(reason, rejected.Reason, StringComparison.Ordinal);
        Assert.Equal("FINALIZED", rejected.EventName);
    }

    [Theory]
    [InlineData("build.number", "\"57\"", "build.number must be a whole number, not a string")]
    [InlineData("build.number", "1e30", "build.number must be a whole number, not '1e30'")]
    [InlineData("build.phase", "3", "build.phase must be a string, not a number")]
    [InlineData("build.scm", "[]", "build.scm must be an object, not an array")]
    [InlineData("build.scm.commit", "\"c6d86dc\"", "build.scm.commit must be a full commit SHA (40 or 64 hex characters), not 'c6d86dc'")]
    [InlineData("name", "{\"a\":1}", "name must be a string, not an object")]
    [InlineData("url", "false", "url must be a string, not a boolean")]
    public void Parse_FieldOfWrongType_RejectedNamingTheField(string path, string json, string reason)
    {
        // Arrange
        var body = Set(Finalized, path, JsonNode.Parse(json));

        // Act
        var rejected = Rejected(Parse(body), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal(reason, rejected.Reason);
    }

    [Fact]
    public void Parse_ExtraFieldsAndOtherKeyOrder_SameCompletion()
    {
        // Act and assert
        AssertIndifferentToExtrasAndKeyOrder(Finalized, Parse);
    }

    [Fact]
    public void Parse_XmlFormat_RejectedAsMalformedJson()
    {
        // Arrange: the plugin can also send XML; the bridge reads only its JSON format.
        const string xml = "<jobState><name>api</name><build><phase>FINALIZED</phase></build></jobState>";

        // Act
        var rejected = Rejected(Parse(xml), CiPayloads.MalformedJson);

        // Assert
        Assert.StartsWith("the body is not valid JSON: ", rejected.Reason, StringComparison.Ordinal);
    }
}
