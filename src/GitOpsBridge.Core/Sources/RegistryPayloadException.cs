namespace GitOpsBridge.Core.Sources;

/// <summary>
/// A registry payload that cannot be acted on: thrown deep inside a vendor parser, caught by
/// <see cref="RegistryPayloads.Parse"/> and turned into a <see cref="SourceParseResult.Rejected"/>.
/// </summary>
/// <remarks>
/// An exception keeps every field read a one-liner; it never leaves <see cref="RegistryPayloads"/>.
/// </remarks>
internal sealed class RegistryPayloadException : Exception
{
    public RegistryPayloadException()
        : this(RegistryReasons.InvalidPayload, "the payload is invalid")
    {
    }

    public RegistryPayloadException(string message)
        : this(RegistryReasons.InvalidPayload, message)
    {
    }

    public RegistryPayloadException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = RegistryReasons.InvalidPayload;
    }

    public RegistryPayloadException(string code, string reason)
        : base(reason)
    {
        Code = code;
    }

    /// <summary>The rejection code, one of <see cref="RegistryReasons"/>.</summary>
    public string Code { get; }
}
