using GitOpsBridge.GitHubEmulator.Repositories;

namespace GitOpsBridge.GitHubEmulator.GraphQl;

/// <summary>Auto-merge state: which repositories allow it, and each pull request's auto-merge request.</summary>
internal sealed class AutoMergeBook
{
    private readonly Lock _lock = new();
    private readonly HashSet<long> _disallowed = [];
    private readonly Dictionary<long, AutoMergeRecord> _requests = [];

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
