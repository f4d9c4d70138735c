namespace GitOpsBridge.Core.Policies;

/// <summary>
/// Thrown when a tag policy cannot be built: a semver range that is not npm syntax, a pattern that is
/// not a valid regular expression, or an <c>extract</c> that names no group of the pattern.
/// </summary>
public sealed class TagPolicyException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public TagPolicyException()
        : base("The tag policy is not valid.")
    {
    }

    /// <summary>Creates the exception with a message that says what is wrong.</summary>
    public TagPolicyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the parser's exception.</summary>
    public TagPolicyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
