using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Yaml;

namespace GitOpsBridge.Core.Manifests;

/// <summary>
/// Resolves a configured file target to the sites it names. Helm targets name paths relative to
/// the values root: the document itself for a values file, <c>spec.values</c> for a Flux
/// HelmRelease, and <c>helm.valuesObject</c>, <c>helm.values</c> or <c>helm.parameters</c> for an
/// Argo CD Application.
/// </summary>
internal static class TargetSites
{
    /// <summary>Sites for a Helm target; a message when the path names nothing editable.</summary>
    public static (List<ImageSite> Sites, string? Problem) Helm(YamlText yaml, HelmTarget target, IReadOnlyList<ImageSite> located)
    {
        var sites = new List<ImageSite>();
        string? alias = null;
        foreach (var doc in yaml.Documents)
        {
            var prefix = YamlPath.WithDocument(doc.Index, yaml.Documents.Count, "");
            foreach (var (root, context, parameters) in ValuesRoots(yaml, doc.Root, prefix, located))
            {
                if (parameters is not null)
                {
                    sites.AddRange(FromParameters(context, parameters, target));
                }
                else if (root is not null && FromValues(context, root, target) is { } site)
                {
                    sites.Add(site);
                }
                else if (root is not null)
                {
                    alias ??= AliasAt(root, target);
                }
            }
        }

        var wanted = target.Path ?? target.Tag ?? target.Digest ?? "";
        return sites.Count > 0 ? (sites, null)
            : alias is not null ? (sites, $"{wanted} is an alias of &{alias}; changing the anchor would change every alias of it, so edit it by hand")
            : (sites, $"no editable value at {wanted}");
    }

    /// <summary>The anchor name when the target's value, or its tag, is an alias.</summary>
    private static string? AliasAt(YamlNode root, HelmTarget target)
    {
        var node = Resolve(root, target.Path ?? target.Tag ?? target.Digest ?? "");
        if (node is YamlMappingNode group)
        {
            node = group.Get("tag") ?? group.Get("digest");
        }

        return (node as YamlAliasNode)?.Name;
    }

    private static IEnumerable<(YamlNode? Root, ImageSiteLocator.Context Context, YamlSequenceNode? Parameters)> ValuesRoots(
        YamlText yaml, YamlNode? root, string prefix, IReadOnlyList<ImageSite> located)
    {
        var context = new ImageSiteLocator.Context(yaml, prefix, null, 0);
        var map = root as YamlMappingNode;
        var kind = map?.GetScalar("kind")?.Value;
        var apiVersion = map?.GetScalar("apiVersion")?.Value ?? "";
        if (kind == "HelmRelease" && apiVersion.StartsWith("helm.toolkit.fluxcd.io/", StringComparison.Ordinal))
        {
            yield return ((map!.Get("spec") as YamlMappingNode)?.Get("values"), context, null);
            yield break;
        }

        if (kind == "Application" && apiVersion.StartsWith("argoproj.io/", StringComparison.Ordinal))
        {
            foreach (var source in ImageSiteLocator.ArgoCdSources(map!))
            {
                if (source.Get("helm") is not YamlMappingNode helm)
                {
                    continue;
                }

                if (helm.Get("valuesObject") is YamlMappingNode valuesObject)
                {
                    yield return (valuesObject, context, null);
                }

                if (helm.Get("parameters") is YamlSequenceNode parameters)
                {
                    yield return (null, context, parameters);
                }

                if (helm.Get("values") is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Literal } block
                    && EmbeddedYaml.TryOpen(yaml, block, context.PathOf(block)) is { } embedded)
                {
                    var inner = new ImageSiteLocator.Context(embedded.Inner, embedded.OuterPath + "|", embedded, context.LineOf(block));
                    foreach (var doc in embedded.Inner.Documents)
                    {
                        yield return (doc.Root, inner, null);
                    }
                }
            }

            yield break;
        }

        yield return (root, context, null);
    }

    private static ImageSite? FromValues(ImageSiteLocator.Context context, YamlNode root, HelmTarget target)
    {
        if (target.Path is not null)
        {
            var node = Resolve(root, target.Path);
            if (node is YamlScalarNode scalar)
            {
                // A single "repo:tag" string; an empty or unparsable one is reported by the bump.
                ImageReference.TryParse(scalar.Value, out var parsed, out _);
                return ImageSiteLocator.StringSite(context, scalar, parsed, SiteKind.ImageString);
            }

            if (node is YamlMappingNode group)
            {
                return Group(context, group.GetScalar("tag"), group.GetScalar("digest"), group.GetScalar("repository") ?? group.GetScalar("image"), group.GetScalar("registry"));
            }

            return null;
        }

        return Group(
            context,
            target.Tag is null ? null : Resolve(root, target.Tag) as YamlScalarNode,
            target.Digest is null ? null : Resolve(root, target.Digest) as YamlScalarNode,
            target.Repository is null ? null : Resolve(root, target.Repository) as YamlScalarNode,
            target.Registry is null ? null : Resolve(root, target.Registry) as YamlScalarNode,
            requireAll: target);
    }

    private static ImageSite? Group(ImageSiteLocator.Context context, YamlScalarNode? tag, YamlScalarNode? digest, YamlScalarNode? repository, YamlScalarNode? registry, HelmTarget? requireAll = null)
    {
        if (tag is null && digest is null)
        {
            return null;
        }

        // Every path the target names must exist: a half-found group would be a silent partial edit.
        if (requireAll is not null && ((requireAll.Tag is not null && tag is null) || (requireAll.Digest is not null && digest is null)
            || (requireAll.Repository is not null && repository is null) || (requireAll.Registry is not null && registry is null)))
        {
            return null;
        }

        return ImageSiteLocator.GroupSite(context, SiteKind.HelmValues, tag, digest, repository, registry);
    }

    private static IEnumerable<ImageSite> FromParameters(ImageSiteLocator.Context context, YamlSequenceNode parameters, HelmTarget target)
    {
        YamlScalarNode? Value(string? name) => name is null
            ? null
            : parameters.Items.OfType<YamlMappingNode>().FirstOrDefault(p => p.GetScalar("name")?.Value == name)?.GetScalar("value");

        if (target.Path is not null)
        {
            var whole = Value(target.Path);
            if (whole is not null)
            {
                ImageReference.TryParse(whole.Value, out var parsed, out _);
                yield return ImageSiteLocator.StringSite(context, whole, parsed, SiteKind.ArgoCdHelmParameters);
                yield break;
            }

            var site = Group(context, Value(target.Path + ".tag"), Value(target.Path + ".digest"), Value(target.Path + ".repository") ?? Value(target.Path + ".image"), Value(target.Path + ".registry"));
            if (site is not null)
            {
                yield return site;
            }

            yield break;
        }

        var explicitSite = Group(context, Value(target.Tag), Value(target.Digest), Value(target.Repository), Value(target.Registry), requireAll: target);
        if (explicitSite is not null)
        {
            yield return explicitSite;
        }
    }

    private static YamlNode? Resolve(YamlNode root, string path) =>
        YamlPath.TryParse(path, out var segments, out _) ? YamlPath.Resolve(root, segments) : null;
}
