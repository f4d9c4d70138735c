namespace GitOpsBridge.Core.Config;

/// <summary>
/// A node of the configuration document, detached from YamlDotNet so the binder sees plain data with
/// positions. Aliased nodes are shared, so <see cref="ExpandedSize"/> counts what a reader would see.
/// </summary>
internal abstract record ConfigNode(SourcePosition Position)
{
    public abstract long ExpandedSize { get; }
}

/// <summary>How a scalar resolves under the YAML 1.2 core schema (quoted and block scalars are strings).</summary>
internal enum ScalarKind
{
    String,
    Null,
    Boolean,
    Integer,
    Float,
}

internal sealed record ScalarNode(string Value, ScalarKind Kind, SourcePosition Position) : ConfigNode(Position)
{
    public override long ExpandedSize => 1;

    /// <summary>An empty plain value such as <c>key:</c> with nothing after it.</summary>
    public bool IsEmpty => Kind == ScalarKind.Null && Value.Length == 0;
}

internal sealed record SequenceNode(IReadOnlyList<ConfigNode> Items, SourcePosition Position) : ConfigNode(Position)
{
    public override long ExpandedSize { get; } = SaturatingSum(Items.Select(item => item.ExpandedSize));

    internal static long SaturatingSum(IEnumerable<long> sizes)
    {
        long total = 1;
        foreach (var size in sizes)
        {
            total = size > long.MaxValue - total ? long.MaxValue : total + size;
        }

        return total;
    }
}

internal sealed record MappingEntry(ScalarNode Key, ConfigNode Value);

internal sealed record MappingNode(IReadOnlyList<MappingEntry> Entries, SourcePosition Position) : ConfigNode(Position)
{
    public override long ExpandedSize { get; } =
        SequenceNode.SaturatingSum(Entries.SelectMany(entry => new[] { 1L, entry.Value.ExpandedSize })); // key + value
}
