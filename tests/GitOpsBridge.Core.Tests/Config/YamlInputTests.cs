using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Tests.Config;

/// <summary>Input that is not a well-formed single YAML mapping must give positioned errors, never an exception.</summary>
public sealed class YamlInputTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    [InlineData("~\n")]
    public void Validate_EmptyDocument_ReportsEmptyFile(string yaml)
    {
        ConfigAssert.SingleError(yaml, 1, 1, "the file is empty", "version: 1");
    }

    [Fact]
    public void Validate_PlainText_ReportsMappingExpected()
    {
        ConfigAssert.SingleError("just some text", 1, 1, "expected a mapping at the top level", "got \"just some text\"");
    }

    [Fact]
    public void Validate_TopLevelSequence_ReportsMappingExpected()
    {
        ConfigAssert.SingleError("- version: 1\n- discover: true\n", 1, 1, "expected a mapping at the top level", "got a list");
    }

    [Fact]
    public void Validate_NotYaml_ReportsSyntaxErrorWithPosition()
    {
        ConfigAssert.SingleError("{{{ not yaml", 2, 1, "invalid YAML");
    }

    [Fact]
    public void Validate_BadIndentation_ReportsSyntaxErrorAtOffendingLine()
    {
        ConfigAssert.SingleError("version: 1\nimages:\n  api:\n    repository: x\n   digest: pin\n", 5, 4, "invalid YAML", "did not find expected key");
    }

    [Fact]
    public void Validate_UnclosedFlowSequence_ReportsItsStart()
    {
        // YamlDotNet throws InvalidOperationException from its scanner here rather than a YamlException.
        ConfigAssert.SingleError("version: 1\ndiscover: [true, false\nimages: {}\n", 2, 11, "invalid YAML", "never closed");
    }

    [Fact]
    public void Validate_UnclosedQuote_ReportsSyntaxError()
    {
        var error = Assert.Single(ConfigParser.Validate("version: 1\nimages:\n  api: { repository: \"ghcr.io/acme/api }\n"));

        Assert.StartsWith("invalid YAML", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 3, error.ToString());
    }

    [Fact]
    public void Validate_DuplicateKey_ReportsSecondKeyWithFirstPosition()
    {
        ConfigAssert.SingleError("""
            version: 1
            environments:
              dev:
                branch: main
                branch: develop
            """, 5, 5, "duplicate key \"branch\"", "first defined at line 4, column 5");
    }

    [Fact]
    public void Validate_SeveralDuplicateKeys_ReportsEach()
    {
        var errors = ConfigParser.Validate("version: 1\nversion: 1\ndiscover: true\ndiscover: false\n");

        Assert.Equal(2, errors.Count);
        ConfigAssert.HasError(errors, 2, 1, "duplicate key \"version\"");
        ConfigAssert.HasError(errors, 4, 1, "duplicate key \"discover\"");
    }

    [Fact]
    public void Validate_DuplicateKey_KeepsFirstValue()
    {
        // The second value is not validated: only the duplicate is reported.
        ConfigAssert.SingleError("version: 1\ndiscover: true\ndiscover: banana\n", 3, 1, "duplicate key");
    }

    [Fact]
    public void Validate_TabIndentation_ReportsTheTab()
    {
        ConfigAssert.SingleError("version: 1\nimages:\n\tapi: {}\n", 3, 1, "tab character", "only spaces");
    }

    [Fact]
    public void Validate_TabAfterSpaces_ReportsTheTabColumn()
    {
        ConfigAssert.SingleError("version: 1\nimages:\n  api:\n  \t  repository: ghcr.io/acme/api\n", 4, 3, "tab character");
    }

    [Fact]
    public void Validate_TabBetweenKeyAndValue_IsAllowed()
    {
        ConfigAssert.Valid("version:\t1\ndiscover:\ttrue\n");
    }

    [Fact]
    public void Validate_ByteOrderMark_IsIgnored()
    {
        ConfigAssert.Valid("\uFEFFversion: 1\n");
    }

    [Fact]
    public void Validate_ByteOrderMark_DoesNotShiftColumns()
    {
        ConfigAssert.SingleError("\uFEFFversion: 1\ndiscover: maybe\n", 2, 11, "discover: expected true or false");
        ConfigAssert.SingleError("\uFEFFfoo: 1\nversion: 1\n", 1, 1, "unknown key \"foo\"");
    }

    [Fact]
    public void Validate_DeepNesting_ReportsDepthWithoutCrashing()
    {
        var yaml = "version: 1\nimages:\n  api: " + new string('[', 200) + new string(']', 200) + "\n";

        var error = Assert.Single(ConfigParser.Validate(yaml));

        Assert.Contains("nests deeper than 64 levels", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Validate_VeryDeepFlowNesting_IsRefusedBeforeParsing()
    {
        // YamlDotNet needs about 10 s for 40,000 '[' (quadratic); the pre-scan answers at once.
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        var error = Assert.Single(ConfigParser.Validate("version: 1\nimages: " + new string('[', 1_000_000)));

        Assert.Equal(new SourcePosition(2, 73), new SourcePosition(error.Line, error.Column));
        Assert.Contains("nests deeper than 64 levels", error.Message, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Validate_BracketsInsideValuesAndComments_AreNotCountedAsNesting()
    {
        var brackets = new string('[', 100);
        var pattern = string.Concat(Enumerable.Repeat("[0-9]", 100));
        ConfigAssert.Valid($$"""
            version: 1 # {{brackets}}
            images:
              api:
                repository: ghcr.io/acme/api
                policy: { pattern: '^v{{pattern}}$', order: alphabetical }
                ci: { repository: acme/api, tag: "{sha}", workflow: "{{brackets}}" }
            environments:
              dev:
                pullRequest: { labels: ['{{brackets[..40]}}', "x{{brackets[..40]}}"] }
            """);
    }

    [Fact]
    public void Validate_DeepBlockNesting_ReportsDepth()
    {
        var yaml = "version: 1\nimages:\n" + string.Concat(Enumerable.Range(1, 100).Select(level => new string(' ', level * 2) + "a:\n"));

        var error = Assert.Single(ConfigParser.Validate(yaml));

        Assert.Contains("nests deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SecondDocument_IsRejected()
    {
        ConfigAssert.SingleError("version: 1\n---\nversion: 1\n", 2, 1, "only one YAML document");
    }

    [Fact]
    public void Validate_ExplicitDocumentMarkers_AreAllowed()
    {
        ConfigAssert.Valid("---\nversion: 1\n...\n");
    }

    [Theory]
    [InlineData("version: !!int 1\n", 1, 10, "!!int")]
    [InlineData("version: 1\ndiscover: !custom true\n", 2, 11, "!custom")]
    [InlineData("version: 1\nimages: !!map {}\n", 2, 9, "!!map")]
    public void Validate_Tag_IsRejected(string yaml, int line, int column, string tag)
    {
        ConfigAssert.SingleError(yaml, line, column, $"YAML tags such as {tag} are not supported");
    }

    [Fact]
    public void Validate_MergeKey_IsRejected()
    {
        ConfigAssert.SingleError("""
            version: 1
            environments:
              dev: &dev
                branch: main
              prod:
                <<: *dev
                promoteFrom: dev
            """, 6, 5, "merge keys (<<) are not supported");
    }

    [Fact]
    public void Validate_QuotedMergeKeyText_IsAnOrdinaryUnknownKey()
    {
        ConfigAssert.SingleError("version: 1\n\"<<\": 1\n", 2, 1, "unknown key \"<<\" at the top level");
    }

    [Fact]
    public void Validate_UndefinedAlias_IsReported()
    {
        ConfigAssert.SingleError("version: 1\nenvironments:\n  dev:\n    pullRequest: *defaults\n", 4, 18, "alias *defaults refers to no anchor");
    }

    [Fact]
    public void Validate_ErrorInsideAliasedValue_PointsAtTheAnchoredText()
    {
        var errors = ConfigParser.Validate("""
            version: 1
            environments:
              dev:
                pullRequest: &pr { draft: maybe }
              prod:
                pullRequest: *pr
            """);

        Assert.Equal(2, errors.Count);
        Assert.All(errors, error => Assert.Equal((4, 31), (error.Line, error.Column)));
        Assert.Contains(errors, error => error.Message.StartsWith("environments.dev.pullRequest.draft:", StringComparison.Ordinal));
        Assert.Contains(errors, error => error.Message.StartsWith("environments.prod.pullRequest.draft:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AliasExpansionBomb_IsRejectedQuickly()
    {
        var lines = new List<string> { "version: 1", "x0: &x0 [a, a, a, a, a, a, a, a, a, a]" };
        for (var level = 1; level <= 9; level++)
        {
            lines.Add($"x{level}: &x{level} [{string.Join(", ", Enumerable.Repeat($"*x{level - 1}", 10))}]");
        }

        ConfigAssert.SingleError(string.Join('\n', lines), 3, 10, "aliases expand the file to more than 100000 nodes");
    }

    [Fact]
    public void Validate_ComplexKey_IsRejected()
    {
        ConfigAssert.SingleError("version: 1\n? [a, b]\n: c\n", 2, 3, "keys must be plain strings");
    }

    [Theory]
    [InlineData("version: 1\ndiscover: yes\n", "got \"yes\"")]
    [InlineData("version: 1\ndiscover: 1\n", "got number 1")]
    [InlineData("version: 1\ndiscover: \"true\"\n", "got \"true\"")]
    [InlineData("version: 1\ndiscover: [true]\n", "got a list")]
    [InlineData("version: 1\ndiscover:\n", "got nothing (an empty value)")]
    public void Validate_BooleanOfWrongType_ReportsWhatWasFound(string yaml, string found)
    {
        ConfigAssert.SingleError(yaml, 2, yaml.EndsWith(":\n", StringComparison.Ordinal) ? 1 : 11, "discover: expected true or false", found);
    }

    [Theory]
    [InlineData("True")]
    [InlineData("TRUE")]
    [InlineData("false")]
    public void Validate_CoreSchemaBoolean_IsAccepted(string value)
    {
        ConfigAssert.Valid($"version: 1\ndiscover: {value}\n");
    }

    [Fact]
    public void Validate_VersionQuoted_ReportsNumberExpected()
    {
        ConfigAssert.SingleError("version: \"1\"\n", 1, 10, "version: expected 1 (a number, without quotes); got \"1\"");
    }

    [Fact]
    public void Validate_VersionMissing_IsReportedAndRestStillChecked()
    {
        var errors = ConfigParser.Validate("discover: true\nimages: []\n");

        Assert.Equal(2, errors.Count);
        ConfigAssert.HasError(errors, 1, 1, "missing required key \"version\"");
        ConfigAssert.HasError(errors, 2, 9, "images: expected a mapping; got a list");
    }

    [Fact]
    public void Validate_OtherVersion_ReportsOnlyTheVersion()
    {
        ConfigAssert.SingleError("version: 2\nsomethingNew: true\n", 1, 10, "unsupported version 2", "understands version 1");
    }

    [Fact]
    public void Validate_VersionAsIntegralFloat_IsAcceptedLikeJsonSchema()
    {
        ConfigAssert.Valid("version: 1.0\n");
    }

    [Fact]
    public void Validate_UnknownTopLevelKey_SuggestsClosestKey()
    {
        ConfigAssert.SingleError("version: 1\nimagse: {}\n", 2, 1, "unknown key \"imagse\" at the top level (did you mean \"images\"?)");
    }
}
