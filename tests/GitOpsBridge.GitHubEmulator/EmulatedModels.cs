namespace GitOpsBridge.GitHubEmulator;

/// <summary>A repository hosted by the emulator.</summary>
/// <param name="Id">GitHub's numeric id.</param>
/// <param name="Owner">Account login.</param>
/// <param name="Name">Repository name.</param>
/// <param name="DefaultBranch">The branch the seed was committed to.</param>
/// <param name="CloneUrl">Smart HTTP address: <c>http://127.0.0.1:PORT/{owner}/{name}.git</c>.</param>
public sealed record EmulatedRepository(long Id, string Owner, string Name, string DefaultBranch, Uri CloneUrl)
{
    /// <summary><c>owner/name</c>.</summary>
    public string FullName => $"{Owner}/{Name}";
}

/// <summary>An installation of the emulated App on an account.</summary>
/// <param name="Id">Installation id.</param>
/// <param name="Account">Account login the App is installed on.</param>
/// <param name="Repositories">Names of the repositories it may access.</param>
public sealed record EmulatedInstallation(long Id, string Account, IReadOnlyList<string> Repositories);

/// <summary>An installation access token the emulator issued.</summary>
/// <param name="Token">The <c>ghs_</c> token.</param>
/// <param name="InstallationId">The installation it acts for.</param>
/// <param name="ExpiresAt">When it stops being accepted.</param>
public sealed record EmulatedToken(string Token, long InstallationId, DateTimeOffset ExpiresAt);

/// <summary>A commit read from a hosted repository.</summary>
/// <param name="Sha">Commit id.</param>
/// <param name="Message">Full message, without the trailing newline.</param>
/// <param name="Parents">Parent commit ids.</param>
/// <param name="AuthorName">Author name.</param>
/// <param name="AuthorEmail">Author email.</param>
/// <param name="CommittedAt">Committer date.</param>
public sealed record EmulatedCommit(string Sha, string Message, IReadOnlyList<string> Parents, string AuthorName, string AuthorEmail, DateTimeOffset CommittedAt);

/// <summary>A pull request as the emulator holds it.</summary>
public sealed record EmulatedPullRequest
{
    /// <summary>Number in its repository.</summary>
    public required int Number { get; init; }

    /// <summary><c>open</c> or <c>closed</c>.</summary>
    public required string State { get; init; }

    /// <summary>Title.</summary>
    public required string Title { get; init; }

    /// <summary>Body, if any.</summary>
    public string? Body { get; init; }

    /// <summary>Head branch name (same repository).</summary>
    public required string Head { get; init; }

    /// <summary>Base branch name.</summary>
    public required string Base { get; init; }

    /// <summary>Head commit when last seen.</summary>
    public required string HeadSha { get; init; }

    /// <summary>Base commit when last seen.</summary>
    public required string BaseSha { get; init; }

    /// <summary>Whether it is a draft.</summary>
    public required bool Draft { get; init; }

    /// <summary>Login of the author (the App's bot for installation tokens).</summary>
    public required string Author { get; init; }

    /// <summary>Label names.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Requested reviewer logins.</summary>
    public required IReadOnlyList<string> RequestedReviewers { get; init; }

    /// <summary>Requested team slugs.</summary>
    public required IReadOnlyList<string> RequestedTeams { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When it was closed, if closed.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>When it was merged, if merged (it is then closed too).</summary>
    public DateTimeOffset? MergedAt { get; init; }

    /// <summary>The commit its merge made on the base branch, if merged.</summary>
    public string? MergeCommitSha { get; init; }

    /// <summary>Whether it was merged.</summary>
    public bool Merged => MergedAt is not null;
}

/// <summary>An issue or pull request comment.</summary>
/// <param name="Id">Comment id.</param>
/// <param name="IssueNumber">Issue or pull request number.</param>
/// <param name="Body">Markdown body.</param>
/// <param name="Author">Login of the author.</param>
/// <param name="CreatedAt">Creation time.</param>
public sealed record EmulatedComment(long Id, int IssueNumber, string Body, string Author, DateTimeOffset CreatedAt);

/// <summary>A check run created through <c>POST /repos/{owner}/{repo}/check-runs</c>.</summary>
/// <param name="Id">Check run id.</param>
/// <param name="Name">Its name.</param>
/// <param name="HeadSha">The commit it reports on.</param>
/// <param name="Status"><c>queued</c>, <c>in_progress</c> or <c>completed</c>.</param>
/// <param name="Conclusion">The conclusion, once completed.</param>
/// <param name="Title">The output's title.</param>
/// <param name="Summary">The output's summary (Markdown).</param>
/// <param name="Annotations">The output's annotations, as sent.</param>
public sealed record EmulatedCheckRun(long Id, string Name, string HeadSha, string Status, string? Conclusion, string? Title, string? Summary, IReadOnlyList<System.Text.Json.Nodes.JsonObject> Annotations);

/// <summary>One delivery of the App's webhook, as <c>GET /app/hook/deliveries</c> lists it.</summary>
public sealed record EmulatedHookDelivery
{
    /// <summary>Delivery id (each attempt has its own).</summary>
    public required long Id { get; init; }

    /// <summary>The <c>X-GitHub-Delivery</c> GUID, shared by a delivery and its redeliveries.</summary>
    public required string Guid { get; init; }

    /// <summary>Event name, the <c>X-GitHub-Event</c> header.</summary>
    public required string Event { get; init; }

    /// <summary>The payload's <c>action</c>, if any.</summary>
    public string? Action { get; init; }

    /// <summary>True for an attempt made through <c>POST /app/hook/deliveries/{id}/attempts</c>.</summary>
    public required bool Redelivery { get; init; }

    /// <summary>Status code the receiver answered (0 when it could not be reached).</summary>
    public required int StatusCode { get; init; }

    /// <summary>When the attempt was made.</summary>
    public required DateTimeOffset DeliveredAt { get; init; }

    /// <summary>The JSON payload, byte for byte what is signed and sent.</summary>
    public required string Payload { get; init; }

    /// <summary>Installation in the payload.</summary>
    public long? InstallationId { get; init; }

    /// <summary>Repository in the payload.</summary>
    public long? RepositoryId { get; init; }

    /// <summary>For a redelivery, the delivery it repeats.</summary>
    public long? RedeliveryOf { get; init; }
}
