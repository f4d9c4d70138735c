using System.Globalization;
using Octokit;

namespace GitOpsBridge.GitHub;

/// <summary>Pull requests: find, create or update in place, labels, reviewers, close.</summary>
public sealed partial class GitHubApi
{
    /// <inheritdoc />
    public async Task<PullRequestInfo?> FindOpenPullRequestAsync(long installationId, string repository, string headBranch, string baseBranch, CancellationToken ct = default) =>
        await FindOpenAsync(installationId, repository, headBranch, baseBranch, ct).ConfigureAwait(false) is { } pull ? Describe(pull) : null;

    /// <inheritdoc />
    public async Task<PullRequestResult> CreateOrUpdatePullRequestAsync(long installationId, PullRequestSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.HeadBranch);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.BaseBranch);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Title);
        var existing = await FindOpenAsync(installationId, spec.Repository, spec.HeadBranch, spec.BaseBranch, ct).ConfigureAwait(false);
        if (existing is null)
        {
            var path = $"{RepositoryPath(spec.Repository)}/pulls";
            var body = new
            {
                title = spec.Title,
                head = spec.HeadBranch,
                @base = spec.BaseBranch,
                body = spec.Body,
                draft = spec.Draft ? true : (bool?)null, // left out unless asked: repositories without draft support refuse the field
            };
            try
            {
                var created = await SendAsync(
                    installationId, "POST", path, c => c.Post<PullRequest>(Relative(path), body, Json, JsonContent, NoParameters, ct), ct).ConfigureAwait(false);
                var warnings = new List<string>();
                await AddLabelsAsync(installationId, spec.Repository, created.Body, spec.Labels, warnings, ct).ConfigureAwait(false);
                await RequestReviewersAsync(installationId, spec.Repository, created.Body.Number, spec.Reviewers, warnings, ct).ConfigureAwait(false);
                return Result(created.Body, PullRequestActions.Opened, warnings);
            }
            catch (GitHubApiException exception) when (IsAlreadyExists(exception))
            {
                // Another writer opened it between our look and our create: take theirs and update it.
                existing = await FindOpenAsync(installationId, spec.Repository, spec.HeadBranch, spec.BaseBranch, ct).ConfigureAwait(false)
                    ?? throw new GitHubApiException(
                        422,
                        $"GitHub says a pull request from {spec.HeadBranch} into {spec.BaseBranch} of {spec.Repository} already exists, but lists no open one.",
                        exception);
            }
        }

        return await UpdateAsync(installationId, spec, existing, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ClosePullRequestAsync(long installationId, string repository, int number, string comment, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        if (!string.IsNullOrWhiteSpace(comment))
        {
            await CommentAsync(installationId, repository, number, comment, ct).ConfigureAwait(false);
        }

        var path = $"{RepositoryPath(repository)}/pulls/{number.ToString(CultureInfo.InvariantCulture)}";
        await SendAsync(installationId, "PATCH", path, c => c.Patch<PullRequest>(Relative(path), new { state = "closed" }, Json), ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CommentAsync(long installationId, string repository, int number, string body, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(body);
        var path = $"{RepositoryPath(repository)}/issues/{number.ToString(CultureInfo.InvariantCulture)}/comments";
        await SendAsync(installationId, "POST", path, c => c.Post<IssueComment>(Relative(path), new { body }, Json, JsonContent, NoParameters, ct), ct).ConfigureAwait(false);
    }

    private async Task<PullRequest?> FindOpenAsync(long installationId, string repository, string headBranch, string baseBranch, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(headBranch);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseBranch);
        var (owner, _) = SplitRepository(repository);
        var path = $"{RepositoryPath(repository)}/pulls";
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["state"] = "open",
            ["head"] = $"{owner}:{headBranch}", // GitHub ignores a head filter without the owner
            ["base"] = baseBranch,
        };
        var response = await SendAsync(
            installationId, "GET", path, c => c.Get<List<PullRequest>>(Relative(path), parameters, Json, ct), ct).ConfigureAwait(false);

        // Checked again here: a filter GitHub ignored would otherwise hand back someone else's pull request.
        return response.Body.FirstOrDefault(p =>
            string.Equals(p.Head?.Ref, headBranch, StringComparison.Ordinal) && string.Equals(p.Base?.Ref, baseBranch, StringComparison.Ordinal));
    }

    /// <summary>
    /// Title and body are patched only when they differ, and only missing labels are added.
    /// Reviewers are asked for when a pull request is opened, not on updates: a reviewer who already
    /// reviewed leaves <c>requested_reviewers</c>, and asking again would ping them for every build.
    /// </summary>
    private async Task<PullRequestResult> UpdateAsync(long installationId, PullRequestSpec spec, PullRequest existing, CancellationToken ct)
    {
        var current = existing;
        if (!string.Equals(existing.Title, spec.Title, StringComparison.Ordinal) || !string.Equals(existing.Body ?? string.Empty, spec.Body, StringComparison.Ordinal))
        {
            var path = $"{RepositoryPath(spec.Repository)}/pulls/{existing.Number.ToString(CultureInfo.InvariantCulture)}";
            var update = new { title = spec.Title, body = spec.Body };
            current = (await SendAsync(installationId, "PATCH", path, c => c.Patch<PullRequest>(Relative(path), update, Json), ct).ConfigureAwait(false)).Body;
        }

        var warnings = new List<string>();
        await AddLabelsAsync(installationId, spec.Repository, existing, spec.Labels, warnings, ct).ConfigureAwait(false);
        return Result(current, PullRequestActions.Updated, warnings);
    }

    /// <summary>Adds the labels the pull request lacks, with the documented <c>{"labels": [...]}</c> body. A 422 becomes a warning.</summary>
    private async Task AddLabelsAsync(long installationId, string repository, PullRequest pull, IReadOnlyList<string> labels, List<string> warnings, CancellationToken ct)
    {
        var have = (pull.Labels ?? []).Select(l => l.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = (labels ?? []).Where(l => !string.IsNullOrWhiteSpace(l) && !have.Contains(l)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        var path = $"{RepositoryPath(repository)}/issues/{pull.Number.ToString(CultureInfo.InvariantCulture)}/labels";
        try
        {
            await SendAsync(
                installationId, "POST", path, c => c.Post<List<Label>>(Relative(path), new { labels = missing }, Json, JsonContent, NoParameters, ct), ct).ConfigureAwait(false);
        }
        catch (GitHubApiException exception) when (exception.StatusCode == 422)
        {
            warnings.Add($"Labels {string.Join(", ", missing)} were not added: {exception.Message}");
        }
    }

    /// <summary>Asks for reviews: <c>login</c> as a user, <c>org/team-slug</c> as a team. A 422 (not a collaborator, unknown team) becomes a warning.</summary>
    private async Task RequestReviewersAsync(long installationId, string repository, int number, IReadOnlyList<string> reviewers, List<string> warnings, CancellationToken ct)
    {
        var users = new List<string>();
        var teams = new List<string>();
        foreach (var reviewer in (reviewers ?? []).Select(r => r?.Trim().TrimStart('@')).Where(r => !string.IsNullOrEmpty(r)))
        {
            var slash = reviewer!.IndexOf('/', StringComparison.Ordinal);
            (slash < 0 ? users : teams).Add(slash < 0 ? reviewer : reviewer[(slash + 1)..]);
        }

        if (users.Count == 0 && teams.Count == 0)
        {
            return;
        }

        var path = $"{RepositoryPath(repository)}/pulls/{number.ToString(CultureInfo.InvariantCulture)}/requested_reviewers";
        var body = new
        {
            reviewers = users.Count > 0 ? users.Distinct(StringComparer.OrdinalIgnoreCase).ToArray() : null,
            team_reviewers = teams.Count > 0 ? teams.Distinct(StringComparer.OrdinalIgnoreCase).ToArray() : null,
        };
        try
        {
            await SendAsync(
                installationId, "POST", path, c => c.Post<PullRequest>(Relative(path), body, Json, JsonContent, NoParameters, ct), ct).ConfigureAwait(false);
        }
        catch (GitHubApiException exception) when (exception.StatusCode == 422)
        {
            warnings.Add($"Reviewers {string.Join(", ", reviewers!)} were not requested: {exception.Message}");
        }
    }

    private static bool IsAlreadyExists(GitHubApiException exception) =>
        exception.StatusCode == 422
        && exception.InnerException is ApiException api
        && GitHubFailures.ErrorMessages(api).Any(m => m.Contains("already exists", StringComparison.OrdinalIgnoreCase));

    private static PullRequestResult Result(PullRequest pull, string action, List<string> warnings) =>
        new(pull.Number, pull.HtmlUrl, action, pull.NodeId) { Warnings = warnings };

    private static PullRequestInfo Describe(PullRequest pull) =>
        new(pull.Number, pull.HtmlUrl, pull.Head.Ref, pull.Base.Ref, pull.Title, pull.Body ?? string.Empty, pull.NodeId);
}
