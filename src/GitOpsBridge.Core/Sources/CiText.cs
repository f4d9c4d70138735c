namespace GitOpsBridge.Core.Sources;

/// <summary>Small text rules the CI parsers share: commit SHAs and branch names as vendors write them.</summary>
internal static class CiText
{
    private const string HeadsPrefix = "refs/heads/";

    /// <summary>True for a full git object name: 40 (SHA-1) or 64 (SHA-256) hex characters.</summary>
    public static bool IsCommitSha(string text) => text.Length is 40 or 64 && text.All(char.IsAsciiHexDigit);

    /// <summary>
    /// The branch a git ref names: <c>refs/heads/main</c> → <c>main</c>; any other <c>refs/…</c> (a tag,
    /// a pull-request merge ref) → <see langword="null"/>, because it is not a branch and a branch filter
    /// must not match it; a bare name is already a branch.
    /// </summary>
    public static string? BranchOfRef(string? reference) => reference switch
    {
        null => null,
        _ when reference.StartsWith(HeadsPrefix, StringComparison.Ordinal) => NonEmpty(reference[HeadsPrefix.Length..]),
        _ when reference.StartsWith("refs/", StringComparison.Ordinal) => null,
        _ => NonEmpty(reference),
    };

    /// <summary>
    /// The branch in a Jenkins-style value: the git plugin's <c>GIT_BRANCH</c> is <c>origin/main</c> for
    /// a plain job and <c>main</c> in a multibranch job. Only the <c>origin</c> remote is stripped:
    /// another leading segment may be part of the branch (<c>feature/x</c>).
    /// </summary>
    public static string? BranchOfRemoteRef(string? value) => value switch
    {
        null => null,
        _ when value.StartsWith("refs/remotes/origin/", StringComparison.Ordinal) => NonEmpty(value["refs/remotes/origin/".Length..]),
        _ when value.StartsWith("origin/", StringComparison.Ordinal) => NonEmpty(value["origin/".Length..]),
        _ => BranchOfRef(value),
    };

    private static string? NonEmpty(string text) => text.Length == 0 ? null : text;
}
