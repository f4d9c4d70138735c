using System.Collections.ObjectModel;
using System.Globalization;

namespace GitOpsBridge.Core.Config;

/// <summary>
/// Turns the document tree into a <see cref="RepositoryConfig"/>, checking every rule of schema version 1
/// and collecting all errors. The result is best-effort when errors were found and must then be discarded.
/// </summary>
internal sealed partial class ConfigBinder(ConfigErrorList errors)
{
    private static readonly string[] TopLevelKeys = ["version", "discover", "images", "environments"];

    private readonly ConfigErrorList errors = errors;

    public static RepositoryConfig Bind(ConfigNode? root, ConfigErrorList errors) => new ConfigBinder(errors).BindRoot(root);

    private RepositoryConfig BindRoot(ConfigNode? root)
    {
        var nothing = new RepositoryConfig(RepositoryConfig.CurrentVersion, false, Freeze(new OrderedDictionary<string, ImageConfig>()), Freeze(new OrderedDictionary<string, EnvironmentConfig>()));
        if (root is null or ScalarNode { Kind: ScalarKind.Null })
        {
            if (!errors.HasErrors)
            {
                errors.Add(SourcePosition.Start, "the file is empty; it needs at least \"version: 1\"");
            }

            return nothing;
        }

        if (root is not MappingNode mapping)
        {
            errors.Add(root.Position, $"expected a mapping at the top level (with version, images, environments); got {Describe(root)}");
            return nothing;
        }

        // The version decides how the rest is read: check it before anything else.
        var version = mapping.Entries.FirstOrDefault(entry => entry.Key.Value == "version");
        if (version is null)
        {
            errors.Add(mapping.Position, "missing required key \"version\" (write version: 1 as the first line)");
        }
        else if (!TryReadInteger(version.Value, out var number))
        {
            errors.Add(version.Value.Position, $"version: expected {RepositoryConfig.CurrentVersion} (a number, without quotes); got {Describe(version.Value)}");
        }
        else if (number != RepositoryConfig.CurrentVersion)
        {
            // The rest of the file follows another schema; checking it against version 1 would only confuse.
            errors.Add(version.Value.Position, $"version: unsupported version {((ScalarNode)version.Value).Value}; this GitOps Bridge understands version {RepositoryConfig.CurrentVersion}");
            return nothing;
        }

        var fields = new Fields(this, mapping, ConfigPath.Root, mapping.Position, TopLevelKeys);
        var discover = ReadBoolean(fields, "discover", false);
        var (images, aliasesKnown) = BindImages(fields["images"]);
        var environments = BindEnvironments(fields["environments"], images, aliasesKnown);
        CheckFluxPolicies(images.Values);
        CheckPromotions(environments);
        return new RepositoryConfig(RepositoryConfig.CurrentVersion, discover, Freeze(images), Freeze(environments));
    }

    private static ReadOnlyDictionary<string, T> Freeze<T>(OrderedDictionary<string, T> values) => new(values);

    private void Error(ConfigNode node, string path, string message) =>
        errors.Add(node.Position, ConfigPath.Prefix(path) + message);

    private void TypeError(ConfigNode node, string path, string expected) =>
        Error(node, path, $"expected {expected}; got {Describe(node)}{QuoteHint(node)}");

    /// <summary>What a node is, for "got …" in messages.</summary>
    internal static string Describe(ConfigNode node) => node switch
    {
        MappingNode => "a mapping",
        SequenceNode => "a list",
        ScalarNode { IsEmpty: true } => "nothing (an empty value)",
        ScalarNode { Kind: ScalarKind.Null } => "null",
        ScalarNode { Kind: ScalarKind.Boolean } scalar => $"boolean {scalar.Value}",
        ScalarNode { Kind: ScalarKind.Integer or ScalarKind.Float } scalar => $"number {scalar.Value}",
        ScalarNode scalar => ConfigPath.Quote(scalar.Value),
        _ => "an unknown node",
    };

    private static string QuoteHint(ConfigNode node) =>
        node is ScalarNode { Kind: ScalarKind.Boolean or ScalarKind.Integer or ScalarKind.Float } scalar
            ? $" (quote it, \"{scalar.Value}\", if it is meant as text)"
            : string.Empty;

    private static bool IsNull(ConfigNode node) => node is ScalarNode { Kind: ScalarKind.Null };

    private MappingNode? AsMapping(ConfigNode node, string path)
    {
        if (node is MappingNode mapping)
        {
            return mapping;
        }

        TypeError(node, path, "a mapping");
        return null;
    }

    /// <summary>A non-empty string, or null (after reporting) when the node is anything else.</summary>
    private string? AsString(ConfigNode node, string path, Func<string, string?>? check = null)
    {
        if (node is not ScalarNode { Kind: ScalarKind.String } scalar)
        {
            TypeError(node, path, "a string");
            return null;
        }

        if (scalar.Value.Length == 0)
        {
            Error(node, path, "must not be empty");
            return null;
        }

        if (check?.Invoke(scalar.Value) is { } problem)
        {
            Error(node, path, problem);
            return null;
        }

        return scalar.Value;
    }

    /// <summary>Reads an optional string; <paramref name="nullable"/> lets an explicit null mean "not set".</summary>
    private string? ReadString(Fields fields, string key, bool nullable, Func<string, string?>? check = null)
    {
        if (fields[key] is not { } entry || (nullable && IsNull(entry.Value)))
        {
            return null;
        }

        return AsString(entry.Value, fields.PathOf(key), check);
    }

    private string? ReadRequiredString(Fields fields, string key, Func<string, string?>? check = null)
    {
        if (fields[key] is not { } entry)
        {
            fields.ReportMissing(key);
            return null;
        }

        return AsString(entry.Value, fields.PathOf(key), check);
    }

    private bool ReadBoolean(Fields fields, string key, bool fallback)
    {
        if (fields[key] is not { } entry)
        {
            return fallback;
        }

        if (entry.Value is ScalarNode { Kind: ScalarKind.Boolean } scalar)
        {
            return scalar.Value.Equals("true", StringComparison.OrdinalIgnoreCase);
        }

        TypeError(entry.Value, fields.PathOf(key), "true or false");
        return fallback;
    }

    /// <summary>An integer under the YAML core schema; like JSON Schema, 2.0 counts as the integer 2.</summary>
    private static bool TryReadInteger(ConfigNode node, out long value)
    {
        value = 0;
        if (node is not ScalarNode scalar)
        {
            return false;
        }

        var text = scalar.Value;
        switch (scalar.Kind)
        {
            case ScalarKind.Integer when text.StartsWith("0x", StringComparison.Ordinal):
                return long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value >= 0;
            case ScalarKind.Integer when text.StartsWith("0o", StringComparison.Ordinal):
                try
                {
                    value = Convert.ToInt64(text[2..], 8);
                    return true;
                }
                catch (OverflowException)
                {
                    return false;
                }

            case ScalarKind.Integer:
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
            case ScalarKind.Float when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && double.IsFinite(number) && Math.Floor(number) == number && Math.Abs(number) < 1e15:
                value = (long)number;
                return true;
            default:
                return false;
        }
    }

    private int ReadInteger(Fields fields, string key, int fallback, int minimum, int maximum)
    {
        if (fields[key] is not { } entry)
        {
            return fallback;
        }

        if (TryReadInteger(entry.Value, out var value) && value >= minimum && value <= maximum)
        {
            return (int)value;
        }

        TypeError(entry.Value, fields.PathOf(key), $"a whole number from {minimum} to {maximum}");
        return fallback;
    }

    private T? ReadEnum<T>(Fields fields, string key, IReadOnlyList<(string Name, T Value)> options, bool nullable = false)
        where T : struct
    {
        if (fields[key] is not { } entry || (nullable && IsNull(entry.Value)))
        {
            return null;
        }

        if (entry.Value is ScalarNode { Kind: ScalarKind.String } scalar)
        {
            foreach (var (name, value) in options)
            {
                if (scalar.Value == name)
                {
                    return value;
                }
            }
        }

        Error(entry.Value, fields.PathOf(key), $"expected one of {string.Join(", ", options.Select(option => option.Name))}; got {Describe(entry.Value)}");
        return null;
    }

    /// <summary>
    /// Reads a list of non-empty, distinct strings. Returns <see langword="null"/> when the key is absent
    /// (the caller applies its default) and the valid entries otherwise.
    /// </summary>
    private List<string>? ReadStringList(Fields fields, string key, Func<string, string?>? check = null, bool allowEmpty = true, StringComparer? comparer = null, string? emptyHint = null)
    {
        if (fields[key] is not { } entry)
        {
            return null;
        }

        var path = fields.PathOf(key);
        if (entry.Value is not SequenceNode sequence)
        {
            var hint = entry.Value is ScalarNode { Kind: ScalarKind.String } scalar ? $" (for a single entry write [{scalar.Value}])" : string.Empty;
            Error(entry.Value, path, $"expected a list; got {Describe(entry.Value)}{hint}");
            return [];
        }

        if (sequence.Items.Count == 0 && !allowEmpty)
        {
            Error(entry.Value, path, "must not be an empty list" + (emptyHint is null ? string.Empty : "; " + emptyHint));
        }

        var values = new List<string>();
        var seen = new HashSet<string>(comparer ?? StringComparer.Ordinal);
        for (var index = 0; index < sequence.Items.Count; index++)
        {
            var item = sequence.Items[index];
            var itemPath = ConfigPath.Item(path, index);
            if (AsString(item, itemPath, check) is not { } value)
            {
                continue;
            }

            if (!seen.Add(value))
            {
                Error(item, itemPath, $"duplicate entry {ConfigPath.Quote(value)}");
                continue;
            }

            values.Add(value);
        }

        return values;
    }

    private TimeSpan? ReadDuration(Fields fields, string key)
    {
        if (fields[key] is not { } entry || IsNull(entry.Value))
        {
            return null;
        }

        var path = fields.PathOf(key);
        if (entry.Value is ScalarNode { Kind: ScalarKind.Integer or ScalarKind.Float })
        {
            Error(entry.Value, path, $"expected a duration such as 30s, 10m or 1h30m; got {Describe(entry.Value)} (add a unit: s, m, h or d)");
            return null;
        }

        if (AsString(entry.Value, path) is not { } text)
        {
            return null;
        }

        if (DurationSyntax.TryParse(text, out var duration))
        {
            return duration;
        }

        Error(entry.Value, path, ConfigSyntax.Duration().MatchesWhole(text)
            ? $"duration {ConfigPath.Quote(text)} is too long"
            : $"expected a duration such as 30s, 10m or 1h30m (whole numbers with units d, h, m, s in that order); got {ConfigPath.Quote(text)}");
        return null;
    }

    /// <summary>A mapping viewed through the keys it may have; unknown keys are reported on construction.</summary>
    private sealed class Fields
    {
        private readonly ConfigBinder binder;
        private readonly Dictionary<string, MappingEntry> entries = new(StringComparer.Ordinal);

        public Fields(ConfigBinder binder, MappingNode node, string path, SourcePosition owner, IReadOnlyList<string> allowed)
        {
            this.binder = binder;
            Node = node;
            Path = path;
            Owner = owner;
            foreach (var entry in node.Entries)
            {
                var key = entry.Key.Value;
                if (allowed.Contains(key))
                {
                    entries[key] = entry;
                    continue;
                }

                var suggestion = Suggestions.Closest(key, allowed);
                var advice = suggestion is not null
                    ? $" (did you mean \"{suggestion}\"?)"
                    : $"; allowed keys: {string.Join(", ", allowed)}";
                binder.errors.Add(entry.Key.Position, $"unknown key {ConfigPath.Quote(key)} {ConfigPath.Where(path)}{advice}");
            }
        }

        public MappingNode Node { get; }

        public string Path { get; }

        /// <summary>Where "missing key" errors point: the key that holds this mapping.</summary>
        public SourcePosition Owner { get; }

        public MappingEntry? this[string key] => entries.GetValueOrDefault(key);

        public string PathOf(string key) => ConfigPath.Child(Path, key);

        /// <summary>The given keys that are present, in file order.</summary>
        public List<MappingEntry> Present(IReadOnlyList<string> keys) =>
            [.. Node.Entries.Where(entry => keys.Contains(entry.Key.Value) && entries.ContainsKey(entry.Key.Value))];

        public void ReportMissing(string key, string? detail = null) =>
            binder.errors.Add(Owner, $"{ConfigPath.Prefix(Path)}missing required key \"{key}\"{detail}");
    }
}
