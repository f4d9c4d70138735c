namespace GitOpsBridge.Core.Config;

internal sealed partial class ConfigBinder
{
    private static readonly string[] EnvironmentKeys = ["branch", "files", "promoteFrom", "soak", "batchWindow", "commit", "freeze", "pullRequest", "requireDeployment", "deploymentEnvironment", "pin"];
    private static readonly string[] FreezeKeys = ["days", "start", "end", "timeZone"];
    private static readonly string[] PullRequestKeys = ["autoMerge", "draft", "labels", "reviewers", "minApprovals"];

    private static readonly (string, CommitMode)[] CommitModes = [("git", CommitMode.Git), ("api", CommitMode.Api)];
    private static readonly (string, MergeMethod)[] MergeMethods = [("merge", MergeMethod.Merge), ("squash", MergeMethod.Squash), ("rebase", MergeMethod.Rebase)];

    private static readonly (string Name, DayOfWeek Day)[] Days =
    [
        ("mon", DayOfWeek.Monday), ("tue", DayOfWeek.Tuesday), ("wed", DayOfWeek.Wednesday), ("thu", DayOfWeek.Thursday),
        ("fri", DayOfWeek.Friday), ("sat", DayOfWeek.Saturday), ("sun", DayOfWeek.Sunday),
    ];

    /// <summary>Where each environment's promoteFrom value stands, for the cross-environment checks.</summary>
    private readonly Dictionary<string, SourcePosition> promoteFromPositions = new(StringComparer.Ordinal);

    private OrderedDictionary<string, EnvironmentConfig> BindEnvironments(MappingEntry? entry, OrderedDictionary<string, ImageConfig> images, bool aliasesKnown)
    {
        var environments = new OrderedDictionary<string, EnvironmentConfig>(StringComparer.Ordinal);
        if (entry is null || AsMapping(entry.Value, "environments") is not { } mapping)
        {
            return environments;
        }

        var references = new ImageReferences(images, aliasesKnown);
        foreach (var environment in mapping.Entries)
        {
            var name = environment.Key.Value;
            var path = ConfigPath.Child("environments", name);
            if (!ConfigSyntax.Name().MatchesWhole(name))
            {
                errors.Add(environment.Key.Position, $"{path}: invalid environment name {ConfigPath.Quote(name)}; use lower-case letters, digits and '-', starting and ending with a letter or digit (at most 63 characters)");
            }

            environments[name] = BindEnvironment(name, environment, path, references);
            if (environment.Value is MappingNode node && node.Entries.FirstOrDefault(e => e.Key.Value == "pin") is { } pin)
            {
                environments[name] = environments[name] with { Pins = BindPins(pin, ConfigPath.Child(path, "pin"), environments[name], images, aliasesKnown) };
            }
        }

        return environments;
    }

    private EnvironmentConfig BindEnvironment(string name, MappingEntry entry, string path, ImageReferences references)
    {
        var position = entry.Key.Position;
        if (AsMapping(entry.Value, path) is not { } mapping)
        {
            return new EnvironmentConfig(name, null, [], null, null, null, CommitMode.Git, [], PullRequestConfig.Default, position);
        }

        var fields = new Fields(this, mapping, path, position, EnvironmentKeys);
        var branch = ReadString(fields, "branch", nullable: true, CheckBranch);
        var files = BindFiles(fields, references);
        var promoteFrom = ReadString(fields, "promoteFrom", nullable: true);
        if (promoteFrom is not null)
        {
            promoteFromPositions[name] = fields["promoteFrom"]!.Value.Position;
        }

        var soak = ReadDuration(fields, "soak");
        if (soak is not null && fields["promoteFrom"] is null or { Value: ScalarNode { Kind: ScalarKind.Null } })
        {
            errors.Add(fields["soak"]!.Key.Position, $"{fields.PathOf("soak")}: only allowed together with promoteFrom (soak is how long a version must have been in that environment)");
        }

        var requireDeployment = ReadBoolean(fields, "requireDeployment", false);
        if (requireDeployment && fields["promoteFrom"] is null or { Value: ScalarNode { Kind: ScalarKind.Null } })
        {
            errors.Add(fields["requireDeployment"]!.Key.Position, $"{fields.PathOf("requireDeployment")}: only allowed together with promoteFrom (it waits for a successful deployment of that environment)");
        }

        var deploymentEnvironment = ReadString(fields, "deploymentEnvironment", nullable: true, value =>
            value.Length is > 0 and <= 255 ? null : $"expected a GitHub environment name of 1 to 255 characters; got {ConfigPath.Quote(value)}");
        var batchWindow = ReadDuration(fields, "batchWindow");
        var commit = ReadEnum(fields, "commit", CommitModes) ?? CommitMode.Git;
        var freeze = BindFreeze(fields);
        var pullRequest = BindPullRequest(fields);
        return new EnvironmentConfig(name, branch, files, promoteFrom, soak, batchWindow, commit, freeze, pullRequest, position)
        {
            RequireDeployment = requireDeployment,
            DeploymentEnvironment = deploymentEnvironment,
        };
    }

    private List<FreezeWindow> BindFreeze(Fields fields)
    {
        var windows = new List<FreezeWindow>();
        if (fields["freeze"] is not { } entry)
        {
            return windows;
        }

        var path = fields.PathOf("freeze");
        if (entry.Value is not SequenceNode sequence)
        {
            TypeError(entry.Value, path, "a list of freeze windows");
            return windows;
        }

        for (var index = 0; index < sequence.Items.Count; index++)
        {
            var item = sequence.Items[index];
            var itemPath = ConfigPath.Item(path, index);
            if (AsMapping(item, itemPath) is { } mapping && BindFreezeWindow(new Fields(this, mapping, itemPath, item.Position, FreezeKeys)) is { } window)
            {
                windows.Add(window);
            }
        }

        return windows;
    }

    private FreezeWindow? BindFreezeWindow(Fields fields)
    {
        var dayNames = ReadStringList(
            fields,
            "days",
            value => Days.Any(day => day.Name == value) ? null : $"expected one of {string.Join(", ", Days.Select(day => day.Name))}; got {ConfigPath.Quote(value)}",
            allowEmpty: false,
            emptyHint: "leave days out for every day");
        var days = dayNames is null
            ? Days.Select(day => day.Day).ToList()
            : Days.Where(day => dayNames.Contains(day.Name)).Select(day => day.Day).ToList();
        var start = ReadTimeOfDay(fields, "start", TimeOnly.MinValue, isEnd: false);
        var end = ReadTimeOfDay(fields, "end", TimeOnly.MaxValue, isEnd: true);
        var timeZone = ReadString(fields, "timeZone", nullable: false, value =>
            ConfigSyntax.TimeZone().MatchesWhole(value) && value.Length <= 64 ? null : $"expected an IANA time zone such as Europe/Berlin or UTC; got {ConfigPath.Quote(value)}") ?? "UTC";
        if (start is not { } from || end is not { } to)
        {
            return null;
        }

        if (from >= to)
        {
            errors.Add(fields["end"]?.Value.Position ?? fields.Owner, $"{fields.PathOf("end")}: must be later than start ({from:HH\\:mm}); a window that spans midnight is written as two windows");
            return null;
        }

        return new FreezeWindow(days, from, to, timeZone);
    }

    private TimeOnly? ReadTimeOfDay(Fields fields, string key, TimeOnly fallback, bool isEnd)
    {
        if (fields[key] is not { } entry)
        {
            return fallback;
        }

        var path = fields.PathOf(key);
        var text = AsString(entry.Value, path, value =>
            ConfigSyntax.TimeOfDay().MatchesWhole(value) ? null : $"expected a time HH:MM on the 24-hour clock, e.g. \"08:00\"; got {ConfigPath.Quote(value)}");
        if (text is null)
        {
            return null;
        }

        if (text == "24:00")
        {
            if (isEnd)
            {
                return TimeOnly.MaxValue;
            }

            Error(entry.Value, path, "24:00 can only end a window; start the window at 00:00 instead");
            return null;
        }

        var parts = text.Split(':');
        return new TimeOnly(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private PullRequestConfig? BindPullRequest(Fields fields)
    {
        if (fields["pullRequest"] is not { } entry)
        {
            return PullRequestConfig.Default;
        }

        var path = fields.PathOf("pullRequest");
        switch (entry.Value)
        {
            case ScalarNode { Kind: ScalarKind.Boolean } flag:
                return flag.Value.Equals("true", StringComparison.OrdinalIgnoreCase) ? PullRequestConfig.Default : null;
            case MappingNode mapping:
                break;
            default:
                TypeError(entry.Value, path, "false, true or a mapping");
                return PullRequestConfig.Default;
        }

        var pull = new Fields(this, (MappingNode)entry.Value, path, entry.Key.Position, PullRequestKeys);
        var autoMerge = ReadEnum(pull, "autoMerge", MergeMethods, nullable: true);
        var draft = ReadBoolean(pull, "draft", false);
        if (draft && autoMerge is not null)
        {
            errors.Add(pull["autoMerge"]!.Key.Position, $"{pull.PathOf("autoMerge")}: cannot be combined with draft: true (GitHub does not merge draft pull requests)");
        }

        var labels = ReadStringList(pull, "labels", value =>
            value.Length <= ConfigSyntax.LabelMaxLength ? null : $"label {ConfigPath.Quote(value)} is longer than GitHub's {ConfigSyntax.LabelMaxLength} characters") ?? [];
        var reviewers = ReadStringList(pull, "reviewers", CheckReviewer, comparer: StringComparer.OrdinalIgnoreCase) ?? [];
        var minApprovals = ReadInteger(pull, "minApprovals", 0, 0, ConfigSyntax.MaxApprovals);
        return new PullRequestConfig(
            autoMerge,
            draft,
            labels,
            [.. reviewers.Where(reviewer => !reviewer.Contains('/', StringComparison.Ordinal))],
            [.. reviewers.Where(reviewer => reviewer.Contains('/', StringComparison.Ordinal))],
            minApprovals);
    }

    private static string? CheckReviewer(string value)
    {
        if (ConfigSyntax.Reviewer().MatchesWhole(value))
        {
            return null;
        }

        return value.StartsWith('@')
            ? $"write {ConfigPath.Quote(value[1..])} without '@'"
            : $"expected a GitHub login (alice) or a team as org/team-slug (acme/sre); got {ConfigPath.Quote(value)}";
    }

    /// <summary>Reports promoteFrom values that name no other environment or one without pull requests, and promotion cycles (once per cycle).</summary>
    private void CheckPromotions(OrderedDictionary<string, EnvironmentConfig> environments)
    {
        foreach (var (name, environment) in environments)
        {
            if (environment.PromoteFrom is not { } source)
            {
                continue;
            }

            var path = ConfigPath.Child(ConfigPath.Child("environments", name), "promoteFrom");
            if (source == name)
            {
                errors.Add(promoteFromPositions[name], $"{path}: an environment cannot promote from itself");
            }
            else if (!environments.ContainsKey(source))
            {
                var suggestion = Suggestions.Closest(source, environments.Keys.Where(key => key != name));
                var advice = suggestion is not null ? $" (did you mean \"{suggestion}\"?)" : $"; environments are {string.Join(", ", environments.Keys)}";
                errors.Add(promoteFromPositions[name], $"{path}: unknown environment {ConfigPath.Quote(source)}{advice}");
            }
            else if (environments[source].PullRequest is null)
            {
                // A promotion starts when a bridge pull request of the source merges (or by a command on
                // it); a source that commits straight to its branch has neither, so nothing would ever move.
                errors.Add(promoteFromPositions[name],
                    $"{path}: {ConfigPath.Quote(source)} commits straight to its branch (pullRequest: false), and promotions start from a merged bridge pull request; give {ConfigPath.Quote(source)} pull requests (for example with autoMerge) to promote from it");
            }
        }

        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in environments.Keys)
        {
            var chain = new List<string> { name };
            var current = name;
            while (environments.TryGetValue(current, out var environment)
                && environment.PromoteFrom is { } next
                && next != current
                && environments.ContainsKey(next))
            {
                if (next == name)
                {
                    // Report a cycle once, at the member that comes first in the file.
                    if (chain.All(member => reported.Add(member)))
                    {
                        var first = environments.Keys.First(chain.Contains);
                        var rotated = chain.SkipWhile(member => member != first).Concat(chain.TakeWhile(member => member != first)).ToList();
                        var path = ConfigPath.Child(ConfigPath.Child("environments", first), "promoteFrom");
                        errors.Add(promoteFromPositions[first], $"{path}: promotion cycle {string.Join(" <- ", rotated.Append(first))}");
                    }

                    break;
                }

                if (chain.Contains(next))
                {
                    break; // a cycle further up the chain, reported from one of its members
                }

                chain.Add(next);
                current = next;
            }
        }
    }
}
