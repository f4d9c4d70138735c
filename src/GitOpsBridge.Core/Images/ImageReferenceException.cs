namespace GitOpsBridge.Core.Images;

/// <summary>
/// Thrown when text is not a valid image reference, repository name, tag or digest.
/// </summary>
/// <remarks>
/// The message names the input (shortened to about 64 characters, control characters escaped) and
/// the reason; <see cref="Reason"/> holds the reason alone, for callers that show their own context.
/// Derives from <see cref="FormatException"/> because that is what a parse failure is.
/// </remarks>
public sealed class ImageReferenceException : FormatException
{
    /// <summary>Creates the exception with a message and no separate reason.</summary>
    public ImageReferenceException()
        : this("The value is not a valid image reference.")
    {
    }

    /// <summary>Creates the exception with a message that is also the reason.</summary>
    public ImageReferenceException(string message)
        : this(message, message)
    {
    }

    /// <summary>Creates the exception with a message that is also the reason, and an inner exception.</summary>
    public ImageReferenceException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>Creates the exception with a full message and the reason alone.</summary>
    public ImageReferenceException(string message, string reason)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why the input was rejected, e.g. "nothing follows ':' (the tag is empty)".</summary>
    public string Reason { get; }
}
