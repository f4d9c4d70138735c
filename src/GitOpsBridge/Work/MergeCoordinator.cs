using System.Globalization;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Lifecycle;
using GitOpsBridge.Core.Merging;
using GitOpsBridge.Git;
using GitOpsBridge.GitHub;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>What one merge-policy evaluation of a bridge pull request ended in.</summary>
/// <param name="Status">The outcome's status: done when merged, skipped while the policy is not met or GitHub refused, ignored when the bridge does not merge this pull request.</param>
/// <param name="Code">A stable reason code: <c>merged</c>, <c>merge-policy-not-met</c>, <c>merge-refused</c>, <c>merge-not-configured</c>, <c>github-auto-merge</c>, <c>not-open</c>.</param>
/// <param name="Reason">What happened, naming everything that is missing.</param>
internal sealed record MergeAttempt(DeliveryStatus Status, string Code, string Reason);

/// <summary>
/// Merges the bridge's own pull request when its environment asks for <c>autoMerge</c> but GitHub's
/// native auto-merge is not on for it (the repository does not allow it): once the merge policy
/// holds. The policy's verdict is shown on the head commit as the check run
/// <see cref="MergePolicy.CheckRunName"/>, created or updated in place; holds and freeze windows
/// block merging too. The merge names the evaluated head, so a commit pushed meanwhile is never
/// merged unseen.
/// </summary>
internal sealed partial class MergeCoordinator(IBridgeStore store, IGitHubApi github, IGitWorkspace git, IInstallationTokens tokens, TimeProvider time, ILogger<MergeCoordinator> logger)
{
    public const string Merged = "merged";
    public const string PolicyNotMet = "merge-policy-not-met";
    public const string Refused = "merge-refused";
    public const string NotConfigured = "merge-not-configured";
    public const string GitHubAutoMerge = "github-auto-merge";
    public const string NotOpen = "not-open";

    /// <summary>Evaluates the merge policy of one of the bridge's pull requests, shows it, and merges when it holds.</summary>
    public async Task<MergeAttempt> EvaluateAsync(PullRequestRecord ours, CancellationToken cancellationToken)
    {
        var target = ours.Target;
        var number = ours.Number;
        var repo = await store.GetRepositoryAsync(target.Repository, cancellationToken);
        if (repo?.ConfigYaml is null)
        {
            return new MergeAttempt(DeliveryStatus.Skipped, "invalid-config", $"#{number} is not merged: {target.Repository} has no config");
        }

        RepositoryConfig config;
        try
        {
            config = ConfigParser.Parse(repo.ConfigYaml);
        }
        catch (ConfigException ex)
        {
            return new MergeAttempt(DeliveryStatus.Skipped, "invalid-config", $"#{number} is not merged: the config cannot be read ({ex.Message})");
        }

        if (!config.Environments.TryGetValue(target.Environment, out var env) || (env.PullRequest ?? PullRequestConfig.Default) is not { AutoMerge: { } method } settings)
        {
            return new MergeAttempt(DeliveryStatus.Ignored, NotConfigured, $"environments.{target.Environment}.pullRequest.autoMerge is not set: people merge #{number}");
        }

        var pull = await github.GetPullRequestMergeStateAsync(target.InstallationId, target.Repository, number, cancellationToken);
        if (pull.Merged)
        {
            await MarkMergedAsync(ours, cancellationToken);
            return new MergeAttempt(DeliveryStatus.Done, Merged, $"#{number} is already merged");
        }

        if (pull.State != "open")
        {
            return new MergeAttempt(DeliveryStatus.Ignored, NotOpen, $"#{number} is {pull.State}; nothing to merge");
        }

        if (pull.AutoMergeEnabled)
        {
            return new MergeAttempt(DeliveryStatus.Ignored, GitHubAutoMerge, $"GitHub's auto-merge is on for #{number}: GitHub merges it once its branch protection is satisfied");
        }

        var blockers = await BlockersAsync(ours, config, env, pull, cancellationToken);
        var required = await github.GetRequiredStatusChecksAsync(target.InstallationId, target.Repository, pull.BaseBranch, cancellationToken);
        var runs = await github.ListCheckRunsAsync(target.InstallationId, target.Repository, pull.HeadSha, cancellationToken);
        var statuses = await github.GetCommitStatusesAsync(target.InstallationId, target.Repository, pull.HeadSha, cancellationToken);
        var reviews = await github.ListReviewsAsync(target.InstallationId, target.Repository, number, cancellationToken);

        // The config check judges .github/gitops-bridge.yml, which the bridge's own pull requests never change.
        var checks = runs.Where(r => r.Name != DeliveryProcessor.ConfigCheckName).Select(r => MergeCheck.FromCheckRun(r.Name, r.Status, r.Conclusion))
            .Concat(statuses.Select(s => MergeCheck.FromStatus(s.Context, s.State)));
        var verdict = MergePolicy.Evaluate(checks, reviews.Where(r => r.SubmittedAt is not null).Select(r => new MergeReview(r.Login, r.State, r.SubmittedAt!.Value)),
            settings.MinApprovals, downgrade: false, required, blockers);

        var name = method.ToString().ToLowerInvariant();
        var spec = new CheckRunSpec(target.Repository, MergePolicy.CheckRunName, pull.HeadSha, verdict.Conclusion,
            verdict.Holds ? $"Merging ({name})" : $"Waiting: {verdict.Missing.Count} thing{(verdict.Missing.Count == 1 ? "" : "s")} missing", verdict.Summary, []);
        if (runs.FirstOrDefault(r => r.Name == MergePolicy.CheckRunName) is { } shown)
        {
            await github.UpdateCheckRunAsync(target.InstallationId, target.Repository, shown.Id, spec, cancellationToken);
        }
        else
        {
            await github.CreateCheckRunAsync(target.InstallationId, spec, cancellationToken);
        }

        if (!verdict.Holds)
        {
            Log.PolicyNotMet(logger, number, target.Repository, verdict.Missing.Count);
            return new MergeAttempt(DeliveryStatus.Skipped, PolicyNotMet, $"#{number} is not merged yet; missing: {string.Join("; ", verdict.Missing)}");
        }

        string commit;
        try
        {
            commit = await github.MergePullRequestAsync(target.InstallationId, target.Repository, number, pull.HeadSha, method, cancellationToken);
        }
        catch (GitHubApiException ex) when (ex.StatusCode is 405 or 409)
        {
            // Not mergeable now (a conflict, a protection rule the policy does not know) or the head moved:
            // the next check, status or review event evaluates again.
            Log.MergeRefused(logger, number, ex.StatusCode, ex.Message);
            return new MergeAttempt(DeliveryStatus.Skipped, Refused, $"GitHub refused to merge #{number} ({ex.StatusCode.ToString(CultureInfo.InvariantCulture)}: {ex.Message}); the next event tries again");
        }

        await MarkMergedAsync(ours, cancellationToken);
        Log.Merged(logger, number, target.Repository, name);
        return new MergeAttempt(DeliveryStatus.Done, Merged, $"merged #{number} ({name}) as {commit[..Math.Min(7, commit.Length)]}: the merge policy holds");
    }

    /// <summary>What keeps the bridge from merging whatever the checks and reviews say: a hold, a freeze, a draft, a conflict, a downgrade.</summary>
    private async Task<List<string>> BlockersAsync(PullRequestRecord ours, RepositoryConfig config, EnvironmentConfig env, PullRequestMergeState pull, CancellationToken cancellationToken)
    {
        var target = ours.Target;
        var blockers = new List<string>();
        var controls = await store.GetTargetControlsAsync(target, cancellationToken);
        if (controls.FirstOrDefault(c => c.Kind == TargetControlKinds.Held) is { } hold)
        {
            blockers.Add($"{env.Name} is on hold{(hold.Actor is null ? "" : $" by @{hold.Actor}")} (/gitops-bridge release lets it merge)");
        }

        try
        {
            if (FreezeCalendar.Evaluate(env.Freeze, time.GetUtcNow()) is { Frozen: true } freeze)
            {
                blockers.Add(freeze.EndsAt is { } end
                    ? $"{env.Name} is frozen until {end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC (nothing is merged during a freeze)"
                    : $"{env.Name} is frozen with no end in sight (nothing is merged during a freeze)");
            }
        }
        catch (FreezeCalendarException ex)
        {
            blockers.Add($"environments.{env.Name}.freeze cannot be evaluated ({ex.Message}), so the bridge does not merge");
        }

        if (pull.Draft)
        {
            blockers.Add("it is a draft (mark it ready for review)");
        }

        if (pull.Mergeable == false)
        {
            blockers.Add($"it conflicts with {pull.BaseBranch}");
        }

        var downgrades = await DowngradesAsync(target, config, env, controls, cancellationToken);
        if (downgrades.Count > 0)
        {
            blockers.Add($"it lowers a version ({string.Join(" / ", downgrades)}): a person merges downgrades, or /gitops-bridge pin makes one intentional");
        }

        return blockers;
    }

    /// <summary>The desired versions the pull request carries that are lower than the base now, unless pinned: read from the base's files in the cached clone (no API calls).</summary>
    private async Task<IReadOnlyList<string>> DowngradesAsync(TargetKey target, RepositoryConfig config, EnvironmentConfig env, IReadOnlyList<TargetControl> controls, CancellationToken cancellationToken)
    {
        var proposed = (await store.GetDesiredImagesAsync(target, cancellationToken))
            .Where(d => TargetControls.Declined(controls, d.ImageName, d.Tag, d.Digest) is null)
            .Select(d => new ProposedVersion(
                ImageReference.Parse(d.ImageName + (d.Tag is null ? "" : ":" + d.Tag) + (d.Digest is null ? "" : "@" + d.Digest)),
                controls.Any(c => c.Kind == TargetControlKinds.Pinned && c.ImageName == d.ImageName && c.Tag == d.Tag)))
            .ToList();
        if (proposed.Count == 0)
        {
            return [];
        }

        var token = await tokens.GetAsync(target.InstallationId, cancellationToken);
        var snapshot = await git.FetchAsync(target.Repository, target.BaseBranch, token.Value, cancellationToken);
        return MergeDowngrades.Find(proposed, config, env, snapshot.Files);
    }

    private Task MarkMergedAsync(PullRequestRecord ours, CancellationToken cancellationToken) =>
        ours.State == "merged" ? Task.CompletedTask : store.SetPullRequestAsync(ours with { State = "merged", UpdatedAt = time.GetUtcNow() }, cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = 330, Level = LogLevel.Information, Message = "Pull request #{Number} of {Repository} merged by the bridge ({Method})")]
        public static partial void Merged(ILogger logger, int number, string repository, string method);

        [LoggerMessage(EventId = 331, Level = LogLevel.Information, Message = "Pull request #{Number} of {Repository} not merged: {Missing} thing(s) missing")]
        public static partial void PolicyNotMet(ILogger logger, int number, string repository, int missing);

        [LoggerMessage(EventId = 332, Level = LogLevel.Warning, Message = "GitHub refused to merge pull request #{Number} ({Status}): {Reason}")]
        public static partial void MergeRefused(ILogger logger, int number, int status, string reason);
    }
}
