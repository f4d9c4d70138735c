using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Manifests;
using GitOpsBridge.Core.Policies;
using GitOpsBridge.Core.Yaml;

namespace GitOpsBridge.Core.Planning;

/// <summary>What to plan for: a new image, the repository's config (if any) and how to look.</summary>
/// <param name="Image">The new image: repository with tag, digest, or both.</param>
/// <param name="Config">The repository's parsed config, or null when it has none.</param>
/// <param name="Environment">Only this environment, or all.</param>
/// <param name="Discover">Also bump every discovered reference to the image, outside the config's targets.</param>
/// <param name="Source">The event source's name, checked against an image's <c>sources</c>.</param>
/// <param name="Pinned">A person pinned this version: it is written even when it is lower than the current one (a deliberate rollback). The policy still applies.</param>
/// <param name="Promoted">The version is promoted from the environment's <c>promoteFrom</c>: an environment with one is planned too, instead of awaiting promotion.</param>
public sealed record PlanRequest(ImageReference Image, RepositoryConfig? Config, string? Environment = null, bool Discover = false, string? Source = null, bool Pinned = false, bool Promoted = false);

/// <summary>
/// The pure heart of the bridge: from (event, config, file contents) to a <see cref="Plan"/> of
/// byte-exact file edits grouped by environment, with an explanation for every target, changed or
/// skipped. It reads files only through <see cref="IRepositoryFiles"/> and touches nothing else.
/// </summary>
public static class Planner
{
    public static Plan Create(PlanRequest request, IRepositoryFiles files)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(files);
        var state = new State(request, files);
        var config = request.Config;
        var aliases = config is null
            ? []
            : config.Images.Values.Where(i => ImageReference.TryParseRepository(i.Repository, out var n, out _) && n == request.Image.Name).ToList();

        if (config is not null)
        {
            if (request.Environment is not null && !config.Environments.ContainsKey(request.Environment))
            {
                throw new ArgumentException($"no environment \"{request.Environment}\" in {RepositoryConfig.FilePath}", nameof(request));
            }

            if (aliases.Count == 0 && !(config.Discover || request.Discover))
            {
                state.Skip(null, null, null, ReasonCodes.NotTracked, $"no image in {RepositoryConfig.FilePath} has the repository {request.Image.Repository}");
            }

            foreach (var image in aliases)
            {
                if (request.Source is not null && image.Sources.Count > 0 && !image.Sources.Contains(request.Source, StringComparer.Ordinal))
                {
                    state.Skip(null, null, null, ReasonCodes.SourceNotAllowed, $"image {image.Alias} accepts only the sources {string.Join(", ", image.Sources)}, not {request.Source}");
                }
                else
                {
                    PlanConfigured(state, config, image);
                }
            }
        }

        if (config is null || config.Discover || request.Discover)
        {
            PlanDiscovered(state, config);
        }

        return state.Finish();
    }

    private static void PlanConfigured(State state, RepositoryConfig config, ImageConfig image)
    {
        foreach (var env in config.Environments.Values)
        {
            if (state.Request.Environment is not null && env.Name != state.Request.Environment)
            {
                continue;
            }

            foreach (var target in env.Files.Where(t => t.Image == image.Alias))
            {
                state.Targeted.Add(target.Path);
                if (env.PromoteFrom is not null && !state.Request.Promoted)
                {
                    state.Skip(env.Name, target.Path, null, ReasonCodes.AwaitingPromotion,
                        $"awaiting promotion: {env.Name} takes {image.Alias} from {env.PromoteFrom} once that environment's change merges");
                    continue;
                }

                var work = state.Open(env.Name, target.Path, explicitTarget: true);
                if (work is null)
                {
                    continue;
                }

                var request = new BumpRequest(state.ImageFor(image), image.Digest, PolicyOf(image), Explicit: target.Kind != TargetKind.Auto, AllowDowngrade: state.Request.Pinned);
                switch (target.Kind)
                {
                    case TargetKind.Helm:
                        var (sites, problem) = TargetSites.Helm(work.Yaml, target.Helm!, work.Sites);
                        if (problem is not null)
                        {
                            state.Skip(env.Name, target.Path, target.Helm!.Path ?? target.Helm.Tag, ReasonCodes.NoMatch, problem);
                        }

                        foreach (var site in sites)
                        {
                            if (site.RepositoryName is not null && site.RepositoryName != state.Request.Image.Name)
                            {
                                state.Skip(env.Name, target.Path, site.Path, ReasonCodes.MapsElsewhere,
                                    $"{site.Path} names {site.RepositoryText}, not {image.Repository}; fix the target or the values");
                                continue;
                            }

                            work.Bump(site, request);
                        }

                        break;
                    case TargetKind.Kustomize:
                        Kustomize(state, work, target, image, request);
                        break;
                    case TargetKind.Manifest:
                        var containers = work.Sites.Where(s => s.Kind == SiteKind.ImageString && s.RepositoryName == state.Request.Image.Name && IsContainer(s, target.Container)).ToList();
                        if (containers.Count == 0)
                        {
                            state.Skip(env.Name, target.Path, null, ReasonCodes.NoMatch,
                                $"no container{(target.Container is null ? "" : $" named {target.Container}")} uses {image.Repository}");
                        }

                        containers.ForEach(s => work.Bump(s, request));
                        break;
                    default:
                        var found = work.Sites.Where(s => Matches(s, state.Request.Image, config) == image).ToList();
                        if (found.Count == 0)
                        {
                            state.Skip(env.Name, target.Path, null, ReasonCodes.NoMatch, $"no reference to {image.Repository} found");
                        }

                        found.ForEach(s => work.Bump(s, request));
                        break;
                }
            }
        }
    }

    private static void Kustomize(State state, FileWork work, FileTarget target, ImageConfig image, BumpRequest request)
    {
        var roots = work.Yaml.Documents
            .Where(d => d.Root is YamlMappingNode m && ImageSiteLocator.IsKustomization(m, work.Path))
            .ToList();
        if (roots.Count != 1)
        {
            state.Skip(work.Environment, work.Path, null, roots.Count == 0 ? ReasonCodes.NoMatch : ReasonCodes.Ambiguous,
                roots.Count == 0 ? "not a kustomization (no kustomize.config.k8s.io document)" : "more than one kustomization document in the file");
            return;
        }

        var name = target.KustomizeName ?? image.Repository;
        var entries = work.Sites.Where(s => s.Kind == SiteKind.KustomizeImage
            && (s.EntryName == name || (target.KustomizeName is null && (s.RepositoryName == state.Request.Image.Name || NameOf(s.EntryName) == state.Request.Image.Name)))).ToList();
        if (entries.Count > 1)
        {
            state.Skip(work.Environment, work.Path, "images", ReasonCodes.Ambiguous,
                $"{entries.Count} images entries match {name} (lines {string.Join(", ", entries.Select(e => e.Line))}); name one with kustomize.name");
            return;
        }

        if (entries.Count == 1)
        {
            var entry = entries[0];
            if (entry.RepositoryName != state.Request.Image.Name && entry.Entry!.GetScalar("newName") is { } newName)
            {
                state.Skip(work.Environment, work.Path, entry.Path, ReasonCodes.MapsElsewhere, $"the entry {entry.EntryName} maps to newName {newName.Value}, not {image.Repository}");
                return;
            }

            work.Bump(entry, request);
            return;
        }

        var img = request.Image;
        var (tag, digest) = request.Digest switch
        {
            DigestMode.Pin => (img.Tag, img.Digest),
            DigestMode.Only => (null, img.Digest),
            _ => (img.Tag, img.Tag is null ? img.Digest : null),
        };
        if ((request.Digest != DigestMode.Only && tag is null) || (request.Digest != DigestMode.Keep && digest is null))
        {
            state.Skip(work.Environment, work.Path, "images", tag is null ? "no-tag" : "no-digest", "the event lacks the tag or digest the new images entry needs");
            return;
        }

        var root = (YamlMappingNode)roots[0].Root!;
        var newNameText = NameOf(name) == state.Request.Image.Name ? null : image.Repository;
        work.AddEntry(new KustomizeEntryAddition(root, name, newNameText, tag, digest, roots[0].Index, work.Yaml.Documents.Count));
    }

    private static void PlanDiscovered(State state, RepositoryConfig? config)
    {
        var image = state.Request.Image;
        var needle = image.Path[(image.Path.LastIndexOf('/') + 1)..];
        foreach (var path in state.Files.YamlFiles.OrderBy(p => p, StringComparer.Ordinal))
        {
            if (state.Targeted.Contains(path) || path == RepositoryConfig.FilePath)
            {
                continue;
            }

            var file = state.Files.Read(path);
            if (file is null)
            {
                continue;
            }

            // Cheap pre-filter: a file that names neither the image nor a marker has no reference to it.
            if (file.Text is not null && !file.Text.Contains(needle, StringComparison.Ordinal)
                && !file.Text.Contains("$imagepolicy", StringComparison.Ordinal) && !file.Text.Contains("gitops-bridge:", StringComparison.Ordinal))
            {
                continue;
            }

            var work = state.Open(null, path, explicitTarget: false);
            if (work is null)
            {
                continue;
            }

            foreach (var site in work.Sites)
            {
                var owner = Matches(site, image, config);
                if (owner is null && !IsUnconfiguredMatch(site, image, config))
                {
                    if (site.Kind == SiteKind.KustomizeImage && NameOf(site.EntryName) == image.Name && site.RepositoryName != image.Name)
                    {
                        state.Skip(null, path, site.Path, ReasonCodes.MapsElsewhere, $"the entry {site.EntryName} maps to newName {site.RepositoryText}");
                    }

                    continue;
                }

                var request = owner is null
                    ? new BumpRequest(image, DigestMode.Keep, null, Explicit: false)
                    : new BumpRequest(state.ImageFor(owner), owner.Digest, PolicyOf(owner), Explicit: false, AllowDowngrade: state.Request.Pinned);
                work.Bump(site, request);
            }
        }
    }

    /// <summary>The configured image a site belongs to: by marker id, else by repository.</summary>
    private static ImageConfig? Matches(ImageSite site, ImageReference image, RepositoryConfig? config)
    {
        if (config is null)
        {
            return null;
        }

        if (site.Kind == SiteKind.Marker && site.MarkerId is not null)
        {
            var byMarker = config.Images.Values.FirstOrDefault(i => site.IsFluxMarker ? i.FluxPolicy == site.MarkerId : i.Alias == site.MarkerId);
            if (byMarker is not null)
            {
                return NameOf(byMarker.Repository) == image.Name ? byMarker : null;
            }
        }

        return site.RepositoryName == image.Name
            ? config.Images.Values.FirstOrDefault(i => NameOf(i.Repository) == image.Name)
            : null;
    }

    /// <summary>Without a mapping in config, a site matches when its current repository is the event's.</summary>
    private static bool IsUnconfiguredMatch(ImageSite site, ImageReference image, RepositoryConfig? config)
    {
        if (site.RepositoryName != image.Name)
        {
            return false;
        }

        // A marker mapped in config to another image belongs to that image, whatever it holds now.
        return !(site.Kind == SiteKind.Marker && config is not null && config.Images.Values.Any(i => site.IsFluxMarker ? i.FluxPolicy == site.MarkerId : i.Alias == site.MarkerId));
    }

    private static bool IsContainer(ImageSite site, string? container)
    {
        var path = site.Reference!.Path;
        if (!(path.Contains("containers[", StringComparison.Ordinal) || path.Contains("initContainers[", StringComparison.Ordinal)))
        {
            return false;
        }

        return container is null || (site.Reference.Parent as YamlMappingNode)?.GetScalar("name")?.Value == container;
    }

    private static string? NameOf(string? repository) =>
        repository is not null && ImageReference.TryParseRepository(repository, out var n, out _) ? n : null;

    internal static TagPolicy? PolicyOf(ImageConfig image)
    {
        var p = image.Policy;
        if (p is null)
        {
            return null;
        }

        if (p.Any)
        {
            return TagPolicy.Any;
        }

        if (p.Semver is not null)
        {
            return TagPolicy.Semver(p.Semver, p.Prerelease);
        }

        return p.Pattern is not null
            ? TagPolicy.Pattern(p.Pattern, p.Extract, p.Order == PatternOrder.Alphabetical ? TagOrder.Alphabetical : TagOrder.Numerical)
            : null;
    }

    /// <summary>Per-file work: the parsed file and the changes planned in it.</summary>
    private sealed class FileWork(State state, string? environment, string path, RepositoryFile file, YamlText yaml, List<ImageSite> sites)
    {
        public string? Environment { get; } = environment;

        public string Path { get; } = path;

        public RepositoryFile File { get; } = file;

        public YamlText Yaml { get; } = yaml;

        public List<ImageSite> Sites { get; } = sites;

        public List<ScalarChange> Changes { get; } = [];

        public List<KeyAddition> Keys { get; } = [];

        public List<KustomizeEntryAddition> Entries { get; } = [];

        public void Bump(ImageSite site, BumpRequest request)
        {
            if (Changes.Any(c => c.Site.Primary == site.Primary))
            {
                return;
            }

            var result = ImageBump.Compute(site, request);
            if (result.IsSkip)
            {
                state.Skip(Environment, Path, site.Path, result.ReasonCode!, result.Reason);
                return;
            }

            Changes.AddRange(result.Changes);
            Keys.AddRange(result.Additions);
        }

        public void AddEntry(KustomizeEntryAddition entry) => Entries.Add(entry);
    }

    private sealed class State(PlanRequest request, IRepositoryFiles files)
    {
        private readonly List<FileWork> _work = [];
        private readonly List<SkippedTarget> _skipped = [];

        public PlanRequest Request { get; } = request;

        public IRepositoryFiles Files { get; } = files;

        public HashSet<string> Targeted { get; } = new(StringComparer.Ordinal);

        public void Skip(string? env, string? file, string? yamlPath, string code, string reason) =>
            _skipped.Add(new SkippedTarget(env, file, yamlPath, code, reason));

        /// <summary>The event's image, written with the repository as the config spells it.</summary>
        public ImageReference ImageFor(ImageConfig image) => Request.Image.WithRepository(image.Repository);

        public FileWork? Open(string? env, string path, bool explicitTarget)
        {
            var existing = _work.FirstOrDefault(w => w.Environment == env && w.Path == path);
            if (existing is not null)
            {
                return existing;
            }

            if (!RepositoryPaths.TryNormalize(path, out var normalized, out var pathError))
            {
                Skip(env, path, null, ReasonCodes.PathEscapes, pathError ?? "the path leaves the repository");
                return null;
            }

            var file = Files.Read(normalized);
            if (file is null)
            {
                Skip(env, path, null, ReasonCodes.MissingFile, $"{path} does not exist");
                return null;
            }

            if (file.Text is null)
            {
                Skip(env, path, null, file.ProblemCode ?? ReasonCodes.UnsafeEdit, file.Problem ?? "the file cannot be read as text");
                return null;
            }

            // The host checks these too; the core does not trust any host to.
            if (file.Text.Length > RepositoryFile.MaxBytes || file.Text.Contains('\0', StringComparison.Ordinal))
            {
                Skip(env, path, null, file.Text.Length > RepositoryFile.MaxBytes ? "file-too-large" : "binary-file",
                    file.Text.Length > RepositoryFile.MaxBytes ? $"{path} is larger than 5 MB; it is not edited" : $"{path} is binary (it contains NUL characters)");
                return null;
            }

            YamlText yaml;
            try
            {
                yaml = YamlText.Parse(file.Text);
            }
            catch (ManifestEditException ex)
            {
                // Discovery reads every YAML-named file; only report those that mention the image.
                if (explicitTarget || file.Text.Contains(Request.Image.Path, StringComparison.Ordinal))
                {
                    Skip(env, path, null, ReasonCodes.InvalidYaml, ex.Message);
                }

                return null;
            }

            var work = new FileWork(this, env, normalized, file, yaml, ImageSiteLocator.Locate(yaml, normalized));
            _work.Add(work);
            return work;
        }

        public Plan Finish()
        {
            var changes = new List<PlannedChange>();
            var edits = new List<FileEdit>();
            foreach (var work in _work)
            {
                if (work.Changes.Count == 0 && work.Keys.Count == 0 && work.Entries.Count == 0)
                {
                    continue;
                }

                string newText;
                try
                {
                    newText = ManifestEditor.Apply(work.Yaml, work.Changes, work.Keys, work.Entries);
                }
                catch (ManifestEditException ex)
                {
                    foreach (var site in work.Changes.Select(c => c.Site).Distinct())
                    {
                        Skip(work.Environment, work.Path, site.Path, ReasonCodes.UnsafeEdit, ex.Message);
                    }

                    foreach (var entry in work.Entries)
                    {
                        Skip(work.Environment, work.Path, entry.Path, ReasonCodes.UnsafeEdit, ex.Message);
                    }

                    continue;
                }

                edits.Add(new FileEdit(work.Environment, work.Path, work.File.Text!, newText));
                changes.AddRange(work.Changes.Select(c => new PlannedChange(work.Environment, work.Path, c.Path, c.Line, c.Node.Value, c.NewValue)));
                changes.AddRange(work.Keys.Select(k => new PlannedChange(work.Environment, work.Path, k.Path, LineAfter(work, k.Entry), "", k.Value)));
                changes.AddRange(work.Entries.Select(e => new PlannedChange(work.Environment, work.Path, e.Path, LineAfter(work, e.Root), "", e.NewTag ?? e.Digest ?? "")));
            }

            return new Plan(
                changes.OrderBy(c => c.Environment is null ? 1 : 0).ThenBy(c => c.File, StringComparer.Ordinal).ThenBy(c => c.Line).ToList(),
                _skipped,
                edits);
        }

        private static int LineAfter(FileWork work, YamlNode node)
        {
            var text = work.Yaml.Text;
            var end = Math.Min(node.End, text.Length);
            var line = 1;
            for (var i = 0; i < end; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                }
            }

            return line + 1;
        }
    }
}
