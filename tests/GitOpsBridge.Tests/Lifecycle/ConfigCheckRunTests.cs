using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Lifecycle;

/// <summary>
/// The config check on pull requests that change <c>.github/gitops-bridge.yml</c>: a check run with
/// annotated errors, created through the emulator's spec-validated <c>POST …/check-runs</c>.
/// </summary>
public sealed class ConfigCheckRunTests
{
    private const string ConfigPath = ".github/gitops-bridge.yml";

    [SkippableFact]
    public async Task BrokenConfigInAPullRequest_GetsAnAnnotatedFailingCheckRun()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageBackends.SqliteAsync());

        // "files" misspelt on line 9: the environment has an unknown key and no targets.
        var head = await s.GitHub.CommitAsync(LifecycleScenario.Owner, LifecycleScenario.Name, "broken-config",
            new Dictionary<string, string?> { [ConfigPath] = LifecycleScenario.Config.Replace("    files:", "    fles:", StringComparison.Ordinal) });

        var delivery = await s.OpenPullRequestAsync(7, head, "broken");

        Assert.Equal(("done", "config-checked"), LifecycleScenario.StatusOf(delivery));
        var run = Assert.Single(s.GitHub.GetCheckRuns(LifecycleScenario.Owner, LifecycleScenario.Name));
        Assert.Equal(("gitops-bridge / config", head, "completed", "failure"), (run.Name, run.HeadSha, run.Status, run.Conclusion));
        Assert.NotEmpty(run.Annotations);
        Assert.All(run.Annotations, a => Assert.Equal(ConfigPath, a["path"]!.GetValue<string>()));
        Assert.Contains(run.Annotations, a => a["start_line"]!.GetValue<int>() == 9 && a["message"]!.GetValue<string>().Contains("fles", StringComparison.Ordinal));
        s.GitHub.AssertNoSpecViolations();
    }

    [SkippableFact]
    public async Task ValidConfigChange_GetsASuccessfulCheckRun_AndOtherChangesNone()
    {
        await using var s = await LifecycleScenario.StartAsync(await StorageBackends.SqliteAsync());
        var valid = await s.GitHub.CommitAsync(LifecycleScenario.Owner, LifecycleScenario.Name, "valid-config",
            new Dictionary<string, string?> { [ConfigPath] = LifecycleScenario.Config + "\n    pullRequest: { labels: [env/dev] }\n" });
        var other = await s.GitHub.CommitAsync(LifecycleScenario.Owner, LifecycleScenario.Name, "other-change",
            new Dictionary<string, string?> { ["README.md"] = "hello\n" });

        var checkedDelivery = await s.OpenPullRequestAsync(8, valid, "valid");
        var ignored = await s.OpenPullRequestAsync(9, other, "other");

        Assert.Equal(("done", "config-checked"), LifecycleScenario.StatusOf(checkedDelivery));
        Assert.Equal(("ignored", "config-unchanged"), LifecycleScenario.StatusOf(ignored));
        var run = Assert.Single(s.GitHub.GetCheckRuns(LifecycleScenario.Owner, LifecycleScenario.Name));
        Assert.Equal((valid, "success"), (run.HeadSha, run.Conclusion));
        Assert.Empty(run.Annotations);
        s.GitHub.AssertNoSpecViolations();
    }
}
