namespace GitOpsBridge.Core.Merging;

/// <summary>Where one check of the pull request's head commit stands.</summary>
public enum MergeCheckState
{
    /// <summary>Finished well: success, neutral or skipped.</summary>
    Passed,

    /// <summary>Queued, running, or a commit status still pending.</summary>
    Pending,

    /// <summary>Finished badly: failure, error, cancelled, timed out, action required, stale.</summary>
    Failed,
}

/// <summary>One check of the head commit: a check run or a commit status context.</summary>
/// <param name="Name">The check run's name or the status's context.</param>
/// <param name="State">Where it stands.</param>
public sealed record MergeCheck(string Name, MergeCheckState State)
{
    /// <summary>A check run, from its <c>status</c> and <c>conclusion</c> as the REST API gives them.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="status"><c>queued</c>, <c>in_progress</c>, <c>completed</c>, …</param>
    /// <param name="conclusion">Set once completed.</param>
    /// <returns>The check.</returns>
    public static MergeCheck FromCheckRun(string name, string status, string? conclusion) => new(name,
        status != "completed" ? MergeCheckState.Pending
        : conclusion is "success" or "neutral" or "skipped" ? MergeCheckState.Passed
        : MergeCheckState.Failed);

    /// <summary>A commit status, from its <c>state</c>.</summary>
    /// <param name="context">Its context.</param>
    /// <param name="state"><c>success</c>, <c>pending</c>, <c>failure</c> or <c>error</c>.</param>
    /// <returns>The check.</returns>
    public static MergeCheck FromStatus(string context, string state) => new(context, state switch
    {
        "success" => MergeCheckState.Passed,
        "pending" => MergeCheckState.Pending,
        _ => MergeCheckState.Failed,
    });
}

/// <summary>One submitted review.</summary>
/// <param name="Login">Who submitted it.</param>
/// <param name="State"><c>APPROVED</c>, <c>CHANGES_REQUESTED</c>, <c>COMMENTED</c>, <c>DISMISSED</c> (as the REST API spells it).</param>
/// <param name="SubmittedAt">When.</param>
public sealed record MergeReview(string Login, string State, DateTimeOffset SubmittedAt);

/// <summary>What the bridge's merge-policy check run shows.</summary>
/// <param name="Holds">The bridge may merge now.</param>
/// <param name="Missing">What is missing, one sentence each; empty when it holds.</param>
/// <param name="Blocked">
/// Something must change before it can hold (a failed check, a review requesting changes, a
/// downgrade) rather than merely finish (checks running, approvals still to come): the check run's
/// conclusion is then <c>action_required</c> instead of <c>neutral</c>.
/// </param>
public sealed record MergePolicyVerdict(bool Holds, IReadOnlyList<string> Missing, bool Blocked)
{
    /// <summary>The check run conclusion for a policy that does not hold.</summary>
    public string Conclusion => Holds ? "success" : Blocked ? "action_required" : "neutral";

    /// <summary>The check run's summary (Markdown).</summary>
    public string Summary => Holds
        ? "The merge policy holds: checks are green, approvals are in and nothing requests changes."
        : "The bridge merges this pull request once its merge policy holds. Missing:\n\n" + string.Join("\n", Missing.Select(m => $"- {m}"));
}

/// <summary>
/// The bridge's own merge policy, for repositories that do not allow GitHub's auto-merge: every
/// check of the head commit green, no reviewer's latest review requesting changes, at least the
/// configured number of approvals, and no downgrade. Pure: the shell fetches the inputs.
/// </summary>
public static class MergePolicy
{
    /// <summary>The name of the check run the bridge shows the policy in; it is not one of the checks it waits for.</summary>
    public const string CheckRunName = "gitops-bridge / merge policy";

    /// <summary>Evaluates the policy.</summary>
    /// <param name="checks">Check runs and commit statuses of the head commit (the bridge's own policy check run is ignored).</param>
    /// <param name="reviews">All submitted reviews, in the order GitHub lists them (submission order; it breaks ties of time).</param>
    /// <param name="minApprovals">Approvals required (0 for none).</param>
    /// <param name="downgrade">Whether the pull request lowers a version (a person must merge that).</param>
    /// <returns>The verdict.</returns>
    public static MergePolicyVerdict Evaluate(IEnumerable<MergeCheck> checks, IEnumerable<MergeReview> reviews, int minApprovals, bool downgrade) =>
        Evaluate(checks, reviews, minApprovals, downgrade, [], []);

    /// <summary>Evaluates the policy with the base branch's required checks and other reasons not to merge.</summary>
    /// <param name="checks">Check runs and commit statuses of the head commit (the bridge's own policy check run is ignored).</param>
    /// <param name="reviews">All submitted reviews, in the order GitHub lists them (submission order; it breaks ties of time).</param>
    /// <param name="minApprovals">Approvals required (0 for none).</param>
    /// <param name="downgrade">Whether the pull request lowers a version (a person must merge that).</param>
    /// <param name="requiredChecks">
    /// The base branch protection's required status check contexts: one that has not reported on the
    /// head commit yet is awaited, since GitHub would refuse the merge without it.
    /// </param>
    /// <param name="blockers">Other reasons, one sentence each, that keep the bridge from merging until something changes (a hold, a freeze, a draft, a conflict).</param>
    /// <returns>The verdict.</returns>
    public static MergePolicyVerdict Evaluate(
        IEnumerable<MergeCheck> checks, IEnumerable<MergeReview> reviews, int minApprovals, bool downgrade, IReadOnlyCollection<string> requiredChecks, IReadOnlyList<string> blockers)
    {
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentNullException.ThrowIfNull(requiredChecks);
        ArgumentNullException.ThrowIfNull(blockers);
        var missing = new List<string>(blockers);
        var blocked = blockers.Count > 0;

        // A context reported twice (a re-run) counts by its worst state, so a stale green never hides a red.
        var byName = checks.Where(c => c.Name != CheckRunName)
            .GroupBy(c => c.Name, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, State: g.Max(c => c.State)))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        var failed = byName.Where(c => c.State == MergeCheckState.Failed).Select(c => c.Name).ToList();
        var pending = byName.Where(c => c.State == MergeCheckState.Pending).Select(c => c.Name).ToList();
        if (failed.Count > 0)
        {
            missing.Add($"failing checks: {string.Join(", ", failed)}");
            blocked = true;
        }

        if (pending.Count > 0)
        {
            missing.Add($"checks still running: {string.Join(", ", pending)}");
        }

        var unreported = requiredChecks.Where(r => r != CheckRunName && byName.All(c => c.Name != r)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (unreported.Count > 0)
        {
            missing.Add($"required checks not reported yet: {string.Join(", ", unreported)}");
        }

        // A reviewer's latest approving or change-requesting review is their word; comments do not
        // change it and a dismissal withdraws it, as on GitHub.
        // GitHub gives times to the second, so two reviews of one person can tie: the later listed
        // (GitHub lists them in submission order) is the newer.
        var latest = reviews.Select((r, i) => (Review: r, Order: i))
            .Where(r => r.Review.State is "APPROVED" or "CHANGES_REQUESTED" or "DISMISSED")
            .GroupBy(r => r.Review.Login, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.MaxBy(r => (r.Review.SubmittedAt, r.Order)).Review)
            .ToList();
        var requesting = latest.Where(r => r.State == "CHANGES_REQUESTED").Select(r => "@" + r.Login).Order(StringComparer.Ordinal).ToList();
        if (requesting.Count > 0)
        {
            missing.Add($"changes requested by {string.Join(", ", requesting)}");
            blocked = true;
        }

        var approvals = latest.Count(r => r.State == "APPROVED");
        if (approvals < minApprovals)
        {
            missing.Add($"{minApprovals - approvals} more approving review{(minApprovals - approvals == 1 ? "" : "s")} ({approvals} of {minApprovals})");
        }

        if (downgrade)
        {
            missing.Add("it lowers a version; a person merges downgrades");
            blocked = true;
        }

        return new MergePolicyVerdict(missing.Count == 0, missing, blocked);
    }
}
