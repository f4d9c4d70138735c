using GitOpsBridge.Core.Merging;

namespace GitOpsBridge.Core.Tests.Merging;

public sealed class MergePolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 4, 0, 0, TimeSpan.Zero);

    private static MergeReview Review(string login, string state, int minute) => new(login, state, T0.AddMinutes(minute));

    [Fact]
    public void Evaluate_GreenChecksAndEnoughApprovals_Holds()
    {
        var verdict = MergePolicy.Evaluate(
            [MergeCheck.FromCheckRun("build", "completed", "success"), MergeCheck.FromStatus("ci/lint", "success"), MergeCheck.FromCheckRun("docs", "completed", "skipped")],
            [Review("alice", "APPROVED", 1)], minApprovals: 1, downgrade: false);

        Assert.True(verdict.Holds);
        Assert.Empty(verdict.Missing);
        Assert.Equal("success", verdict.Conclusion);
    }

    [Fact]
    public void Evaluate_NoChecksNoApprovalsRequired_Holds()
    {
        Assert.True(MergePolicy.Evaluate([], [], 0, false).Holds);
    }

    [Fact]
    public void Evaluate_RedCheck_BlockedAndNamed()
    {
        var verdict = MergePolicy.Evaluate(
            [MergeCheck.FromCheckRun("build", "completed", "failure"), MergeCheck.FromStatus("ci/lint", "error"), MergeCheck.FromCheckRun("e2e", "in_progress", null)],
            [], 0, false);

        Assert.False(verdict.Holds);
        Assert.Equal(["failing checks: build, ci/lint", "checks still running: e2e"], verdict.Missing);
        Assert.Equal("action_required", verdict.Conclusion);
        Assert.Contains("- failing checks: build, ci/lint", verdict.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_OnlyRunningChecks_NeutralNotBlocked()
    {
        var verdict = MergePolicy.Evaluate([MergeCheck.FromStatus("ci", "pending")], [], 0, false);

        Assert.False(verdict.Holds);
        Assert.False(verdict.Blocked);
        Assert.Equal("neutral", verdict.Conclusion);
    }

    [Fact]
    public void Evaluate_SameContextGreenAndRed_CountsAsRed()
    {
        var verdict = MergePolicy.Evaluate([MergeCheck.FromStatus("ci", "success"), MergeCheck.FromStatus("ci", "failure")], [], 0, false);

        Assert.Equal(["failing checks: ci"], verdict.Missing);
    }

    [Fact]
    public void Evaluate_BridgesOwnPolicyCheckRun_IsIgnored()
    {
        var verdict = MergePolicy.Evaluate([MergeCheck.FromCheckRun(MergePolicy.CheckRunName, "completed", "action_required")], [], 0, false);

        Assert.True(verdict.Holds);
    }

    [Fact]
    public void Evaluate_ChangesRequested_BlockedUntilTheSameReviewerApproves()
    {
        var checks = new[] { MergeCheck.FromCheckRun("build", "completed", "success") };

        var requested = MergePolicy.Evaluate(checks, [Review("bob", "CHANGES_REQUESTED", 1), Review("alice", "APPROVED", 2), Review("bob", "COMMENTED", 3)], 1, false);
        var approved = MergePolicy.Evaluate(checks, [Review("bob", "CHANGES_REQUESTED", 1), Review("bob", "APPROVED", 4)], 1, false);

        Assert.Equal(["changes requested by @bob"], requested.Missing);
        Assert.True(requested.Blocked);
        Assert.True(approved.Holds);
    }

    [Fact]
    public void Evaluate_DismissedApproval_NoLongerCounts()
    {
        var verdict = MergePolicy.Evaluate([], [Review("alice", "APPROVED", 1), Review("alice", "DISMISSED", 2)], 1, false);

        Assert.Equal(["1 more approving review (0 of 1)"], verdict.Missing);
        Assert.Equal("neutral", verdict.Conclusion);
    }

    [Fact]
    public void Evaluate_TwoApprovalsRequiredFromOnePerson_CountsThemOnce()
    {
        var verdict = MergePolicy.Evaluate([], [Review("alice", "APPROVED", 1), Review("ALICE", "APPROVED", 2)], 2, false);

        Assert.Equal(["1 more approving review (1 of 2)"], verdict.Missing);
    }

    [Fact]
    public void Evaluate_Downgrade_NeverHolds()
    {
        var verdict = MergePolicy.Evaluate([], [Review("alice", "APPROVED", 1)], 0, downgrade: true);

        Assert.False(verdict.Holds);
        Assert.True(verdict.Blocked);
        Assert.Equal(["it lowers a version; a person merges downgrades"], verdict.Missing);
    }

    [Fact]
    public void Evaluate_RequiredCheckNotReported_AwaitedNotBlocked()
    {
        var verdict = MergePolicy.Evaluate([MergeCheck.FromCheckRun("build", "completed", "success")], [], 0, false, ["build", "ci/e2e", MergePolicy.CheckRunName], []);

        Assert.False(verdict.Holds);
        Assert.False(verdict.Blocked);
        Assert.Equal(["required checks not reported yet: ci/e2e"], verdict.Missing);
    }

    [Fact]
    public void Evaluate_Blockers_ListedFirstAndBlock()
    {
        var verdict = MergePolicy.Evaluate([], [], 1, false, [], ["the target is on hold"]);

        Assert.False(verdict.Holds);
        Assert.True(verdict.Blocked);
        Assert.Equal(["the target is on hold", "1 more approving review (0 of 1)"], verdict.Missing);
        Assert.Equal("action_required", verdict.Conclusion);
    }

    [Fact]
    public void Evaluate_SameReviewerTwiceInOneSecond_TheLaterListedCounts()
    {
        var verdict = MergePolicy.Evaluate([], [Review("bob", "CHANGES_REQUESTED", 3), Review("bob", "APPROVED", 3)], 1, false);

        Assert.True(verdict.Holds);
    }
}
