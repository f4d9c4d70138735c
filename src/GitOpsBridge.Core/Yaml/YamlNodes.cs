using YamlDotNet.Core;

namespace GitOpsBridge.Core.Yaml;

/// <summary>A node of a parsed YAML document, with its exact span in the source text.</summary>
/// <remarks>
/// Offsets are UTF-16 indexes into the text the tree was parsed from (after a BOM was removed),
/// so a scalar can be replaced by splicing text at <see cref="Start"/>..<see cref="End"/>.
/// </remarks>
internal abstract class YamlNode
{
    public YamlNode? Parent { get; internal set; }

    /// <summary>Offset of the node's first character; for a node with an anchor or tag, of that property.</summary>
    public int Start { get; init; }

    /// <summary>Offset just after the node's last character.</summary>
    public int End { get; internal set; }

    /// <summary>1-based line of <see cref="Start"/>.</summary>
    public int Line { get; init; }

    /// <summary>1-based column of <see cref="Start"/>.</summary>
    public int Column { get; init; }

    public string? Anchor { get; init; }

    public string? Tag { get; init; }

    /// <summary>The path of this node in the syntax of the fixtures' MANIFEST.tsv (without a document prefix).</summary>
    public string Path { get; internal set; } = "";

    public bool HasProperties => Anchor is not null || Tag is not null;
}

internal sealed class YamlScalarNode : YamlNode
{
    public required string Value { get; init; }

    public required ScalarStyle Style { get; init; }

    /// <summary>True when this scalar is a mapping key.</summary>
    public bool IsKey { get; init; }

    /// <summary>True when the scalar sits inside a flow collection, where <c>,[]{}</c> end a plain scalar.</summary>
    public bool InFlow { get; init; }

    public bool IsBlock => Style is ScalarStyle.Literal or ScalarStyle.Folded;
}

internal sealed class YamlMappingNode : YamlNode
{
    public List<KeyValuePair<YamlNode, YamlNode>> Entries { get; } = [];

    public bool IsFlow { get; init; }

    /// <summary>The value under a scalar key, or null.</summary>
    public YamlNode? Get(string key)
    {
        foreach (var (k, v) in Entries)
        {
            if (k is YamlScalarNode s && s.Value == key)
            {
                return v;
            }
        }

        return null;
    }

    public YamlScalarNode? GetScalar(string key) => Get(key) as YamlScalarNode;

    public YamlScalarNode? GetKey(string key)
    {
        foreach (var (k, _) in Entries)
        {
            if (k is YamlScalarNode s && s.Value == key)
            {
                return s;
            }
        }

        return null;
    }
}

internal sealed class YamlSequenceNode : YamlNode
{
    public List<YamlNode> Items { get; } = [];

    public bool IsFlow { get; init; }
}

internal sealed class YamlAliasNode : YamlNode
{
    public required string Name { get; init; }
}

/// <summary>One document of a YAML stream.</summary>
internal sealed record YamlDocumentNode(int Index, YamlNode? Root);
