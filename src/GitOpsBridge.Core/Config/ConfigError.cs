namespace GitOpsBridge.Core.Config;

/// <summary>One problem in a configuration file, with its 1-based position.</summary>
/// <param name="File">The file the error is in (as passed to the parser).</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong, naming the key path.</param>
public sealed record ConfigError(string File, int Line, int Column, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}
