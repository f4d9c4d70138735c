using GitOpsBridge.Core.Yaml;

namespace GitOpsBridge.Core.Manifests;

/// <summary>The kinds of place an image reference lives in.</summary>
internal enum SiteKind
{
    /// <summary>A Helm values group: <c>registry</c>/<c>repository</c>/<c>tag</c>/<c>digest</c> keys.</summary>
    HelmValues,

    /// <summary>A whole reference in one string: <c>image: repo:tag</c> in values or a container.</summary>
    ImageString,

    /// <summary>A Kustomize <c>images:</c> entry (<c>name</c>/<c>newName</c>/<c>newTag</c>/<c>digest</c>).</summary>
    KustomizeImage,

    /// <summary>An Argo CD <c>kustomize.images</c> string, <c>[alias=]image[:tag][@digest]</c>.</summary>
    ArgoCdKustomizeImage,

    /// <summary>Argo CD <c>helm.parameters</c> entries forming a group.</summary>
    ArgoCdHelmParameters,

    /// <summary>A scalar carrying an inline marker comment.</summary>
    Marker,
}

/// <summary>What a marker says its scalar holds.</summary>
internal enum MarkerField
{
    Reference,
    Tag,
    Name,
    Digest,
}

/// <summary>A YAML text inside a block scalar (Argo CD's <c>helm.values: |</c>), edited in place.</summary>
internal sealed record EmbeddedBlock(YamlScalarNode Block, YamlText Inner, string OuterPath);

/// <summary>One reference to an image in one YAML text, with the scalars that hold its parts.</summary>
internal sealed class ImageSite
{
    public required SiteKind Kind { get; init; }

    /// <summary>Where the nodes live: the file, or the content of an embedded block.</summary>
    public required ImageSiteLocator.Context Where { get; init; }

    /// <summary>The text the nodes belong to: the file, or the content of an embedded block.</summary>
    public YamlText Context => Where.Yaml;

    public EmbeddedBlock? Embedded => Where.Embedded;

    /// <summary>Path of the site in the fixtures' path syntax, with document and embedding prefixes.</summary>
    public required string Path { get; init; }

    /// <summary>1-based line in the file of the scalar that usually changes (the tag, or the whole reference).</summary>
    public required int Line { get; init; }

    /// <summary>A scalar holding a whole reference, when the site has one.</summary>
    public YamlScalarNode? Reference { get; init; }

    /// <summary>Text before the reference inside <see cref="Reference"/> (Argo CD's <c>alias=</c>).</summary>
    public string ReferencePrefix { get; init; } = "";

    public YamlScalarNode? Registry { get; init; }

    public YamlScalarNode? Repository { get; init; }

    public YamlScalarNode? Tag { get; init; }

    public YamlScalarNode? Digest { get; init; }

    /// <summary>The Kustomize entry, so missing keys can be added to it.</summary>
    public YamlMappingNode? Entry { get; init; }

    public MarkerField Field { get; init; } = MarkerField.Reference;

    /// <summary>The marker's id: a Flux policy <c>ns:name</c>, or one of our image aliases.</summary>
    public string? MarkerId { get; init; }

    public bool IsFluxMarker { get; init; }

    /// <summary>A Kustomize entry's <c>name</c>, when it maps through <c>newName</c> to another image.</summary>
    public string? EntryName { get; init; }

    /// <summary>The normalised repository this site refers to, or null when the file does not say.</summary>
    public string? RepositoryName { get; init; }

    /// <summary>The repository as written (e.g. <c>nginx</c>), for messages.</summary>
    public string? RepositoryText { get; init; }

    /// <summary>The scalar that identifies the site; two sites on one scalar are the same site.</summary>
    public YamlScalarNode Primary => Reference ?? Tag ?? Digest ?? Repository!;

    /// <summary>Human-readable description of what is there now.</summary>
    public string CurrentText => Reference is not null
        ? Reference.Value
        : string.Join(" ", new[] { ("repository", RepositoryText), ("tag", Tag?.Value), ("digest", Digest?.Value) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={(p.Item2!.Length == 0 ? "\"\"" : p.Item2)}"));
}
