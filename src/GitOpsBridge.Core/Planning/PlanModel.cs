namespace GitOpsBridge.Core.Planning;

/// <summary>The files of a repository, as the planner sees them. Implemented by the host; the planner does no I/O.</summary>
public interface IRepositoryFiles
{
    /// <summary>Repository-relative paths (forward slashes) of the YAML files discovery may scan.</summary>
    IReadOnlyList<string> YamlFiles { get; }

    /// <summary>Reads a file; null when it does not exist.</summary>
    RepositoryFile? Read(string path);
}

/// <summary>A file's text, or why it cannot be edited (binary, too large, a symlink leaving the repository).</summary>
public sealed record RepositoryFile(string Path, string? Text, string? ProblemCode = null, string? Problem = null)
{
    /// <summary>Files larger than this are not edited.</summary>
    public const int MaxBytes = 5 * 1024 * 1024;
}

/// <summary>One scalar the plan changes.</summary>
/// <param name="Environment">The environment (PR target), or null in discovery.</param>
/// <param name="File">Repository-relative path.</param>
/// <param name="YamlPath">Path in the syntax of the fixtures' MANIFEST.tsv.</param>
/// <param name="Line">1-based line of the scalar.</param>
/// <param name="Old">The whole scalar value before.</param>
/// <param name="New">The whole scalar value after.</param>
public sealed record PlannedChange(string? Environment, string File, string YamlPath, int Line, string Old, string New);

/// <summary>A target the plan does not change, and why.</summary>
/// <param name="Environment">The environment, or null in discovery or for the whole plan.</param>
/// <param name="File">The file, or null when the reason concerns no single file.</param>
/// <param name="YamlPath">The place in the file, when known.</param>
/// <param name="Reason">A sentence for people.</param>
/// <param name="ReasonCode">A stable word for machines: <c>downgrade</c>, <c>already-current</c>, <c>not-tracked</c>…</param>
public sealed record SkippedTarget(string? Environment, string? File, string? YamlPath, string ReasonCode, string Reason);

/// <summary>The new text of one file for one environment.</summary>
public sealed record FileEdit(string? Environment, string File, string OldText, string NewText);

/// <summary>What the bridge would change, grouped by environment, with a reason for everything it would not.</summary>
public sealed record Plan(IReadOnlyList<PlannedChange> Changes, IReadOnlyList<SkippedTarget> Skipped, IReadOnlyList<FileEdit> Edits)
{
    /// <summary>The environments with changes, in config order.</summary>
    public IEnumerable<string?> Environments => Edits.Select(e => e.Environment).Distinct();
}

/// <summary>Stable reason codes of skipped targets.</summary>
public static class ReasonCodes
{
    public const string NotTracked = "not-tracked";
    public const string AlreadyCurrent = "already-current";
    public const string Downgrade = "downgrade";
    public const string Policy = "policy";
    public const string AwaitingPromotion = "awaiting-promotion";
    public const string MissingFile = "missing-file";
    public const string PathEscapes = "path-escapes";
    public const string InvalidYaml = "invalid-yaml";
    public const string UnsafeEdit = "unsafe-edit";
    public const string NoMatch = "no-match";
    public const string Ambiguous = "ambiguous";
    public const string MapsElsewhere = "maps-elsewhere";
    public const string SourceNotAllowed = "source-not-allowed";

    /// <summary>A person closed the pull request that proposed exactly this version without merging it.</summary>
    public const string VersionDeclined = "version-declined";

    /// <summary>A person pinned the target to a version (<c>/gitops-bridge pin</c>): it is written even when lower, and newer versions wait for <c>unpin</c>.</summary>
    public const string Pinned = "pinned";

    /// <summary>A person put the target on hold (<c>/gitops-bridge hold</c>): versions are recorded, nothing is pushed.</summary>
    public const string Held = "held";

    /// <summary>The environment is in a freeze window: versions are recorded, and published when it ends.</summary>
    public const string Frozen = "frozen";

    /// <summary>The environment has a <c>batchWindow</c>: the version waits for the batch, which is published when the window ends.</summary>
    public const string Batched = "batched";

    /// <summary>GitHub's rate-limit budget of the installation is short: the work is delayed until it allows, never failed.</summary>
    public const string RateLimited = "rate-limited";
}
