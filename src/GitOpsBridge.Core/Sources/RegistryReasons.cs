namespace GitOpsBridge.Core.Sources;

/// <summary>The codes <see cref="RegistryPayloads.Parse"/> puts on ignored and rejected registry payloads.</summary>
public static class RegistryReasons
{
    /// <summary>Rejected: the body is empty or not JSON (including nesting deeper than <see cref="RegistryPayloads.MaxDepth"/>).</summary>
    public const string MalformedJson = "malformed-json";

    /// <summary>Rejected: JSON of the wrong shape: a field missing or of the wrong type; the reason names the field.</summary>
    public const string InvalidPayload = "invalid-payload";

    /// <summary>Rejected: a push that names neither a tag nor a digest.</summary>
    public const string NoTagOrDigest = "no-tag-or-digest";

    /// <summary>Rejected: a digest that is not <c>algorithm:hex</c> of the right length (the ECR docs sample has 60 hex characters).</summary>
    public const string InvalidDigest = "invalid-digest";

    /// <summary>Rejected: the repository or tag is not a valid image reference (a tag with a newline or a quote, an upper-case path).</summary>
    public const string InvalidReference = "invalid-reference";

    /// <summary>Ignored: a valid event that announces no new image: a pull, a delete, a blob upload, a failed push, another event type.</summary>
    public const string NotAPush = "not-a-push";

    /// <summary>Ignored: a vendor's connectivity test (the ACR webhook ping).</summary>
    public const string TestEvent = "test-event";
}
