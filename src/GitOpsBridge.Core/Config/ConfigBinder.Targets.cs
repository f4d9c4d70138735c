namespace GitOpsBridge.Core.Config;

internal sealed partial class ConfigBinder
{
    private static readonly string[] TargetKeys = ["path", "helm", "kustomize", "manifest", "image"];
    private static readonly string[] TargetKinds = ["helm", "kustomize", "manifest", "image"];
    private static readonly string[] HelmKeys = ["image", "path", "tag", "repository", "registry", "digest"];
    private static readonly string[] HelmExplicitKeys = ["tag", "repository", "registry", "digest"];
    private static readonly string[] KustomizeKeys = ["image", "name"];
    private static readonly string[] ManifestKeys = ["image", "container"];

    private List<FileTarget> BindFiles(Fields environment, ImageReferences references)
    {
        var targets = new List<FileTarget>();
        if (environment["files"] is not { } entry)
        {
            return targets;
        }

        var path = environment.PathOf("files");
        if (entry.Value is not SequenceNode sequence)
        {
            TypeError(entry.Value, path, "a list of file targets");
            return targets;
        }

        for (var index = 0; index < sequence.Items.Count; index++)
        {
            var item = sequence.Items[index];
            var itemPath = ConfigPath.Item(path, index);
            if (AsMapping(item, itemPath) is { } mapping && BindTarget(new Fields(this, mapping, itemPath, item.Position, TargetKeys), references) is { } target)
            {
                targets.Add(target);
            }
        }

        return targets;
    }

    private FileTarget? BindTarget(Fields fields, ImageReferences references)
    {
        string? normalized = null;
        _ = ReadRequiredString(fields, "path", value =>
            RepositoryPaths.TryNormalize(value, out normalized, out var error) ? null : $"the path {error}");

        var kinds = fields.Present(TargetKinds);
        if (kinds.Count == 0)
        {
            errors.Add(fields.Owner, $"{fields.Path}: set one of helm, kustomize, manifest or image to say where the image is in the file");
            return null;
        }

        for (var index = 1; index < kinds.Count; index++)
        {
            errors.Add(kinds[index].Key.Position, $"{fields.Path}: {kinds[0].Key.Value} and {kinds[index].Key.Value} cannot be combined; a file target has exactly one of helm, kustomize, manifest or image (list the file twice for two images)");
        }

        var kind = kinds[0];
        var kindPath = fields.PathOf(kind.Key.Value);
        var target = kind.Key.Value switch
        {
            "helm" => BindHelm(kind, kindPath, references),
            "kustomize" => BindKustomize(kind, kindPath, references),
            "manifest" => BindManifest(kind, kindPath, references),
            _ => references.Resolve(this, kind.Value, kindPath) is { } alias
                ? new FileTarget(string.Empty, TargetKind.Auto, alias, null, null, null, default)
                : null,
        };

        return target is null || normalized is null ? null : target with { Path = normalized, Position = fields.Owner };
    }

    private FileTarget? BindHelm(MappingEntry entry, string path, ImageReferences references)
    {
        if (AsMapping(entry.Value, path) is not { } mapping)
        {
            return null;
        }

        var fields = new Fields(this, mapping, path, entry.Key.Position, HelmKeys);
        var alias = ReadAlias(fields, references);
        var explicitKeys = fields.Present(HelmExplicitKeys);
        HelmTarget helm;
        if (fields["path"] is not null)
        {
            foreach (var conflicting in explicitKeys)
            {
                errors.Add(conflicting.Key.Position, $"{path}: path and {conflicting.Key.Value} cannot be combined; use path for a values group or a \"repo:tag\" string, or tag/repository/registry/digest for separate keys");
            }

            helm = new HelmTarget(ReadYamlPath(fields, "path"), null, null, null, null);
        }
        else
        {
            if (fields["tag"] is null && fields["digest"] is null)
            {
                errors.Add(fields.Owner, $"{path}: set path (a values group or \"repo:tag\" string), or tag and/or digest (key paths)");
            }

            helm = new HelmTarget(null, ReadYamlPath(fields, "tag"), ReadYamlPath(fields, "repository"), ReadYamlPath(fields, "registry"), ReadYamlPath(fields, "digest"));
        }

        return alias is null ? null : new FileTarget(string.Empty, TargetKind.Helm, alias, helm, null, null, default);
    }

    private string? ReadYamlPath(Fields fields, string key) =>
        ReadString(fields, key, nullable: false, value =>
            ConfigSyntax.YamlPath().MatchesWhole(value)
                ? null
                : $"invalid YAML path {ConfigPath.Quote(value)}; write dot-separated keys with optional [index] or [field=value] selectors, e.g. image.tag or containers[name=web].image");

    private FileTarget? BindKustomize(MappingEntry entry, string path, ImageReferences references)
    {
        if (AsMapping(entry.Value, path) is not { } mapping)
        {
            return null;
        }

        var fields = new Fields(this, mapping, path, entry.Key.Position, KustomizeKeys);
        var alias = ReadAlias(fields, references);
        var name = ReadString(fields, "name", nullable: false, value =>
            ConfigSyntax.KustomizeName().MatchesWhole(value) ? null : $"expected an image name without tag or digest, as in the kustomization's images[].name; got {ConfigPath.Quote(value)}");
        // Without a name the planner matches the image by name or newName and adds an entry named after the repository.
        return alias is null ? null : new FileTarget(string.Empty, TargetKind.Kustomize, alias, null, name, null, default);
    }

    private FileTarget? BindManifest(MappingEntry entry, string path, ImageReferences references)
    {
        if (AsMapping(entry.Value, path) is not { } mapping)
        {
            return null;
        }

        var fields = new Fields(this, mapping, path, entry.Key.Position, ManifestKeys);
        var alias = ReadAlias(fields, references);
        var container = ReadString(fields, "container", nullable: false, value =>
            ConfigSyntax.Name().MatchesWhole(value) ? null : $"expected a container name (lower-case letters, digits and '-'); got {ConfigPath.Quote(value)}");
        return alias is null ? null : new FileTarget(string.Empty, TargetKind.Manifest, alias, null, null, container, default);
    }

    private string? ReadAlias(Fields fields, ImageReferences references)
    {
        if (fields["image"] is not { } entry)
        {
            fields.ReportMissing("image", " (an alias under images)");
            return null;
        }

        return references.Resolve(this, entry.Value, fields.PathOf("image"));
    }

    /// <summary>Resolves image aliases used by targets; a reference to an unknown alias is an error at the reference.</summary>
    private sealed class ImageReferences(OrderedDictionary<string, ImageConfig> images, bool aliasesKnown)
    {
        public string? Resolve(ConfigBinder binder, ConfigNode node, string path)
        {
            if (binder.AsString(node, path) is not { } alias)
            {
                return null;
            }

            if (!aliasesKnown || images.ContainsKey(alias))
            {
                return alias;
            }

            var suggestion = Suggestions.Closest(alias, images.Keys);
            var advice = suggestion is not null
                ? $" (did you mean \"{suggestion}\"?)"
                : images.Count == 0 ? "; declare it under images" : $"; images are {string.Join(", ", images.Keys)}";
            binder.Error(node, path, $"unknown image {ConfigPath.Quote(alias)}{advice}");
            return null;
        }
    }
}
