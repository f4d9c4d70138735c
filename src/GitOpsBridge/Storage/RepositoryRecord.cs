namespace GitOpsBridge.Storage;

/// <summary>A GitOps repository the App is installed on, with its config and the images that config tracks.</summary>
/// <param name="Repository">The repository, <c>owner/name</c>.</param>
/// <param name="InstallationId">The installation it belongs to.</param>
/// <param name="DefaultBranch">Its default branch, when known.</param>
/// <param name="ConfigYaml">The text of <c>.github/gitops-bridge.yml</c>, when it has one.</param>
/// <param name="ConfigError">Why that config is invalid, when it is.</param>
/// <param name="TrackedImages">The normalised image names the config tracks: the index events are routed by.</param>
/// <param name="UpdatedAt">When this was read. The store keeps the caller's value.</param>
public sealed record RepositoryRecord(
    string Repository,
    long InstallationId,
    string? DefaultBranch,
    string? ConfigYaml,
    string? ConfigError,
    IReadOnlyList<string> TrackedImages,
    DateTimeOffset UpdatedAt);
