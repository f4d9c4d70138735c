namespace GitOpsBridge.Storage;

/// <summary>Where an image version came from, shown in the pull request.</summary>
/// <param name="SourceRepository">The repository that built it, <c>owner/name</c>.</param>
/// <param name="Commit">The commit it was built from.</param>
/// <param name="RunUrl">The CI run that built it.</param>
/// <param name="Actor">Who triggered that run or push.</param>
public sealed record Provenance(string? SourceRepository, string? Commit, string? RunUrl, string? Actor);
