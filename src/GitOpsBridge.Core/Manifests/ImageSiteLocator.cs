using System.Text.RegularExpressions;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Yaml;

namespace GitOpsBridge.Core.Manifests;

/// <summary>
/// Finds every reference to a container image in a YAML file: Helm values groups and
/// <c>image:</c> strings (in values files, Flux HelmRelease <c>spec.values</c> and Argo CD
/// <c>valuesObject</c> or embedded <c>values: |</c>), container images in any manifest, Kustomize
/// and Flux Kustomization <c>images</c> entries, Argo CD <c>kustomize.images</c> strings and
/// <c>helm.parameters</c>, and inline markers.
/// </summary>
internal static partial class ImageSiteLocator
{
    public static List<ImageSite> Locate(YamlText yaml, string fileName)
    {
        var sites = new List<ImageSite>();
        var argoSourceFile = System.IO.Path.GetFileName(fileName).StartsWith(".argocd-source", StringComparison.Ordinal);
        var kustomizationFile = IsKustomizationFileName(fileName);
        foreach (var doc in yaml.Documents)
        {
            var prefix = YamlPath.WithDocument(doc.Index, yaml.Documents.Count, "");
            Walk(yaml, doc.Root, prefix, null, 0, sites, argoSourceFile, kustomizationFile);
        }

        // One scalar is one site: an explicit marker says more than the shape around it.
        return sites
            .GroupBy(s => s.Primary)
            .Select(g => g.OrderBy(s => s.Kind == SiteKind.Marker ? 0 : 1).First())
            .OrderBy(s => s.Line)
            .ToList();
    }

    /// <summary>The names kustomize reads: a file so named is a kustomization even without apiVersion.</summary>
    internal static bool IsKustomizationFileName(string fileName) =>
        System.IO.Path.GetFileName(fileName) is "kustomization.yaml" or "kustomization.yml" or "Kustomization";

    /// <summary>True for a kustomize.config.k8s.io document, or one in a kustomization file that names no API.</summary>
    internal static bool IsKustomization(YamlMappingNode root, string fileName)
    {
        var apiVersion = root.GetScalar("apiVersion")?.Value;
        return apiVersion is null
            ? IsKustomizationFileName(fileName) || root.GetScalar("kind")?.Value is "Kustomization" or "Component"
            : apiVersion.StartsWith("kustomize.config.k8s.io/", StringComparison.Ordinal);
    }

    private static void Walk(YamlText yaml, YamlNode? root, string prefix, EmbeddedBlock? embedded, int lineOffset, List<ImageSite> sites, bool argoSourceFile, bool kustomizationFile = false)
    {
        if (root is null)
        {
            return;
        }

        var rootMap = root as YamlMappingNode;
        var apiVersion = rootMap?.GetScalar("apiVersion")?.Value ?? "";
        var kind = rootMap?.GetScalar("kind")?.Value ?? "";
        var context = new Context(yaml, prefix, embedded, lineOffset);

        if (rootMap is not null && (apiVersion.StartsWith("kustomize.config.k8s.io/", StringComparison.Ordinal)
            || (apiVersion.Length == 0 && (kustomizationFile || kind is "Kustomization" or "Component"))))
        {
            KustomizeEntries(context, rootMap.Get("images"), sites);
        }

        if (rootMap is not null && apiVersion.StartsWith("kustomize.toolkit.fluxcd.io/", StringComparison.Ordinal))
        {
            KustomizeEntries(context, (rootMap.Get("spec") as YamlMappingNode)?.Get("images"), sites);
        }

        if (rootMap is not null && kind == "Application" && apiVersion.StartsWith("argoproj.io/", StringComparison.Ordinal))
        {
            foreach (var source in ArgoCdSources(rootMap))
            {
                ArgoCdSource(context, source, sites);
            }
        }

        if (rootMap is not null && argoSourceFile)
        {
            ArgoCdSource(context, rootMap, sites);
        }

        foreach (var node in YamlText.Descendants(root))
        {
            if (node is YamlMappingNode map)
            {
                HelmGroup(context, map, sites);
            }
            else if (node is YamlScalarNode { IsKey: false } scalar)
            {
                Marker(context, scalar, sites);
            }
        }
    }

    internal static IEnumerable<YamlMappingNode> ArgoCdSources(YamlMappingNode application)
    {
        if (application.Get("spec") is not YamlMappingNode spec)
        {
            yield break;
        }

        if (spec.Get("source") is YamlMappingNode single)
        {
            yield return single;
        }

        if (spec.Get("sources") is YamlSequenceNode many)
        {
            foreach (var s in many.Items.OfType<YamlMappingNode>())
            {
                yield return s;
            }
        }
    }

    /// <summary>Where nodes of one text sit in the file: path prefix, embedding and line offset.</summary>
    internal sealed record Context(YamlText Yaml, string Prefix, EmbeddedBlock? Embedded, int LineOffset)
    {
        public string PathOf(YamlNode node) => Prefix + node.Path;

        public int LineOf(YamlNode node) => node.Line + LineOffset;
    }

    private static void KustomizeEntries(Context context, YamlNode? images, List<ImageSite> sites)
    {
        if (images is not YamlSequenceNode seq)
        {
            return;
        }

        foreach (var entry in seq.Items.OfType<YamlMappingNode>())
        {
            var name = entry.GetScalar("name");
            if (name is null)
            {
                continue;
            }

            var newName = entry.GetScalar("newName");
            var newTag = entry.GetScalar("newTag");
            var digest = entry.GetScalar("digest");
            var effective = newName ?? name;
            var primary = newTag ?? digest ?? effective;
            sites.Add(new ImageSite
            {
                Kind = SiteKind.KustomizeImage,
                Where = context,
                Path = context.Prefix + YamlPath.Named(seq.Path, name.Value) + "." + (newTag is not null ? "newTag" : digest is not null ? "digest" : newName is not null ? "newName" : "name"),
                Line = context.LineOf(primary),
                Repository = newName ?? name,
                Tag = newTag,
                Digest = digest,
                Entry = entry,
                RepositoryText = effective.Value,
                RepositoryName = Normalize(effective.Value),
                EntryName = name.Value,
            });
        }
    }

    private static void ArgoCdSource(Context context, YamlMappingNode source, List<ImageSite> sites)
    {
        if (source.Get("kustomize") is YamlMappingNode kustomize && kustomize.Get("images") is YamlSequenceNode images)
        {
            foreach (var item in images.Items.OfType<YamlScalarNode>())
            {
                var eq = item.Value.IndexOf('=', StringComparison.Ordinal);
                var prefix = eq >= 0 ? item.Value[..(eq + 1)] : "";
                var reference = item.Value[prefix.Length..];
                ImageReference.TryParse(reference, out var parsed, out _);
                sites.Add(new ImageSite
                {
                    Kind = SiteKind.ArgoCdKustomizeImage,
                    Where = context,
                    Path = context.PathOf(item),
                    Line = context.LineOf(item),
                    Reference = item,
                    ReferencePrefix = prefix,
                    RepositoryText = parsed?.Repository ?? reference,
                    RepositoryName = parsed?.Name,
                });
            }
        }

        if (source.Get("helm") is not YamlMappingNode helm)
        {
            return;
        }

        if (helm.Get("parameters") is YamlSequenceNode parameters)
        {
            ArgoCdParameters(context, parameters, sites);
        }

        if (helm.Get("values") is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Literal } block && context.Embedded is null)
        {
            var embedded = EmbeddedYaml.TryOpen(context.Yaml, block, context.PathOf(block));
            if (embedded is not null)
            {
                foreach (var doc in embedded.Inner.Documents)
                {
                    Walk(embedded.Inner, doc.Root, embedded.OuterPath + "|", embedded, context.LineOf(block), sites, argoSourceFile: false);
                }
            }
        }
    }

    private static void ArgoCdParameters(Context context, YamlSequenceNode parameters, List<ImageSite> sites)
    {
        var byName = new Dictionary<string, YamlScalarNode>(StringComparer.Ordinal);
        foreach (var item in parameters.Items.OfType<YamlMappingNode>())
        {
            if (item.GetScalar("name") is { } name && item.GetScalar("value") is { } value)
            {
                byName.TryAdd(name.Value, value);
            }
        }

        foreach (var (name, value) in byName)
        {
            if (name == "tag" || name.EndsWith(".tag", StringComparison.Ordinal))
            {
                var group = name.Length > 3 ? name[..^4] : "";
                var dot = group.Length == 0 ? "" : group + ".";
                var repository = byName.GetValueOrDefault(dot + "repository") ?? byName.GetValueOrDefault(dot + "image");
                var registry = byName.GetValueOrDefault(dot + "registry");
                sites.Add(GroupSite(context, SiteKind.ArgoCdHelmParameters, value, byName.GetValueOrDefault(dot + "digest"), repository, registry));
            }
            else if ((name == "image" || name.EndsWith(".image", StringComparison.Ordinal)) && !byName.ContainsKey(name[..^5] + "tag")
                && ImageReference.TryParse(value.Value, out var parsed, out _) && (parsed.Tag is not null || parsed.Digest is not null))
            {
                sites.Add(StringSite(context, value, parsed, SiteKind.ArgoCdHelmParameters));
            }
        }
    }

    private static void HelmGroup(Context context, YamlMappingNode map, List<ImageSite> sites)
    {
        var tag = map.GetScalar("tag");
        var digest = map.GetScalar("digest");
        var repository = map.GetScalar("repository");
        var image = map.GetScalar("image");
        if ((tag is not null || digest is not null) && (repository ?? image) is { } repo && !IsReference(repo.Value))
        {
            sites.Add(GroupSite(context, SiteKind.HelmValues, tag, digest, repo, map.GetScalar("registry")));
            return;
        }

        // "image: repo:tag" in values, and containers[].image / initContainers[].image in manifests.
        if (image is not null && image.Value.Length > 0 && ImageReference.TryParse(image.Value, out var parsed, out _))
        {
            sites.Add(StringSite(context, image, parsed, SiteKind.ImageString));
        }
    }

    /// <summary>A site whose whole reference is one scalar; <paramref name="parsed"/> is null when the current value is not a reference.</summary>
    internal static ImageSite StringSite(Context context, YamlScalarNode scalar, ImageReference? parsed, SiteKind kind) => new()
    {
        Kind = kind,
        Where = context,
        Path = context.PathOf(scalar),
        Line = context.LineOf(scalar),
        Reference = scalar,
        RepositoryText = parsed?.Repository,
        RepositoryName = parsed?.Name,
    };

    /// <summary>A site of split values: registry, repository, tag and digest scalars (at least a tag or a digest).</summary>
    internal static ImageSite GroupSite(Context context, SiteKind kind, YamlScalarNode? tag, YamlScalarNode? digest, YamlScalarNode? repository, YamlScalarNode? registry)
    {
        var primary = tag ?? digest ?? throw new ArgumentException("a group needs a tag or a digest", nameof(tag));
        var text = repository is null ? null : Join(registry?.Value, repository.Value);
        return new ImageSite
        {
            Kind = kind,
            Where = context,
            Path = context.PathOf(primary),
            Line = context.LineOf(primary),
            Registry = registry,
            Repository = repository,
            Tag = tag,
            Digest = digest,
            RepositoryText = text,
            RepositoryName = Normalize(text),
        };
    }

    private static void Marker(Context context, YamlScalarNode scalar, List<ImageSite> sites)
    {
        var comment = context.Yaml.TrailingComment(scalar);
        if (comment is null || !TryParseMarker(comment, out var id, out var field, out var flux))
        {
            return;
        }

        string? repositoryText = null;
        if (field == MarkerField.Reference && ImageReference.TryParse(scalar.Value, out var parsed, out _))
        {
            repositoryText = parsed.Repository;
        }
        else if (field == MarkerField.Name)
        {
            repositoryText = scalar.Value;
        }

        sites.Add(new ImageSite
        {
            Kind = SiteKind.Marker,
            Where = context,
            Path = context.PathOf(scalar),
            Line = context.LineOf(scalar),
            Reference = field == MarkerField.Reference ? scalar : null,
            Tag = field == MarkerField.Tag ? scalar : null,
            Digest = field == MarkerField.Digest ? scalar : null,
            Repository = field == MarkerField.Name ? scalar : null,
            Field = field,
            MarkerId = id,
            IsFluxMarker = flux,
            RepositoryText = repositoryText,
            RepositoryName = repositoryText is null ? null : Normalize(repositoryText),
        });
    }

    /// <summary>
    /// Parses Flux's setter marker <c>{"$imagepolicy": "ns:name[:tag|:name|:digest]"}</c>
    /// (https://fluxcd.io/flux/guides/image-update/#configure-image-update-for-custom-resources)
    /// and ours, <c>gitops-bridge: alias[:tag|:name|:digest]</c>.
    /// </summary>
    internal static bool TryParseMarker(string comment, out string id, out MarkerField field, out bool flux)
    {
        id = "";
        field = MarkerField.Reference;
        flux = false;
        var m = FluxMarker().Match(comment);
        if (m.Success)
        {
            flux = true;
            var parts = m.Groups[1].Value.Split(':');
            if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
            {
                return false;
            }

            id = parts[0] + ":" + parts[1];
            return parts.Length == 2 || TryField(parts[2], out field);
        }

        m = OwnMarker().Match(comment);
        if (!m.Success)
        {
            return false;
        }

        id = m.Groups[1].Value;
        return !m.Groups[2].Success || TryField(m.Groups[2].Value, out field);
    }

    private static bool TryField(string text, out MarkerField field)
    {
        field = text switch
        {
            "tag" => MarkerField.Tag,
            "name" => MarkerField.Name,
            "digest" => MarkerField.Digest,
            _ => (MarkerField)(-1),
        };
        return (int)field >= 0;
    }

    private static bool IsReference(string value) =>
        ImageReference.TryParse(value, out var parsed, out _) && (parsed.Tag is not null || parsed.Digest is not null);

    private static string Join(string? registry, string? repository) =>
        string.IsNullOrEmpty(registry) ? repository ?? "" : registry.TrimEnd('/') + "/" + repository;

    private static string? Normalize(string? repository) =>
        repository is { Length: > 0 } && ImageReference.TryParseRepository(repository, out var name, out _) ? name : null;

    [GeneratedRegex("""^\{\s*"\$imagepolicy"\s*:\s*"([^"]*)"\s*\}$""")]
    private static partial Regex FluxMarker();

    [GeneratedRegex(@"^gitops-bridge:\s*([a-z0-9][a-z0-9._-]*)(?::([a-z]+))?\s*$")]
    private static partial Regex OwnMarker();
}
