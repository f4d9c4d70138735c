using System.Text.Json;
using GitOpsBridge.Core.Merging;
using GitOpsBridge.GitHub;
using GitOpsBridge.Secrets;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>
/// Events that can change whether a bridge pull request may merge: a check run or check suite
/// completing, a commit status, a review submitted or dismissed. Each one about one of the bridge's
/// open pull requests runs the <see cref="MergeCoordinator"/>; every other one is stored as not ours.
/// </summary>
internal sealed partial class DeliveryProcessor
{
    /// <summary>Right after the reconciler published a pull request whose repository refused GitHub's auto-merge: the bridge's own policy, as a clause for the outcome.</summary>
    internal async Task<string> MergeAfterPublishAsync(TargetKey target, CancellationToken cancellationToken)
    {
        if (await store.GetPullRequestAsync(target, cancellationToken) is not { State: "open" } ours)
        {
            return "";
        }

        try
        {
            var attempt = await merges.EvaluateAsync(ours, cancellationToken);
            return attempt.Code == MergeCoordinator.Merged ? $"; {attempt.Reason}" : $"; the bridge merges it once its merge policy holds ({attempt.Reason})";
        }
        catch (Exception ex) when (ex is GitHubApiException or GitHubRateLimitedException)
        {
            // The pull request is published; failing here would only rebuild it. The next check,
            // status or review event evaluates the policy again.
            return $"; the bridge merges it once its merge policy holds (not evaluated now: {ex.Message})";
        }
    }

    private async Task ProcessCheckRunAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        var run = root.TryGetProperty("check_run", out var r) ? r : default;
        var name = Text(run, "name");
        var app = run.ValueKind == JsonValueKind.Object && run.TryGetProperty("app", out var a) ? Text(a, "slug") : null;
        var slug = await secrets.GetAsync(SecretKeys.AppSlug, cancellationToken);

        // The bridge's own check runs: updating the policy check would otherwise evaluate it again, forever.
        if (name is MergePolicy.CheckRunName or ConfigCheckName || (slug is not null && app == slug))
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "own-check-run", $"check run '{name}' is the bridge's own", cancellationToken);
            return;
        }

        var suite = run.ValueKind == JsonValueKind.Object && run.TryGetProperty("check_suite", out var s) ? s : default;
        await MergeOnEventAsync(deliveryId, installationId, root, Numbers(run), [Text(suite, "head_branch")], $"check run '{name}' {Text(run, "conclusion") ?? Text(run, "status")}", cancellationToken);
    }

    /// <summary>A completed check suite on one of the bridge's pull requests; false when it is on none, for the CI-run path.</summary>
    private async Task<bool> TryMergeOnCheckSuiteAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        var suite = root.TryGetProperty("check_suite", out var s) ? s : default;
        var repository = root.TryGetProperty("repository", out var r) ? Text(r, "full_name") : null;
        var ours = repository is null ? [] : await FindOpenPullRequestsAsync(installationId, repository, Numbers(suite), [Text(suite, "head_branch")], cancellationToken);
        if (ours.Count == 0)
        {
            return false;
        }

        await MergeFoundAsync(deliveryId, ours, $"check suite {Text(suite, "conclusion")}", cancellationToken);
        return true;
    }

    private async Task ProcessStatusAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        var branches = root.TryGetProperty("branches", out var b) && b.ValueKind == JsonValueKind.Array ? b.EnumerateArray().Select(x => Text(x, "name")).ToList() : [];
        await MergeOnEventAsync(deliveryId, installationId, root, [], branches, $"status '{Text(root, "context")}' {Text(root, "state")}", cancellationToken);
    }

    private async Task ProcessPullRequestReviewAsync(string deliveryId, long installationId, JsonElement root, string action, CancellationToken cancellationToken)
    {
        var pr = root.TryGetProperty("pull_request", out var p) ? p : default;
        var review = root.TryGetProperty("review", out var rv) ? rv : default;
        var number = pr.ValueKind == JsonValueKind.Object && pr.TryGetProperty("number", out var n) && n.TryGetInt32(out var value) ? value : 0;
        await MergeOnEventAsync(deliveryId, installationId, root, number > 0 ? [number] : [], [],
            $"review {action} ({Text(review, "state")?.ToUpperInvariant() ?? "?"})", cancellationToken);
    }

    /// <summary>Evaluates the merge policy of each of the bridge's open pull requests the event names, and stores an outcome for each.</summary>
    private async Task MergeOnEventAsync(string deliveryId, long installationId, JsonElement root, IReadOnlyList<int> numbers, IReadOnlyList<string?> branches, string what, CancellationToken cancellationToken)
    {
        var repository = root.TryGetProperty("repository", out var r) ? Text(r, "full_name") : null;
        var ours = repository is null ? [] : await FindOpenPullRequestsAsync(installationId, repository, numbers, branches, cancellationToken);
        if (ours.Count == 0)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "not-ours", $"{what}: not on one of the bridge's open pull requests", cancellationToken);
            return;
        }

        await MergeFoundAsync(deliveryId, ours, what, cancellationToken);
    }

    /// <summary>Evaluates the merge policy of each pull request found for an event, and stores an outcome for each.</summary>
    private async Task MergeFoundAsync(string deliveryId, IReadOnlyList<PullRequestRecord> ours, string what, CancellationToken cancellationToken)
    {
        var attempts = new List<MergeAttempt>();
        foreach (var pullRequest in ours)
        {
            var attempt = await merges.EvaluateAsync(pullRequest, cancellationToken);
            attempts.Add(attempt);
            await store.AddTargetOutcomeAsync(deliveryId, new TargetOutcome(pullRequest.Target.Repository, pullRequest.Target.Environment, attempt.Status, attempt.Code,
                $"{what}: {attempt.Reason}", pullRequest.Number, pullRequest.Url, attempt.Code == MergeCoordinator.Merged ? "merged" : null), cancellationToken);
        }

        if (attempts.All(a => a.Status == DeliveryStatus.Ignored))
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, attempts[0].Code, $"{what}: {attempts[0].Reason}", cancellationToken);
            return;
        }

        await SettleAsync(deliveryId, cancellationToken);
    }

    /// <summary>The bridge's open pull requests of the installation in a repository, by number or by head branch.</summary>
    private async Task<List<PullRequestRecord>> FindOpenPullRequestsAsync(long installationId, string repository, IReadOnlyList<int> numbers, IReadOnlyList<string?> branches, CancellationToken cancellationToken)
    {
        var found = new List<PullRequestRecord>();
        foreach (var number in numbers.Distinct())
        {
            if (await store.FindPullRequestAsync(repository, number, cancellationToken) is { State: "open" } pr && pr.Target.InstallationId == installationId)
            {
                found.Add(pr);
            }
        }

        // A check or status of another app may name no pull request; its branch does.
        var names = branches.Where(b => !string.IsNullOrEmpty(b)).ToHashSet(StringComparer.Ordinal);
        if (found.Count == 0 && names.Count > 0)
        {
            found.AddRange((await store.ListPullRequestsAsync("open", cancellationToken)).Where(p =>
                p.Target.InstallationId == installationId && string.Equals(p.Target.Repository, repository, StringComparison.OrdinalIgnoreCase) && names.Contains(p.HeadBranch)));
        }

        return found;
    }

    /// <summary>The numbers of a check run's or check suite's <c>pull_requests</c>.</summary>
    private static List<int> Numbers(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("pull_requests", out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(p => p.TryGetProperty("number", out var n) && n.TryGetInt32(out var value) ? value : 0).Where(n => n > 0)]
            : [];
}
