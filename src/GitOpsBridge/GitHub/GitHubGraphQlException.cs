namespace GitOpsBridge.GitHub;

/// <summary>One entry of a GraphQL response's <c>errors</c> array.</summary>
/// <param name="Message">GitHub's text, e.g. <c>Pull request Auto merge is not allowed for this repository</c>.</param>
/// <param name="Type">GitHub's error type, e.g. <c>UNPROCESSABLE</c>, <c>NOT_FOUND</c>, <c>FORBIDDEN</c>; null when absent.</param>
/// <param name="Path">The response path the error belongs to, e.g. <c>enablePullRequestAutoMerge</c>.</param>
public sealed record GitHubGraphQlError(string Message, string? Type, IReadOnlyList<string> Path)
{
    /// <inheritdoc />
    public override string ToString() => (Type is null ? string.Empty : Type + ": ") + Message + (Path.Count == 0 ? string.Empty : $" (at {string.Join('.', Path)})");
}

/// <summary>
/// A GraphQL call failed: GitHub answered with <c>errors</c>, with an HTTP error, with something that is
/// not a GraphQL response, or not at all. The message names the operation and GitHub's messages and
/// types; it never holds the token.
/// </summary>
public sealed class GitHubGraphQlException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">The operation, e.g. <c>enablePullRequestAutoMerge</c>.</param>
    /// <param name="statusCode">The HTTP status, or 0 when no response came.</param>
    /// <param name="errors">The GraphQL errors (empty for HTTP-level failures).</param>
    /// <param name="detail">What failed, when there are no GraphQL errors.</param>
    /// <param name="innerException">The client's exception.</param>
    public GitHubGraphQlException(string operation, int statusCode, IReadOnlyList<GitHubGraphQlError> errors, string? detail = null, Exception? innerException = null)
        : base(Describe(operation, statusCode, errors, detail), innerException)
    {
        Operation = operation;
        StatusCode = statusCode;
        Errors = errors;
    }

    /// <summary>Creates the exception with a message.</summary>
    public GitHubGraphQlException()
        : this("graphql", 0, [], "GraphQL call failed")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public GitHubGraphQlException(string message)
        : this("graphql", 0, [], message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public GitHubGraphQlException(string message, Exception innerException)
        : this("graphql", 0, [], message, innerException)
    {
    }

    /// <summary>The operation that failed.</summary>
    public string Operation { get; }

    /// <summary>The HTTP status (200 when GitHub answered with GraphQL errors), or 0 when no response came.</summary>
    public int StatusCode { get; }

    /// <summary>The GraphQL errors, in GitHub's order.</summary>
    public IReadOnlyList<GitHubGraphQlError> Errors { get; }

    /// <summary>When GitHub asked to wait (<c>Retry-After</c> on a rate-limited answer).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True for a failure that a later retry may not see: no response, or a 5xx.</summary>
    public bool IsTransient => StatusCode is 0 or >= 500;

    /// <summary>
    /// GitHub refused auto-merge because the repository does not allow it ("Allow auto-merge" is off in
    /// its settings). The bridge then merges the pull request itself once its merge policy holds.
    /// </summary>
    public bool AutoMergeNotAllowed => Errors.Any(error => error.Message.Contains("Auto merge is not allowed for this repository", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// GitHub refused auto-merge because the pull request can be merged right now ("Pull request is in
    /// clean status": nothing is pending, so there is nothing to wait for). The bridge merges it directly.
    /// </summary>
    public bool PullRequestIsClean => Errors.Any(error => error.Message.Contains("is in clean status", StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether any error has this type (<c>NOT_FOUND</c>, <c>UNPROCESSABLE</c>, …).</summary>
    /// <param name="type">The type, compared exactly.</param>
    /// <returns>True when one of <see cref="Errors"/> has it.</returns>
    public bool HasType(string type) => Errors.Any(error => error.Type == type);

    private static string Describe(string operation, int statusCode, IReadOnlyList<GitHubGraphQlError> errors, string? detail)
    {
        var what = errors.Count > 0 ? string.Join("; ", errors) : detail ?? "failed";
        return statusCode is 0 or 200
            ? $"GitHub GraphQL {operation}: {what}"
            : $"GitHub GraphQL {operation}: HTTP {statusCode}: {what}";
    }
}
