using System.Collections.Frozen;
using GitOpsBridge.Core.Sources;

namespace GitOpsBridge.Sources;

/// <summary>The sources of <c>Sources:*</c>, validated once at start-up.</summary>
internal sealed class SourceCatalog
{
    /// <summary>The name <c>github</c> belongs to GitHub App events (GHCR, Actions, dispatch).</summary>
    public const string GitHub = "github";

    private static readonly FrozenDictionary<string, SourceKind> Kinds = new Dictionary<string, SourceKind>(StringComparer.Ordinal)
    {
        ["dockerhub"] = SourceKind.DockerHub,
        ["acr"] = SourceKind.Acr,
        ["harbor"] = SourceKind.Harbor,
        ["quay"] = SourceKind.Quay,
        ["distribution"] = SourceKind.Distribution,
        ["gar"] = SourceKind.Gar,
        ["ecr"] = SourceKind.Ecr,
        ["gitlab"] = SourceKind.GitLab,
        ["azuredevops"] = SourceKind.AzureDevOps,
        ["circleci"] = SourceKind.CircleCi,
        ["jenkins"] = SourceKind.Jenkins,
        ["spinnaker"] = SourceKind.Spinnaker,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, ConfiguredSource> sources;

    public SourceCatalog(IEnumerable<ConfiguredSource> sources) =>
        this.sources = sources.ToFrozenDictionary(s => s.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<ConfiguredSource> All => sources.Values;

    public ConfiguredSource? Find(string name) => sources.GetValueOrDefault(name);

    public static bool IsRegistryKind(SourceKind kind) => RegistryPayloads.IsRegistryKind(kind);

    /// <summary>The lower-case word for a kind, as written in configuration.</summary>
    public static string KindName(SourceKind kind) => Kinds.First(k => k.Value == kind).Key;

    /// <summary>Reads and validates <c>Sources:*</c>.</summary>
    /// <exception cref="SourceConfigurationException">A source is incomplete or wrong; the message names the key.</exception>
    public static SourceCatalog From(IConfiguration configuration)
    {
        var list = new List<ConfiguredSource>();
        var errors = new List<string>();
        foreach (var section in configuration.GetSection("Sources").GetChildren())
        {
            var name = section.Key;
            var key = $"Sources:{name}";
            var options = section.Get<SourceOptions>() ?? new SourceOptions();
            if (!IsValidName(name) || name == GitHub)
            {
                errors.Add($"{key}: a source name is lower-case letters, digits and '-', at most 63 characters, and not '{GitHub}'");
                continue;
            }

            if (options.Kind is null || !Kinds.TryGetValue(options.Kind.Trim().ToLowerInvariant(), out var kind))
            {
                errors.Add($"{key}:Kind must be one of {string.Join(", ", Kinds.Keys)}");
                continue;
            }

            if (string.IsNullOrWhiteSpace(options.Secret) && !(kind == SourceKind.Gar && !string.IsNullOrWhiteSpace(options.Audience)))
            {
                errors.Add(kind == SourceKind.Gar ? $"{key}:Secret or {key}:Audience must be set" : $"{key}:Secret must be set");
            }

            options.Owners = options.Owners.Where(o => !string.IsNullOrWhiteSpace(o)).Select(o => o.Trim()).ToList();
            if (options.Owners.Count == 0)
            {
                errors.Add($"{key}:Owners must list at least one GitHub account whose installations this source may trigger");
            }

            list.Add(new ConfiguredSource(name, kind, options));
        }

        if (errors.Count > 0)
        {
            throw new SourceConfigurationException("Invalid event sources: " + string.Join("; ", errors));
        }

        return new SourceCatalog(list);
    }

    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && name[0] != '-' && name[^1] != '-';
}
