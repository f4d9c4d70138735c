namespace GitOpsBridge.Registries;

/// <summary>The registry client's log messages (event ids 600–619). None carries a credential or token.</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Debug, Message = "Obtained a registry token for {Host} ({Scope}), used until {Expires}")]
    public static partial void TokenObtained(ILogger logger, string host, string scope, DateTimeOffset expires);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Tag listing of {Host}/{Repository} stopped after {Pages} pages with {Count} tags; more remain (Registries:MaxTagPages)")]
    public static partial void TagListTruncated(ILogger logger, string host, string repository, int pages, int count);

    [LoggerMessage(EventId = 602, Level = LogLevel.Debug, Message = "{Host} sent no Docker-Content-Digest for {Repository}:{Reference}; computed it from the manifest")]
    public static partial void DigestComputed(ILogger logger, string host, string repository, string reference);
}
