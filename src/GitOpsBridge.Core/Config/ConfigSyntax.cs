using System.Text.RegularExpressions;

namespace GitOpsBridge.Core.Config;

/// <summary>
/// The patterns of the v1 file. Each pattern is also written, character for character, into
/// <c>schemas/gitops-bridge.schema.json</c> (a test compares them), so the parser and the schema accept the
/// same strings. They avoid constructs that differ between .NET and ECMA-262 regular expressions.
/// </summary>
internal static partial class ConfigSyntax
{
    /// <summary>A DNS label: environment names, event source names.</summary>
    public const string NamePattern = "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$";

    /// <summary>Image aliases: like names, also allowing '.' and '_'.</summary>
    public const string AliasPattern = "^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$";

    /// <summary>
    /// A repository name of the distribution reference grammar, lower-case, without tag or digest:
    /// [domain[:port]/]path-component(/path-component)*.
    /// See https://github.com/distribution/reference/blob/main/reference.go.
    /// </summary>
    public const string RepositoryPattern =
        "^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]+)?/)?"
        + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$";

    /// <summary>The distribution spec's limit on a repository name.</summary>
    public const int RepositoryMaxLength = 255;

    /// <summary>A Flux ImagePolicy as namespace:name (a DNS label and a DNS subdomain).</summary>
    public const string FluxPolicyPattern = "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$";

    /// <summary>A CI source: owner/name, a deeper project path (GitLab groups), or one name (a Spinnaker application, an Azure DevOps project, a Jenkins job).</summary>
    public const string CiRepositoryPattern = "^[^/\\s]+(?:/[^/\\s]+)*$";

    /// <summary>A branch name as git check-ref-format accepts it (without refs/heads/).</summary>
    public const string BranchPattern =
        "^(?![/.-])(?!.*(?:\\.\\.|//|@\\{|/\\.|\\.lock/))(?!.*(?:/|\\.|\\.lock)$)(?!@$)[^\\x00-\\x20\\x7f~^:?*\\[\\\\]+$";

    /// <summary>
    /// A tag template: tag characters and the placeholders {sha}, {sha:N}, {run}, {branch}, {tag};
    /// a literal first character must be one a tag may start with.
    /// </summary>
    public const string TagTemplatePattern =
        "^(?:[A-Za-z0-9_]|\\{(?:sha(?::[0-9]+)?|run|branch|tag)\\})(?:[A-Za-z0-9_.-]|\\{(?:sha(?::[0-9]+)?|run|branch|tag)\\})*$";

    /// <summary>
    /// A YAML path: dot-separated keys, each followed by any number of [index] or [field=value] selectors,
    /// e.g. <c>image.tag</c>, <c>spec.values.images[0]</c>, <c>containers[name=web].image</c>.
    /// </summary>
    public const string YamlPathPattern =
        "^[^.\\[\\]\\s]+(?:\\[(?:0|[1-9][0-9]*|[^.\\[\\]\\s=]+=[^\\]]+)\\])*(?:\\.[^.\\[\\]\\s]+(?:\\[(?:0|[1-9][0-9]*|[^.\\[\\]\\s=]+=[^\\]]+)\\])*)*$";

    /// <summary>A Kustomize images[].name: an image name without tag or digest (any case, kustomize matches it literally).</summary>
    public const string KustomizeNamePattern = "^(?:[^\\s@/]+/)*[^\\s@/:]+$";

    /// <summary>A Kubernetes container name (DNS label).</summary>
    public const string ContainerPattern = NamePattern;

    /// <summary>A GitHub login, or org/team-slug for a team.</summary>
    public const string ReviewerPattern = "^[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)?$";

    /// <summary>A local time HH:MM (24-hour clock); 24:00 stands for the end of the day.</summary>
    public const string TimeOfDayPattern = "^(?:(?:[01]?[0-9]|2[0-3]):[0-5][0-9]|24:00)$";

    /// <summary>The shape of an IANA time zone id such as Europe/Berlin or UTC; the host checks it exists.</summary>
    public const string TimeZonePattern = "^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*$";

    /// <summary>A duration: whole numbers with units d, h, m, s in that order, each at most once, e.g. 1h30m.</summary>
    public const string DurationPattern = "^(?=[0-9])(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$";

    /// <summary>GitHub's limit on a label name.</summary>
    public const int LabelMaxLength = 50;

    /// <summary>Upper bound of pullRequest.minApprovals.</summary>
    public const int MaxApprovals = 100;

    [GeneratedRegex(NamePattern)]
    public static partial Regex Name();

    [GeneratedRegex(AliasPattern)]
    public static partial Regex Alias();

    [GeneratedRegex(RepositoryPattern)]
    public static partial Regex Repository();

    [GeneratedRegex(FluxPolicyPattern)]
    public static partial Regex FluxPolicy();

    [GeneratedRegex(CiRepositoryPattern)]
    public static partial Regex CiRepository();

    [GeneratedRegex(BranchPattern)]
    public static partial Regex Branch();

    [GeneratedRegex(YamlPathPattern)]
    public static partial Regex YamlPath();

    [GeneratedRegex(KustomizeNamePattern)]
    public static partial Regex KustomizeName();

    [GeneratedRegex(ReviewerPattern)]
    public static partial Regex Reviewer();

    [GeneratedRegex(TimeOfDayPattern)]
    public static partial Regex TimeOfDay();

    [GeneratedRegex(TimeZonePattern)]
    public static partial Regex TimeZone();

    [GeneratedRegex(DurationPattern)]
    public static partial Regex Duration();

    /// <summary>
    /// A whole-string match. .NET's <c>$</c> also matches before a final newline, ECMA-262's does not;
    /// rejecting the newline keeps both readings the same.
    /// </summary>
    public static bool MatchesWhole(this Regex pattern, string value) =>
        !value.EndsWith('\n') && pattern.IsMatch(value);
}
