using System.Text.Json;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Lifecycle;
using GitOpsBridge.Core.Tests.Config;

namespace GitOpsBridge.Core.Tests.Lifecycle;

public sealed class ConfigCheckTests
{
    private const string Header = "version: 1\nimages:\n  api: { repository: ghcr.io/acme/api }\nenvironments:\n  dev:\n";

    [Fact]
    public void Run_ValidExample_SucceedsWithCounts()
    {
        var result = ConfigCheck.Run(ConfigTestFiles.Example("full.yml"));

        Assert.Equal("success", result.Conclusion);
        Assert.Equal(".github/gitops-bridge.yml is valid", result.Title);
        Assert.Contains("3 images, 2 environments", result.Summary, StringComparison.Ordinal);
        Assert.Empty(result.Annotations);
    }

    [Fact]
    public void Run_FileDeleted_SucceedsSayingSo()
    {
        var result = ConfigCheck.Run(null);

        Assert.Equal("success", result.Conclusion);
        Assert.Contains("deletes", result.Summary, StringComparison.Ordinal);
        Assert.Empty(result.Annotations);
    }

    [Fact]
    public void Run_UnknownKey_AnnotatesKeyWithSuggestion()
    {
        var yaml = Header + "    brnach: main\n    files:\n      - { path: v.yaml, helm: { image: api, path: image } }\n";

        var result = ConfigCheck.Run(yaml);

        Assert.Equal("failure", result.Conclusion);
        Assert.Equal("1 error in .github/gitops-bridge.yml", result.Title);
        var annotation = Assert.Single(result.Annotations);
        Assert.Equal(".github/gitops-bridge.yml", annotation.Path);
        Assert.Equal((6, 6), (annotation.StartLine, annotation.EndLine));
        Assert.Equal(5, annotation.StartColumn);
        Assert.Equal(10, annotation.EndColumn); // "brnach" is columns 5–10
        Assert.Equal("failure", annotation.AnnotationLevel);
        Assert.Contains("did you mean \"branch\"", annotation.Message, StringComparison.Ordinal);
        Assert.Contains("line 6, column 5:", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PathEscapingRepository_AnnotatesThePath()
    {
        var yaml = Header + "    files:\n      - { path: ../outside/values.yaml, helm: { image: api, path: image } }\n      - path: \"/etc/passwd\"\n        helm: { image: api, path: image }\n";

        var result = ConfigCheck.Run(yaml);

        Assert.Equal("failure", result.Conclusion);
        Assert.Equal("2 errors in .github/gitops-bridge.yml", result.Title);
        Assert.Equal(2, result.Annotations.Count);
        var dotDot = result.Annotations[0];
        Assert.Equal(7, dotDot.StartLine);
        Assert.Equal(ConfigAssert.ColumnOf(yaml, 7, "../"), dotDot.StartColumn);
        Assert.Equal(ConfigAssert.ColumnOf(yaml, 7, ".yaml,") + 4, dotDot.EndColumn);
        Assert.Contains("..", dotDot.Message, StringComparison.Ordinal);
        var absolute = result.Annotations[1];
        Assert.Equal(8, absolute.StartLine);
        Assert.Equal(ConfigAssert.ColumnOf(yaml, 8, "\"/etc"), absolute.StartColumn);
        Assert.Equal(ConfigAssert.ColumnOf(yaml, 8, "d\"") + 1, absolute.EndColumn); // through the closing quote
    }

    [Fact]
    public void Run_SyntaxError_AnnotatesWhereTheParserStopped()
    {
        var yaml = "version: 1\nimages:\n  api: { repository: ghcr.io/acme/api\nenvironments:\n";
        var expected = ConfigParser.Validate(yaml);

        var result = ConfigCheck.Run(yaml);

        Assert.Equal("failure", result.Conclusion);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, result.Annotations.Count);
        Assert.Equal(expected[0].Line, result.Annotations[0].StartLine);
        Assert.Equal(expected[0].Column, result.Annotations[0].StartColumn);
        Assert.Contains("invalid YAML", result.Annotations[0].Message, StringComparison.Ordinal);
        Assert.True(result.Annotations[0].EndColumn >= result.Annotations[0].StartColumn);
    }

    [Fact]
    public void Run_UnknownFreezeTimeZone_AnnotatesTheZone()
    {
        var yaml = Header + "    freeze:\n      - { days: [sat], timeZone: Europe/Berln }\n    files:\n      - { path: v.yaml, helm: { image: api, path: image } }\n";
        Assert.Empty(ConfigParser.Validate(yaml)); // the parser checks only the form of the id

        var result = ConfigCheck.Run(yaml);

        Assert.Equal("failure", result.Conclusion);
        var annotation = Assert.Single(result.Annotations);
        Assert.Equal(7, annotation.StartLine);
        Assert.Equal(ConfigAssert.ColumnOf(yaml, 7, "Europe/Berln"), annotation.StartColumn);
        Assert.Equal(annotation.StartColumn + "Europe/Berln".Length - 1, annotation.EndColumn);
        Assert.Contains("unknown time zone \"Europe/Berln\"", annotation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MoreThanFiftyErrors_KeepsFiftyAndCountsTheRest()
    {
        var keys = string.Concat(Enumerable.Range(1, 57).Select(index => $"    unknown{index}: x\n"));
        var yaml = Header + keys + "    files:\n      - { path: v.yaml, helm: { image: api, path: image } }\n";
        var errors = ConfigParser.Validate(yaml);
        Assert.Equal(57, errors.Count);

        var result = ConfigCheck.Run(yaml);

        Assert.Equal(ConfigCheck.MaxAnnotations, result.Annotations.Count);
        Assert.Equal("57 errors in .github/gitops-bridge.yml", result.Title);
        Assert.Contains("7 more are listed only here", result.Summary, StringComparison.Ordinal);
        Assert.Equal(errors.Take(50).Select(error => error.Line), result.Annotations.Select(annotation => annotation.StartLine));
        Assert.Contains("unknown57", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Annotation_Serialized_MatchesGitHubAnnotationObject()
    {
        var annotation = new CheckAnnotation(".github/gitops-bridge.yml", 6, 6, 5, 10, "failure", "unknown key", "Invalid GitOps Bridge configuration");

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(annotation));

        Assert.Equal(
            ["path", "start_line", "end_line", "start_column", "end_column", "annotation_level", "message", "title"],
            json.RootElement.EnumerateObject().Select(property => property.Name));
        Assert.Equal(6, json.RootElement.GetProperty("start_line").GetInt32());
    }

    [Theory]
    [InlineData("    brnach: main", 4, 10)]
    [InlineData("    branch: \"it's \\\" here\" # note", 12, 26)]
    [InlineData("    branch: 'it''s' # note", 12, 19)]
    [InlineData("      - { path: a.yaml, helm: x }", 8, 33)]
    [InlineData("      - path: a.yaml", 6, 20)]
    [InlineData("    days: [mon, tues]", 16, 20)]
    [InlineData("    key:", 8, 9)]
    public void EndColumn_TokenAtColumn_EndsWhereTheTokenEnds(string line, int start, int expected)
    {
        Assert.Equal(expected, ConfigCheck.EndColumn(line, start));
    }
}
