using GitOpsBridge.GitHubEmulator.Repositories;

namespace GitOpsBridge.GitHubEmulator;

/// <summary>What people and other apps do to a pull request's merge conditions: reviews, checks, statuses, branch protection.</summary>
public sealed partial class GitHubEmulator
{
    /// <summary>
    /// Submits a review as <paramref name="login"/> on the pull request's current head, as a person
    /// does in the web UI (<paramref name="state"/> <c>APPROVED</c>, <c>CHANGES_REQUESTED</c> or
    /// <c>COMMENTED</c>). The test then posts the matching <c>pull_request_review</c> webhook itself.
    /// </summary>
    /// <returns>The review's id.</returns>
    public long AddReview(string owner, string name, int number, string login, string state, string body = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(login);
        if (state is not ("APPROVED" or "CHANGES_REQUESTED" or "COMMENTED"))
        {
            throw new ArgumentException($"A submitted review is APPROVED, CHANGES_REQUESTED or COMMENTED, not {state}.", nameof(state));
        }

        var pull = PullRequest(owner, name, number);
        var review = new ReviewRecord(_state.NextId(), pull.Repository, number, login, body, pull.HeadSha, _state.Now) { State = state };
        _state.Account(login);
        lock (_state.Sync)
        {
            _state.Merging.Reviews.Add(review);
        }

        return review.Id;
    }

    /// <summary>Dismisses a review, as a maintainer does: its state becomes <c>DISMISSED</c>.</summary>
    public void DismissReview(string owner, string name, int number, long reviewId)
    {
        var pull = PullRequest(owner, name, number);
        lock (_state.Sync)
        {
            _state.Merging.Reviews.Single(r => r.Repository == pull.Repository && r.Number == number && r.Id == reviewId).State = "DISMISSED";
        }
    }

    /// <summary>
    /// Records a check run of another app (a CI system) on a commit: <paramref name="status"/>
    /// <c>queued</c>, <c>in_progress</c> or <c>completed</c> with a <paramref name="conclusion"/>.
    /// A later run of the same name replaces it in <c>filter=latest</c> listings, as a re-run does.
    /// </summary>
    /// <returns>The check run's id.</returns>
    public long AddCheckRun(string owner, string name, string headSha, string checkName, string status, string? conclusion = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkName);
        var repository = Repository(owner, name);
        var run = new EmulatedCheckRun(_state.NextId(), checkName, headSha, status, status == "completed" ? conclusion : null, checkName, null, []);
        lock (_state.Sync)
        {
            _state.CheckRuns.Add((repository, run));
            _state.Merging.CheckRunDetails[run.Id] = new CheckRunDetails(_state.Now, status == "completed" ? _state.Now : null, "", null, _state.NextId());
        }

        return run.Id;
    }

    /// <summary>Records a commit status (<c>pending</c>, <c>success</c>, <c>failure</c> or <c>error</c>) that a CI system reports on a commit.</summary>
    public void AddCommitStatus(string owner, string name, string sha, string context, string state, string creator = "ci-bot")
    {
        if (state is not ("pending" or "success" or "failure" or "error"))
        {
            throw new ArgumentException($"A commit status is pending, success, failure or error, not {state}.", nameof(state));
        }

        CommitChecksApi.AddStatus(_state, Repository(owner, name), sha, state, context, null, null, creator);
    }

    /// <summary>
    /// Protects a branch with required status checks: <c>GET /repos/{owner}/{repo}/branches/{branch}</c>
    /// then reports them, and a merge into the branch is refused (405) until each is green on the head.
    /// No contexts removes the protection.
    /// </summary>
    public void SetRequiredStatusChecks(string owner, string name, string branch, params string[] contexts)
    {
        var repository = Repository(owner, name);
        lock (_state.Sync)
        {
            _state.Merging.RequiredContexts[(repository.FullName.ToLowerInvariant(), branch)] = [.. contexts];
        }
    }
}
