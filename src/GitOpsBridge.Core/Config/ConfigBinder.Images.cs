using System.Text.RegularExpressions;
using Semver;

namespace GitOpsBridge.Core.Config;

internal sealed partial class ConfigBinder
{
    private static readonly string[] ImageKeys = ["repository", "policy", "digest", "fluxPolicy", "sources", "ci"];
    private static readonly string[] PolicyKeys = ["semver", "prerelease", "pattern", "extract", "order", "any"];
    private static readonly string[] PolicyForms = ["semver", "pattern", "any"];
    private static readonly string[] CiKeys = ["repository", "workflow", "branches", "tag", "verify"];

    private static readonly (string, DigestMode)[] DigestModes = [("keep", DigestMode.Keep), ("pin", DigestMode.Pin), ("only", DigestMode.Only)];
    private static readonly (string, PatternOrder)[] PatternOrders = [("numerical", PatternOrder.Numerical), ("alphabetical", PatternOrder.Alphabetical)];

    private readonly Dictionary<string, SourcePosition> fluxPolicyPositions = new(StringComparer.Ordinal);

    /// <summary>User patterns run on tags later; the timeout bounds a pathological one.</summary>
    internal static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>Returns the images (one per key, even invalid ones, so references to them don't cascade) and whether references can be checked.</summary>
    private (OrderedDictionary<string, ImageConfig> Images, bool AliasesKnown) BindImages(MappingEntry? entry)
    {
        var images = new OrderedDictionary<string, ImageConfig>(StringComparer.Ordinal);
        if (entry is null)
        {
            return (images, true);
        }

        if (AsMapping(entry.Value, "images") is not { } mapping)
        {
            return (images, false);
        }

        foreach (var image in mapping.Entries)
        {
            var alias = image.Key.Value;
            var path = ConfigPath.Child("images", alias);
            if (!ConfigSyntax.Alias().MatchesWhole(alias))
            {
                errors.Add(image.Key.Position, $"{path}: invalid image alias {ConfigPath.Quote(alias)}; use lower-case letters, digits, '.', '_' and '-', starting and ending with a letter or digit (at most 63 characters)");
            }

            images[alias] = BindImage(alias, image, path);
        }

        return (images, true);
    }

    private ImageConfig BindImage(string alias, MappingEntry entry, string path)
    {
        var position = entry.Key.Position;
        if (AsMapping(entry.Value, path) is not { } mapping)
        {
            return new ImageConfig(alias, string.Empty, null, DigestMode.Keep, null, [], null, position);
        }

        var fields = new Fields(this, mapping, path, position, ImageKeys);
        var repository = ReadRequiredString(fields, "repository", CheckRepository) ?? string.Empty;
        var policy = fields["policy"] is { } policyEntry && !IsNull(policyEntry.Value) ? BindPolicy(policyEntry, fields.PathOf("policy")) : null;
        var digest = ReadEnum(fields, "digest", DigestModes) ?? DigestMode.Keep;
        var fluxPolicy = ReadString(fields, "fluxPolicy", nullable: true, value =>
            ConfigSyntax.FluxPolicy().MatchesWhole(value) ? null : $"expected namespace:name of a Flux ImagePolicy, e.g. flux-system:api; got {ConfigPath.Quote(value)}");
        if (fluxPolicy is not null)
        {
            fluxPolicyPositions[alias] = fields["fluxPolicy"]!.Value.Position;
        }

        var sources = ReadStringList(
            fields,
            "sources",
            value => ConfigSyntax.Name().MatchesWhole(value) ? null : $"invalid event source name {ConfigPath.Quote(value)}; source names are lower-case letters, digits and '-'",
            allowEmpty: false,
            emptyHint: "leave sources out to allow every event source of the installation") ?? [];
        var ci = fields["ci"] is { } ciEntry && !IsNull(ciEntry.Value) ? BindCi(ciEntry, fields.PathOf("ci")) : null;
        return new ImageConfig(alias, repository, policy, digest, fluxPolicy, sources, ci, position);
    }

    private static string? CheckRepository(string value)
    {
        if (value.Contains('@', StringComparison.Ordinal))
        {
            return $"{ConfigPath.Quote(value)} includes a digest; give the repository only (digest handling is set by \"digest\")";
        }

        if (value[(value.LastIndexOf('/') + 1)..].Contains(':', StringComparison.Ordinal))
        {
            return $"{ConfigPath.Quote(value)} includes a tag; give the repository only (tags come from events and the policy)";
        }

        if (value.Any(char.IsAsciiLetterUpper))
        {
            return $"{ConfigPath.Quote(value)} must be lower-case";
        }

        if (value.Length > ConfigSyntax.RepositoryMaxLength)
        {
            return $"is longer than {ConfigSyntax.RepositoryMaxLength} characters";
        }

        return ConfigSyntax.Repository().MatchesWhole(value)
            ? null
            : $"{ConfigPath.Quote(value)} is not a repository name such as ghcr.io/acme/api or registry.example.com:5000/team/app";
    }

    private PolicyConfig? BindPolicy(MappingEntry entry, string path)
    {
        if (AsMapping(entry.Value, path) is not { } mapping)
        {
            return null;
        }

        var fields = new Fields(this, mapping, path, entry.Key.Position, PolicyKeys);
        var forms = fields.Present(PolicyForms);
        if (forms.Count == 0)
        {
            errors.Add(entry.Key.Position, $"{path}: set one of semver, pattern or any (or remove policy)");
            return null;
        }

        for (var index = 1; index < forms.Count; index++)
        {
            errors.Add(forms[index].Key.Position, $"{path}: {forms[0].Key.Value} and {forms[index].Key.Value} cannot be combined; a policy has exactly one of semver, pattern or any");
        }

        var form = forms[0].Key.Value;
        ReportOnlyWith(fields, "prerelease", "semver", form);
        ReportOnlyWith(fields, "extract", "pattern", form);
        ReportOnlyWith(fields, "order", "pattern", form);
        return form switch
        {
            "semver" => BindSemverPolicy(fields),
            "pattern" => BindPatternPolicy(fields),
            _ => BindAnyPolicy(fields),
        };
    }

    private void ReportOnlyWith(Fields fields, string key, string form, string actualForm)
    {
        if (actualForm != form && fields[key] is { } entry)
        {
            errors.Add(entry.Key.Position, $"{fields.PathOf(key)}: only allowed together with {form}");
        }
    }

    private PolicyConfig BindSemverPolicy(Fields fields)
    {
        var range = ReadRequiredString(fields, "semver", value =>
            SemVersionRange.TryParseNpm(value, out _)
                ? null
                : $"{ConfigPath.Quote(value)} is not an npm semver range such as ^1.4, ~2.0.1, >=1.2.0 <2.0.0 or 1.x");
        var prerelease = ReadBoolean(fields, "prerelease", false);
        return new PolicyConfig(range, prerelease, null, null, PatternOrder.Numerical, false);
    }

    private PolicyConfig BindPatternPolicy(Fields fields)
    {
        Regex? regex = null;
        var pattern = ReadRequiredString(fields, "pattern", value =>
        {
            try
            {
                regex = new Regex(value, RegexOptions.CultureInvariant, PatternTimeout);
                return null;
            }
            catch (RegexParseException exception)
            {
                var reason = CamelCaseBoundary().Replace(exception.Error.ToString(), " $1").ToLowerInvariant();
                return $"invalid regular expression ({reason} at character {exception.Offset})";
            }
        });

        var extract = ReadString(fields, "extract", nullable: true, value =>
        {
            if (regex is null)
            {
                return null; // the pattern's own error is enough
            }

            if (value.All(char.IsAsciiDigit))
            {
                return "must name a named group such as (?<n>…); numbered groups are not allowed";
            }

            var named = regex.GetGroupNames().Where(name => !name.All(char.IsAsciiDigit)).ToArray();
            return named.Contains(value)
                ? null
                : named.Length == 0
                    ? $"the pattern has no named group; write (?<{value}>…) around the part to order by"
                    : $"the pattern has no group named {ConfigPath.Quote(value)}; its named groups are {string.Join(", ", named)}";
        });

        var order = ReadEnum(fields, "order", PatternOrders);
        if (fields["order"] is null)
        {
            fields.ReportMissing("order", " (numerical or alphabetical): a pattern policy must say how matching tags are ordered");
        }

        return new PolicyConfig(null, false, pattern, extract, order ?? PatternOrder.Numerical, false);
    }

    private PolicyConfig BindAnyPolicy(Fields fields)
    {
        if (fields["any"] is { } entry && entry.Value is not ScalarNode { Kind: ScalarKind.Boolean, Value: "true" or "True" or "TRUE" })
        {
            Error(entry.Value, fields.PathOf("any"), $"must be true; got {Describe(entry.Value)} (remove policy for no policy)");
        }

        return new PolicyConfig(null, false, null, null, PatternOrder.Numerical, true);
    }

    private CiMapping? BindCi(MappingEntry entry, string path)
    {
        if (AsMapping(entry.Value, path) is not { } mapping)
        {
            return null;
        }

        var fields = new Fields(this, mapping, path, entry.Key.Position, CiKeys);
        var repository = ReadRequiredString(fields, "repository", value =>
            ConfigSyntax.CiRepository().MatchesWhole(value) ? null : $"expected owner/name, a project path such as group/sub/api, or a single project name; got {ConfigPath.Quote(value)}");
        var workflow = ReadString(fields, "workflow", nullable: true);
        var branches = ReadStringList(fields, "branches", CheckBranch) ?? [];
        string? tag = null;
        if (fields["tag"] is not { } tagEntry)
        {
            fields.ReportMissing("tag", ", a template such as \"sha-{sha:7}\" that gives the tag a build pushes");
        }
        else if (tagEntry.Value is MappingNode)
        {
            // `tag: {sha}` unquoted is a flow mapping in YAML.
            Error(tagEntry.Value, fields.PathOf("tag"), "expected a string; got a mapping (a template that starts with '{' must be quoted: tag: \"{sha}\")");
        }
        else
        {
            tag = AsString(tagEntry.Value, fields.PathOf("tag"), TagTemplate.Check);
        }

        var verify = ReadBoolean(fields, "verify", false);
        return new CiMapping(repository ?? string.Empty, workflow, branches, tag ?? string.Empty, verify);
    }

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex CamelCaseBoundary();

    private static string? CheckBranch(string value) =>
        ConfigSyntax.Branch().MatchesWhole(value) ? null : $"{ConfigPath.Quote(value)} is not a valid branch name";

    private void CheckFluxPolicies(IEnumerable<ImageConfig> images)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            if (image.FluxPolicy is not { } policy)
            {
                continue;
            }

            if (!owners.TryAdd(policy, image.Alias))
            {
                errors.Add(fluxPolicyPositions[image.Alias], $"{ConfigPath.Child(ConfigPath.Child("images", image.Alias), "fluxPolicy")}: {ConfigPath.Quote(policy)} is already mapped to image \"{owners[policy]}\"");
            }
        }
    }
}
