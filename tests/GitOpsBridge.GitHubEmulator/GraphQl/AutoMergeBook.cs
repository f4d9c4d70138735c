using GitOpsBridge.GitHubEmulator.Repositories;

namespace GitOpsBridge.GitHubEmulator.GraphQl;

/// <summary>Auto-merge state: which repositories allow it, and each pull request's auto-merge request.</summary>
internal sealed class AutoMergeBook
{
    private readonly Lock _lock = new();
    private readonly HashSet<long> _disallowed = [];
    private readonly Dictionary<long, AutoMergeRecord> _requests = [];
    private readonly HashSet<long> _cleanStatusRule = [];

    /// <summary>
    /// Whether the repository follows GitHub's rule that auto-merge cannot be enabled on a pull
    /// request that can already be merged ("clean status"): here, one whose base has no required
    /// status check. Off unless a test turns it on, so tests about enabling need no protection.
    /// </summary>
    public bool CleanStatusRule(HostedRepository repository)
    {
        lock (_lock)
        {
            return _cleanStatusRule.Contains(repository.Id);
        }
    }

    public void SetCleanStatusRule(HostedRepository repository, bool on)
    {
        lock (_lock)
        {
            if (on)
            {
                _cleanStatusRule.Add(repository.Id);
            }
            else
            {
                _cleanStatusRule.Remove(repository.Id);
            }
        }
    }

    /// <summary>Whether a repository allows auto-merge (allowed until a test says otherwise).</summary>
    public bool Allowed(HostedRepository repository)
    {
        lock (_lock)
        {
            return !_disallowed.Contains(repository.Id);
        }
    }

    public void SetAllowed(HostedRepository repository, bool allowed)
    {
        lock (_lock)
        {
            if (allowed)
            {
                _disallowed.Remove(repository.Id);
            }
            else
            {
                _disallowed.Add(repository.Id);
            }
        }
    }

    public AutoMergeRecord? Get(PullRequestRecord pull)
    {
        lock (_lock)
        {
            return _requests.GetValueOrDefault(pull.Id);
        }
    }

    public void Set(PullRequestRecord pull, AutoMergeRecord? request)
    {
        lock (_lock)
        {
            if (request is null)
            {
                _requests.Remove(pull.Id);
            }
            else
            {
                _requests[pull.Id] = request;
            }
        }
    }
}

/// <summary>An auto-merge request on a pull request.</summary>
/// <param name="MergeMethod"><c>MERGE</c>, <c>SQUASH</c> or <c>REBASE</c>.</param>
/// <param name="EnabledAt">When it was enabled.</param>
/// <param name="EnabledBy">Login of the actor who enabled it.</param>
/// <param name="CommitHeadline">The requested commit headline, if any.</param>
/// <param name="CommitBody">The requested commit body, if any.</param>
/// <param name="AuthorEmail">The requested author email, if any.</param>
internal sealed record AutoMergeRecord(string MergeMethod, DateTimeOffset EnabledAt, string EnabledBy, string? CommitHeadline, string? CommitBody, string? AuthorEmail);
