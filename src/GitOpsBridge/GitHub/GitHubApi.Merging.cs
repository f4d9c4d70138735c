using System.Globalization;
using GitOpsBridge.Core.Config;

namespace GitOpsBridge.GitHub;

/// <summary>What the bridge reads to decide whether it may merge its pull request, and the merge itself.</summary>
public sealed partial class GitHubApi
{
    /// <summary>Check runs and statuses read per commit at most, in pages of <see cref="PageSize"/>.</summary>
    private const int MaxCheckPages = 5;

    /// <inheritdoc />
    public async Task<PullRequestMergeState> GetPullRequestMergeStateAsync(long installationId, string repository, int number, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        var path = $"{RepositoryPath(repository)}/pulls/{number.ToString(CultureInfo.InvariantCulture)}";
        var pull = (await SendAsync(installationId, "GET", path, c => c.Get<PullBody>(Relative(path), null, Json, ct), ct).ConfigureAwait(false)).Body;
        return new PullRequestMergeState(pull.Number, pull.State ?? "open", pull.Merged, pull.Draft, pull.Mergeable, pull.Head?.Sha ?? "", pull.Base?.Ref ?? "", pull.AutoMerge is not null);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetRequiredStatusChecksAsync(long installationId, string repository, string branch, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(branch);

        // https://docs.github.com/en/rest/branches/branches#get-a-branch: readable with contents: read,
        // unlike the protection endpoints, which need administration.
        var path = $"{RepositoryPath(repository)}/branches/{Segments(branch)}";
        try
        {
            var body = (await SendAsync(installationId, "GET", path, c => c.Get<BranchBody>(Relative(path), null, Json, ct), ct).ConfigureAwait(false)).Body;
            return body.Protection?.RequiredStatusChecks?.Contexts ?? [];
        }
        catch (GitHubApiException exception) when (exception.StatusCode == 404)
        {
            return [];
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CheckRunInfo>> ListCheckRunsAsync(long installationId, string repository, string sha, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        var runs = await GetPagesAsync<CheckRunsPage, CheckRunItem>(
            installationId, $"{RepositoryPath(repository)}/commits/{Uri.EscapeDataString(sha)}/check-runs", page => page.CheckRuns ?? [], page => false, MaxCheckPages, ct).ConfigureAwait(false);
        return [.. runs.Select(r => new CheckRunInfo(r.Id, r.Name ?? "", r.Status ?? "queued", r.Conclusion))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CommitStatusInfo>> GetCommitStatusesAsync(long installationId, string repository, string sha, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);

        // The combined status holds the latest status of each context.
        var statuses = await GetPagesAsync<CombinedStatusBody, StatusItem>(
            installationId, $"{RepositoryPath(repository)}/commits/{Uri.EscapeDataString(sha)}/status", page => page.Statuses ?? [], page => false, MaxCheckPages, ct).ConfigureAwait(false);
        return [.. statuses.Select(s => new CommitStatusInfo(s.Context ?? "default", s.State ?? "pending"))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReviewInfo>> ListReviewsAsync(long installationId, string repository, int number, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        var reviews = await GetPagesAsync<List<ReviewItem>, ReviewItem>(
            installationId, $"{RepositoryPath(repository)}/pulls/{number.ToString(CultureInfo.InvariantCulture)}/reviews", page => page, page => false, MaxCheckPages, ct).ConfigureAwait(false);
        return [.. reviews.Select(r => new ReviewInfo(r.User?.Login ?? "", r.State ?? "COMMENTED", r.SubmittedAt))];
    }

    /// <inheritdoc />
    public async Task UpdateCheckRunAsync(long installationId, string repository, long checkRunId, CheckRunSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);

        // https://docs.github.com/en/rest/checks/runs#update-a-check-run; the policy check carries no annotations.
        var path = $"{RepositoryPath(repository)}/check-runs/{checkRunId.ToString(CultureInfo.InvariantCulture)}";
        var body = new { name = spec.Name, status = "completed", conclusion = spec.Conclusion, output = new { title = spec.Title, summary = spec.Summary } };
        await SendAsync(installationId, "PATCH", path, c => c.Patch<CheckRunBody>(Relative(path), body, Json), ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string> MergePullRequestAsync(long installationId, string repository, int number, string headSha, MergeMethod method, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(headSha);

        // https://docs.github.com/en/rest/pulls/pulls#merge-a-pull-request: sha makes it a compare-and-swap,
        // so a commit pushed after the policy was evaluated is never merged unseen (409).
        var path = $"{RepositoryPath(repository)}/pulls/{number.ToString(CultureInfo.InvariantCulture)}/merge";
        var body = new { merge_method = method.ToString().ToLowerInvariant(), sha = headSha };
        var response = await SendAsync(installationId, "PUT", path, c => c.Put<MergeBody>(Relative(path), body, null, Json), ct).ConfigureAwait(false);
        return response.Body.Sha ?? "";
    }

    // The parts of GitHub's bodies the bridge reads; Octokit's serializer fills them by snake_case name.
    private sealed class PullBody
    {
        public int Number { get; private set; }

        public string? State { get; private set; }

        public bool Merged { get; private set; }

        public bool Draft { get; private set; }

        public bool? Mergeable { get; private set; }

        public BranchRef? Head { get; private set; }

        public BranchRef? Base { get; private set; }

        public AutoMergeBody? AutoMerge { get; private set; }
    }

    private sealed class BranchRef
    {
        public string? Ref { get; private set; }

        public string? Sha { get; private set; }
    }

    private sealed class AutoMergeBody
    {
        public string? MergeMethod { get; private set; }
    }

    private sealed class BranchBody
    {
        public ProtectionBody? Protection { get; private set; }
    }

    private sealed class ProtectionBody
    {
        public RequiredChecksBody? RequiredStatusChecks { get; private set; }
    }

    private sealed class RequiredChecksBody
    {
        public List<string>? Contexts { get; private set; }
    }

    private sealed class CheckRunsPage
    {
        public List<CheckRunItem>? CheckRuns { get; private set; }
    }

    private sealed class CheckRunItem
    {
        public long Id { get; private set; }

        public string? Name { get; private set; }

        public string? Status { get; private set; }

        public string? Conclusion { get; private set; }
    }

    private sealed class CombinedStatusBody
    {
        public List<StatusItem>? Statuses { get; private set; }
    }

    private sealed class StatusItem
    {
        public string? Context { get; private set; }

        public string? State { get; private set; }
    }

    private sealed class ReviewItem
    {
        public LoginBody? User { get; private set; }

        public string? State { get; private set; }

        public DateTimeOffset? SubmittedAt { get; private set; }
    }

    private sealed class LoginBody
    {
        public string? Login { get; private set; }
    }

    private sealed class MergeBody
    {
        public string? Sha { get; private set; }
    }
}
