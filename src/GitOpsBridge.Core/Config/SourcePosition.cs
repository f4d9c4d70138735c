namespace GitOpsBridge.Core.Config;

/// <summary>A place in the configuration file; both numbers are 1-based.</summary>
/// <param name="Line">Line number.</param>
/// <param name="Column">Column number, in UTF-16 code units.</param>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>The first character of the file.</summary>
    public static SourcePosition Start { get; } = new(1, 1);

    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}";
}
