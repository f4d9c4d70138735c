using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Planning;

namespace GitOpsBridge.Core.Config;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// <c>environments.&lt;name&gt;.pin</c>: a mapping of image alias to version. Each alias must be an
    /// image this environment's files deploy, and each version a valid tag its image's policy allows:
    /// a pin is a deliberate rollback, not a way around the policy.
    /// </summary>
    private Dictionary<string, string> BindPins(MappingEntry entry, string path, EnvironmentConfig environment, OrderedDictionary<string, ImageConfig> images, bool aliasesKnown)
    {
        var pins = new Dictionary<string, string>(StringComparer.Ordinal);
        if (IsNull(entry.Value) || AsMapping(entry.Value, path) is not { } mapping)
        {
            return pins;
        }

        var deployed = environment.Files.Select(file => file.Image).Distinct(StringComparer.Ordinal).ToList();
        foreach (var pin in mapping.Entries)
        {
            var alias = pin.Key.Value;
            var pinPath = ConfigPath.Child(path, alias);
            var version = AsString(pin.Value, pinPath, value =>
                ImageReference.TagProblem(value) is { } problem ? $"{ConfigPath.Quote(value)} is not a version (an image tag): {problem}" : null);
            if (version is null || !aliasesKnown)
            {
                continue;
            }

            if (!images.TryGetValue(alias, out var image))
            {
                var suggestion = Suggestions.Closest(alias, deployed.Count > 0 ? deployed : images.Keys);
                var advice = suggestion is not null ? $" (did you mean \"{suggestion}\"?)" : images.Count == 0 ? "; declare it under images" : $"; images are {string.Join(", ", images.Keys)}";
                errors.Add(pin.Key.Position, $"{pinPath}: unknown image {ConfigPath.Quote(alias)}{advice}");
                continue;
            }

            if (!deployed.Contains(alias))
            {
                var files = deployed.Count == 0 ? "it has no files" : $"its files deploy {string.Join(", ", deployed)}";
                errors.Add(pin.Key.Position, $"{pinPath}: environments.{environment.Name} does not deploy image {ConfigPath.Quote(alias)}; {files}");
                continue;
            }

            if (Planner.PolicyOf(image) is { } policy && policy.Evaluate(version) is { Accepted: false } verdict)
            {
                Error(pin.Value, pinPath, $"the policy of images.{alias} ({policy.Describe()}) does not allow {ConfigPath.Quote(version)}: {verdict.Reason ?? "rejected"}");
                continue;
            }

            pins[alias] = version;
        }

        return pins;
    }
}
