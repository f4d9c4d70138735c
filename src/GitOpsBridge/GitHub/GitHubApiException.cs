namespace GitOpsBridge.GitHub;

/// <summary>
/// GitHub refused a call or could not be reached. The message names the method, the path and
/// GitHub's own error text; it never holds a token, the JWT or the key.
/// </summary>
/// <param name="statusCode">The HTTP status, or 0 when no response came.</param>
/// <param name="message">What failed.</param>
/// <param name="innerException">The client's exception.</param>
public sealed class GitHubApiException(int statusCode, string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The HTTP status, or 0 when no response came.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>True for a failure that a later retry may not see: no response, or a 5xx.</summary>
    public bool IsTransient => StatusCode is 0 or >= 500;
}
