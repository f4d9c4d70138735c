using System.Text.Json;
using GitOpsBridge.Core.Lifecycle;

namespace GitOpsBridge.Core.Tests.Lifecycle;

public sealed class PullRequestCommandTests
{
    private static string FixtureCommentBody()
    {
        using var payload = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "payloads", "github", "issue_comment.created.json")));
        return payload.RootElement.GetProperty("comment").GetProperty("body").GetString()!;
    }

    [Fact]
    public void Parse_RealIssueCommentFixture_IsNotACommand()
    {
        var body = FixtureCommentBody();

        Assert.False(string.IsNullOrEmpty(body));
        Assert.Null(PullRequestCommand.Parse(body));
    }

    [Fact]
    public void Parse_FixtureBodyFollowedByCommand_FindsCommand()
    {
        var body = FixtureCommentBody() + "\n\n/gitops-bridge rebase\n";

        Assert.Equal(new PullRequestCommand.Rebase(), PullRequestCommand.Parse(body));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("LGTM")]
    [InlineData("please run `/gitops-bridge rebase`")]
    [InlineData("/gitops-bridgerebase")]
    [InlineData("/gitops rebase")]
    [InlineData("text /gitops-bridge rebase")]
    public void Parse_NoCommandLine_ReturnsNull(string? body)
    {
        Assert.Null(PullRequestCommand.Parse(body));
    }

    [Theory]
    [InlineData("/gitops-bridge rebase", typeof(PullRequestCommand.Rebase))]
    [InlineData("/gitops-bridge hold", typeof(PullRequestCommand.Hold))]
    [InlineData("/gitops-bridge release", typeof(PullRequestCommand.Release))]
    [InlineData("/gitops-bridge explain", typeof(PullRequestCommand.Explain))]
    [InlineData("/gitops-bridge unpin", typeof(PullRequestCommand.Unpin))]
    [InlineData("   /gitops-bridge rebase   ", typeof(PullRequestCommand.Rebase))]
    [InlineData("\t/gitops-bridge\thold", typeof(PullRequestCommand.Hold))]
    [InlineData("/GitOps-Bridge release", typeof(PullRequestCommand.Release))]
    public void Parse_CommandWithoutArguments_ReturnsIt(string body, Type expected)
    {
        var command = PullRequestCommand.Parse(body);

        Assert.IsType(expected, command);
    }

    [Fact]
    public void Parse_Promote_CarriesEnvironment()
    {
        var command = Assert.IsType<PullRequestCommand.Promote>(PullRequestCommand.Parse("/gitops-bridge promote staging"));

        Assert.Equal("staging", command.Environment);
        Assert.Equal("promote", command.Word);
    }

    [Fact]
    public void Parse_Pin_CarriesVersion()
    {
        var command = Assert.IsType<PullRequestCommand.Pin>(PullRequestCommand.Parse("Rolling back.\r\n/gitops-bridge pin v1.4.2_hotfix-1\r\nThanks"));

        Assert.Equal("v1.4.2_hotfix-1", command.Version);
    }

    [Theory]
    [InlineData("/gitops-bridge pin hello 1.3.0", "hello")]
    [InlineData("/gitops-bridge pin ghcr.io/acme/hello-world 1.3.0", "ghcr.io/acme/hello-world")]
    public void Parse_PinWithImage_CarriesImageAndVersion(string body, string image)
    {
        var command = Assert.IsType<PullRequestCommand.Pin>(PullRequestCommand.Parse(body));

        Assert.Equal((image, "1.3.0"), (command.Image, command.Version));
    }

    [Fact]
    public void Parse_PinWithoutImage_HasNoImage()
    {
        Assert.Null(Assert.IsType<PullRequestCommand.Pin>(PullRequestCommand.Parse("/gitops-bridge pin 1.3.0")).Image);
    }

    [Fact]
    public void Parse_TwoCommandLines_OnlyFirstCounts()
    {
        Assert.Equal(new PullRequestCommand.Hold(), PullRequestCommand.Parse("/gitops-bridge hold\n/gitops-bridge release"));
        Assert.Equal(new PullRequestCommand.Unknown("frobnicate"), PullRequestCommand.Parse("/gitops-bridge frobnicate\n/gitops-bridge release"));
    }

    [Fact]
    public void Parse_CommandInsideFencedCodeBlock_Ignored()
    {
        var body = "To rebase, write:\n```\n/gitops-bridge rebase\n```\nand\n~~~~text\n/gitops-bridge hold\n~~~\n/gitops-bridge pin 1.0\n~~~~\n";

        Assert.Null(PullRequestCommand.Parse(body));
    }

    [Fact]
    public void Parse_CommandAfterClosedFence_Found()
    {
        var body = "  ```sh\n/gitops-bridge rebase\n  ```\n/gitops-bridge explain";

        Assert.Equal(new PullRequestCommand.Explain(), PullRequestCommand.Parse(body));
    }

    [Fact]
    public void Parse_UnclosedFence_HidesTheRest()
    {
        Assert.Null(PullRequestCommand.Parse("````\n/gitops-bridge rebase\n```\n/gitops-bridge hold"));
    }

    [Fact]
    public void Parse_QuotedCommand_Ignored()
    {
        Assert.Null(PullRequestCommand.Parse("> /gitops-bridge rebase\n  >> /gitops-bridge hold\nI disagree."));
        Assert.Equal(new PullRequestCommand.Release(), PullRequestCommand.Parse("> /gitops-bridge hold\n\n/gitops-bridge release"));
    }

    [Fact]
    public void Parse_UnknownWord_ReturnsUnknownWithSuggestion()
    {
        var unknown = Assert.IsType<PullRequestCommand.Unknown>(PullRequestCommand.Parse("/gitops-bridge reabse"));

        Assert.Equal("reabse", unknown.Word);
        Assert.Equal("rebase", unknown.Suggestion);
    }

    [Fact]
    public void Parse_UpperCaseWord_IsUnknownSuggestingLowerCase()
    {
        var unknown = Assert.IsType<PullRequestCommand.Unknown>(PullRequestCommand.Parse("/gitops-bridge Rebase"));

        Assert.Equal("Rebase", unknown.Word);
        Assert.Equal("rebase", unknown.Suggestion);
    }

    [Fact]
    public void Parse_UnrelatedWord_HasNoSuggestion()
    {
        var unknown = Assert.IsType<PullRequestCommand.Unknown>(PullRequestCommand.Parse("/gitops-bridge deploy-everything-now"));

        Assert.Null(unknown.Suggestion);
    }

    [Fact]
    public void Parse_PrefixAlone_IsUnknownWithEmptyWord()
    {
        var unknown = Assert.IsType<PullRequestCommand.Unknown>(PullRequestCommand.Parse("/gitops-bridge"));

        Assert.Equal(string.Empty, unknown.Word);
        Assert.Null(unknown.Suggestion);
    }

    [Fact]
    public void Parse_VeryLongUnknownWord_IsCut()
    {
        var unknown = Assert.IsType<PullRequestCommand.Unknown>(PullRequestCommand.Parse("/gitops-bridge " + new string('x', 500)));

        Assert.Equal(65, unknown.Word.Length);
        Assert.EndsWith("…", unknown.Word, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/gitops-bridge promote", "promote", "needs an environment name")]
    [InlineData("/gitops-bridge promote Staging", "promote", "\"Staging\" is not an environment name")]
    [InlineData("/gitops-bridge promote prod_eu", "promote", "is not an environment name")]
    [InlineData("/gitops-bridge promote -prod", "promote", "is not an environment name")]
    [InlineData("/gitops-bridge promote staging prod", "promote", "takes one argument")]
    [InlineData("/gitops-bridge pin", "pin", "needs a version")]
    [InlineData("/gitops-bridge pin .1.2", "pin", "starts with '.'")]
    [InlineData("/gitops-bridge pin 1.2:3", "pin", "is not a version")]
    [InlineData("/gitops-bridge pin api 1.2 1.3", "pin", "takes a version, or an image and a version; got 3")]
    [InlineData("/gitops-bridge pin API! 1.2", "pin", "\"API!\" is not an image")]
    [InlineData("/gitops-bridge pin api 1.2:3", "pin", "is not a version")]
    [InlineData("/gitops-bridge pin", "pin", "or /gitops-bridge pin <image> <version>")]
    [InlineData("/gitops-bridge rebase now please", "rebase", "rebase takes no arguments; got \"now please\"")]
    [InlineData("/gitops-bridge unpin 1.2", "unpin", "takes no arguments")]
    public void Parse_BadArguments_ReturnsInvalidWithReason(string body, string word, string reason)
    {
        var invalid = Assert.IsType<PullRequestCommand.Invalid>(PullRequestCommand.Parse(body));

        Assert.Equal(word, invalid.Word);
        Assert.Contains(reason, invalid.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PinLongerThanTagLimit_Invalid()
    {
        var invalid = Assert.IsType<PullRequestCommand.Invalid>(PullRequestCommand.Parse("/gitops-bridge pin " + new string('1', 129)));

        Assert.Contains("the limit is 128", invalid.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PromoteSixtyThreeCharacterName_Accepted()
    {
        var name = "a" + new string('b', 61) + "c";

        Assert.Equal(new PullRequestCommand.Promote(name), PullRequestCommand.Parse("/gitops-bridge promote " + name));
        Assert.IsType<PullRequestCommand.Invalid>(PullRequestCommand.Parse("/gitops-bridge promote " + name + "d"));
    }
}
