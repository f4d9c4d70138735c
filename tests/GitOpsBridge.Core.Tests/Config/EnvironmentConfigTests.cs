using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Tests.Config;

public sealed class EnvironmentConfigTests
{
    private static string Env(string body) => $"version: 1\nenvironments:\n  dev:\n{body}";

    private static EnvironmentConfig Parse(string body) => ConfigParser.Parse(Env(body)).Environments["dev"];

    [Theory]
    [InlineData("dev")]
    [InlineData("prod-eu-1")]
    [InlineData("1")]
    public void Validate_EnvironmentName_IsAccepted(string name)
    {
        ConfigAssert.Valid($"version: 1\nenvironments:\n  {name}: {{}}\n");
    }

    [Theory]
    [InlineData("Dev")]
    [InlineData("dev_1")]
    [InlineData("-dev")]
    [InlineData("dev-")]
    [InlineData("dev.eu")]
    public void Validate_BadEnvironmentName_IsRejectedAtTheKey(string name)
    {
        ConfigAssert.SingleError($"version: 1\nenvironments:\n  \"{name}\": {{}}\n", 3, 3, "invalid environment name");
    }

    [Fact]
    public void Validate_EnvironmentNameOf64Characters_IsRejected()
    {
        ConfigAssert.SingleError($"version: 1\nenvironments:\n  {new string('a', 64)}: {{}}\n", 3, 3, "at most 63 characters");
    }

    [Fact]
    public void Validate_UnknownEnvironmentKey_SuggestsClosest()
    {
        ConfigAssert.SingleError(Env("    brnach: main\n"), 4, 5, "unknown key \"brnach\" in environments.dev (did you mean \"branch\"?)");
    }

    [Theory]
    [InlineData("main")]
    [InlineData("release/1.x")]
    [InlineData("users/alice/fix-1")]
    public void Parse_Branch_IsBound(string branch)
    {
        Assert.Equal(branch, Parse($"    branch: {branch}\n").Branch);
    }

    [Theory]
    [InlineData("refs/heads/../x")]
    [InlineData("feature//x")]
    [InlineData("x.lock")]
    [InlineData("a:b")]
    [InlineData("@")]
    [InlineData("a@{1}")]
    [InlineData(".hidden")]
    public void Validate_BadBranch_IsRejected(string branch)
    {
        ConfigAssert.SingleError(Env($"    branch: \"{branch}\"\n"), 4, 13, "environments.dev.branch:", "is not a valid branch name");
    }

    [Fact]
    public void Validate_BranchAsNumber_AsksForQuotes()
    {
        ConfigAssert.SingleError(Env("    branch: 2024\n"), 4, 13, "environments.dev.branch: expected a string; got number 2024 (quote it, \"2024\"");
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172_800)]
    [InlineData("1d2h3m4s", 93_784)]
    [InlineData("90m", 5400)]
    [InlineData("0s", 0)]
    public void Parse_BatchWindow_ParsesDuration(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Parse($"    batchWindow: {text}\n").BatchWindow);
    }

    [Theory]
    [InlineData(30, "30s")]
    [InlineData(5400, "1h30m")]
    [InlineData(93_784, "1d2h3m4s")]
    [InlineData(0, "0s")]
    public void Format_Duration_WritesItAsTheFileDoesAndParsesBack(int seconds, string text)
    {
        Assert.Equal(text, DurationSyntax.Format(TimeSpan.FromSeconds(seconds)));
        Assert.True(DurationSyntax.TryParse(text, out var parsed));
        Assert.Equal(TimeSpan.FromSeconds(seconds), parsed);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("1.5")]
    public void Validate_DurationWithoutUnit_AsksForUnit(string text)
    {
        ConfigAssert.SingleError(Env($"    batchWindow: {text}\n"), 4, 18, "environments.dev.batchWindow: expected a duration such as 30s, 10m or 1h30m; got number", "add a unit");
    }

    [Theory]
    [InlineData("30 m")]
    [InlineData("30min")]
    [InlineData("30m1h")]
    [InlineData("1h1h")]
    [InlineData("-5m")]
    [InlineData("PT30M")]
    [InlineData("1.5h")]
    [InlineData("h")]
    public void Validate_BadDuration_IsRejected(string text)
    {
        ConfigAssert.SingleError(Env($"    batchWindow: \"{text}\"\n"), 4, 18, "environments.dev.batchWindow: expected a duration", "in that order");
    }

    [Fact]
    public void Validate_DurationTooLongForTimeSpan_IsRejected()
    {
        ConfigAssert.SingleError(Env("    batchWindow: 99999999999d\n"), 4, 18, "duration \"99999999999d\" is too long");
    }

    [Fact]
    public void Validate_SoakWithoutPromoteFrom_IsRejected()
    {
        ConfigAssert.SingleError(Env("    soak: 30m\n"), 4, 5, "environments.dev.soak: only allowed together with promoteFrom");
    }

    [Theory]
    [InlineData("git", CommitMode.Git)]
    [InlineData("api", CommitMode.Api)]
    public void Parse_CommitMode_IsBound(string text, CommitMode expected)
    {
        Assert.Equal(expected, Parse($"    commit: {text}\n").Commit);
    }

    [Fact]
    public void Validate_FilesAsMapping_IsRejected()
    {
        ConfigAssert.SingleError(Env("    files: { path: a.yaml }\n"), 4, 12, "environments.dev.files: expected a list of file targets; got a mapping");
    }

    [Fact]
    public void Validate_EnvironmentAsList_IsRejected()
    {
        ConfigAssert.SingleError("version: 1\nenvironments:\n  dev: [main]\n", 3, 8, "environments.dev: expected a mapping; got a list");
    }

    [Fact]
    public void Parse_FreezeWindow_AppliesDefaults()
    {
        var window = Assert.Single(Parse("    freeze: [{}]\n").Freeze);

        Assert.Equal(7, window.Days.Count);
        Assert.Equal(DayOfWeek.Monday, window.Days[0]);
        Assert.Equal(DayOfWeek.Sunday, window.Days[6]);
        Assert.Equal(TimeOnly.MinValue, window.Start);
        Assert.Equal(TimeOnly.MaxValue, window.End);
        Assert.Equal("UTC", window.TimeZone);
    }

    [Fact]
    public void Parse_FreezeWindow_BindsDaysInWeekOrder()
    {
        var window = Assert.Single(Parse("    freeze: [{ days: [sun, mon], start: \"8:30\", end: \"17:00\", timeZone: Etc/GMT+5 }]\n").Freeze);

        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Sunday], window.Days);
        Assert.Equal(new TimeOnly(8, 30), window.Start);
        Assert.Equal(new TimeOnly(17, 0), window.End);
        Assert.Equal("Etc/GMT+5", window.TimeZone);
    }

    [Fact]
    public void Validate_UnquotedTimes_AreStrings()
    {
        // In YAML 1.2 an unquoted 09:00 is a string (YAML 1.1 read it as a base-60 number).
        Assert.Equal(new TimeOnly(9, 0), Assert.Single(Parse("    freeze: [{ start: 09:00, end: 18:00 }]\n").Freeze).Start);
    }

    [Theory]
    [InlineData("{ days: [saturday] }", "saturday", "environments.dev.freeze[0].days[0]: expected one of mon, tue, wed, thu, fri, sat, sun; got \"saturday\"")]
    [InlineData("{ days: [] }", "[]", "environments.dev.freeze[0].days: must not be an empty list")]
    [InlineData("{ days: [mon, mon] }", "mon]", "environments.dev.freeze[0].days[1]: duplicate entry \"mon\"")]
    [InlineData("{ start: \"25:00\" }", "\"25", "environments.dev.freeze[0].start: expected a time HH:MM")]
    [InlineData("{ start: \"8\" }", "\"8", "expected a time HH:MM")]
    [InlineData("{ start: \"24:00\" }", "\"24", "24:00 can only end a window")]
    [InlineData("{ start: \"18:00\", end: \"08:00\" }", "\"08", "environments.dev.freeze[0].end: must be later than start (18:00); a window that spans midnight is written as two windows")]
    [InlineData("{ start: \"08:00\", end: \"08:00\" }", "\"08:00\" }", "must be later than start")]
    [InlineData("{ timeZone: \"Europe Berlin\" }", "\"Europe", "environments.dev.freeze[0].timeZone: expected an IANA time zone")]
    [InlineData("{ from: \"08:00\" }", "from", "unknown key \"from\" in environments.dev.freeze[0]")]
    public void Validate_BadFreezeWindow_IsRejected(string window, string marker, string message)
    {
        ConfigAssert.SingleErrorAt(Env($"    freeze: [{window}]\n"), 4, marker, message);
    }

    [Fact]
    public void Validate_FreezeEndBeforeDefaultStart_ReportsAtEnd()
    {
        ConfigAssert.SingleErrorAt(Env("    freeze:\n      - end: \"00:00\"\n"), 5, "\"00", "must be later than start (00:00)");
    }

    [Fact]
    public void Validate_FreezeAsMapping_IsRejected()
    {
        ConfigAssert.SingleError(Env("    freeze: { days: [sat] }\n"), 4, 13, "environments.dev.freeze: expected a list of freeze windows; got a mapping");
    }

    [Fact]
    public void Parse_PullRequest_SplitsUsersAndTeams()
    {
        var pullRequest = Parse("    pullRequest: { reviewers: [alice, acme/sre, Bob-2, acme/platform.team] }\n").PullRequest!;

        Assert.Equal(["alice", "Bob-2"], pullRequest.Reviewers);
        Assert.Equal(["acme/sre", "acme/platform.team"], pullRequest.TeamReviewers);
    }

    [Theory]
    [InlineData("merge", MergeMethod.Merge)]
    [InlineData("squash", MergeMethod.Squash)]
    [InlineData("rebase", MergeMethod.Rebase)]
    public void Parse_AutoMerge_IsBound(string text, MergeMethod expected)
    {
        Assert.Equal(expected, Parse($"    pullRequest: {{ autoMerge: {text} }}\n").PullRequest!.AutoMerge);
    }

    [Theory]
    [InlineData("{ autoMerge: fast-forward }", "fast", "environments.dev.pullRequest.autoMerge: expected one of merge, squash, rebase; got \"fast-forward\"")]
    [InlineData("{ autoMerge: squash, draft: true }", "autoMerge", "environments.dev.pullRequest.autoMerge: cannot be combined with draft: true")]
    [InlineData("{ labels: env/dev }", "env/dev", "environments.dev.pullRequest.labels: expected a list; got \"env/dev\" (for a single entry write [env/dev])")]
    [InlineData("{ labels: [a, a] }", "a]", "environments.dev.pullRequest.labels[1]: duplicate entry \"a\"")]
    [InlineData("{ labels: [\"\"] }", "\"\"", "environments.dev.pullRequest.labels[0]: must not be empty")]
    [InlineData("{ reviewers: [\"@alice\"] }", "\"@", "environments.dev.pullRequest.reviewers[0]: write \"alice\" without '@'")]
    [InlineData("{ reviewers: [alice, ALICE] }", "ALICE", "environments.dev.pullRequest.reviewers[1]: duplicate entry \"ALICE\"")]
    [InlineData("{ reviewers: [\"acme/sre/x\"] }", "\"acme", "expected a GitHub login (alice) or a team as org/team-slug (acme/sre)")]
    [InlineData("{ minApprovals: -1 }", "-1", "environments.dev.pullRequest.minApprovals: expected a whole number from 0 to 100; got number -1")]
    [InlineData("{ minApprovals: 101 }", "101", "expected a whole number from 0 to 100")]
    [InlineData("{ minApprovals: 1.5 }", "1.5", "expected a whole number from 0 to 100")]
    [InlineData("{ minApprovals: \"2\" }", "\"2\"", "expected a whole number from 0 to 100; got \"2\"")]
    [InlineData("{ draft: no }", "no", "environments.dev.pullRequest.draft: expected true or false; got \"no\"")]
    [InlineData("{ reviewer: [alice] }", "reviewer", "unknown key \"reviewer\" in environments.dev.pullRequest (did you mean \"reviewers\"?)")]
    public void Validate_BadPullRequest_IsRejected(string pullRequest, string marker, string message)
    {
        ConfigAssert.SingleErrorAt(Env($"    pullRequest: {pullRequest}\n"), 4, marker, message);
    }

    [Fact]
    public void Validate_LabelOver50Characters_IsRejected()
    {
        ConfigAssert.SingleError(Env($"    pullRequest: {{ labels: [{new string('l', 51)}] }}\n"), 4, 29, "longer than GitHub's 50 characters");
    }

    [Theory]
    [InlineData("pullRequest: null", "got null")]
    [InlineData("pullRequest: draft", "got \"draft\"")]
    [InlineData("pullRequest: []", "got a list")]
    public void Validate_PullRequestOfWrongType_IsRejected(string line, string found)
    {
        ConfigAssert.SingleError(Env($"    {line}\n"), 4, 18, "environments.dev.pullRequest: expected false, true or a mapping", found);
    }

    [Fact]
    public void Parse_MinApprovals_IsBound()
    {
        Assert.Equal(2, Parse("    pullRequest: { minApprovals: 2 }\n").PullRequest!.MinApprovals);
    }
}
