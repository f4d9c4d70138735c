namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>
/// What decides whether a pull request may merge, beside its git content: commit statuses, reviews,
/// when check runs started and finished, and the required status checks of protected branches.
/// Guarded by <see cref="EmulatorState.Sync"/>.
/// </summary>
internal sealed class MergeBook
{
    /// <summary>Commit statuses, by creation (the latest per context wins, as on GitHub).</summary>
    public List<StatusRecord> Statuses { get; } = [];

    /// <summary>Submitted reviews, by submission.</summary>
    public List<ReviewRecord> Reviews { get; } = [];

    /// <summary>When each check run started and, once completed, finished; plus what else it was created with.</summary>
    public Dictionary<long, CheckRunDetails> CheckRunDetails { get; } = [];

    /// <summary>Required status check contexts by (<c>owner/name</c> lower-cased, branch).</summary>
    public Dictionary<(string Repository, string Branch), List<string>> RequiredContexts { get; } = [];

    /// <summary>The latest status of each context on a commit, oldest context first.</summary>
    public List<StatusRecord> LatestStatuses(HostedRepository repository, string sha) =>
        [.. Statuses.Where(s => s.Repository == repository && s.Sha == sha)
            .GroupBy(s => s.Context, StringComparer.Ordinal)
            .Select(g => g.MaxBy(s => s.Id)!)
            .OrderBy(s => s.Id)];

    /// <summary>GitHub's combined state: failure on any failure or error, pending when nothing or something is pending, else success.</summary>
    public static string CombinedState(IReadOnlyList<StatusRecord> latest) =>
        latest.Any(s => s.State is "failure" or "error") ? "failure"
        : latest.Count == 0 || latest.Any(s => s.State == "pending") ? "pending"
        : "success";

    public IReadOnlyList<string> Required(HostedRepository repository, string branch) =>
        RequiredContexts.TryGetValue((repository.FullName.ToLowerInvariant(), branch), out var contexts) ? contexts : [];
}

/// <summary>A commit status (repos/create-commit-status).</summary>
internal sealed record StatusRecord(long Id, HostedRepository Repository, string Sha, string State, string Context, string? Description, string? TargetUrl, string Creator, DateTimeOffset CreatedAt);

/// <summary>A pull request review; <see cref="State"/> is GitHub's upper-case state (APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED).</summary>
internal sealed record ReviewRecord(long Id, HostedRepository Repository, int Number, string Login, string Body, string CommitId, DateTimeOffset SubmittedAt)
{
    public required string State { get; set; }
}

/// <summary>What a check run was created with beyond <see cref="EmulatedCheckRun"/>.</summary>
internal sealed record CheckRunDetails(DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, string ExternalId, string? DetailsUrl, long CheckSuiteId);
