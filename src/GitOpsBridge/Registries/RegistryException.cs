namespace GitOpsBridge.Registries;

/// <summary>
/// A registry or its token service refused a call, answered something unusable, or could not be
/// reached. The message names the host, the status and what was asked; it never holds a password,
/// a token or a credential.
/// </summary>
/// <param name="host">The registry host the call was for (<c>ghcr.io</c>, <c>127.0.0.1:5000</c>).</param>
/// <param name="statusCode">The HTTP status, or 0 when no usable response came.</param>
/// <param name="message">What failed.</param>
/// <param name="innerException">The transport's exception, if any.</param>
public sealed class RegistryException(string host, int statusCode, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The registry host the call was for.</summary>
    public string Host { get; } = host;

    /// <summary>The HTTP status, or 0 when no usable response came.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>True for a failure a later retry may not see: no response, 429 or a 5xx.</summary>
    public bool IsTransient => StatusCode is 0 or 429 or >= 500;
}
