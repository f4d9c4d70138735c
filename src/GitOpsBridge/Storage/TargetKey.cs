namespace GitOpsBridge.Storage;

/// <summary>
/// One target of the bridge: an environment of a GitOps repository on its base branch, within one
/// installation. There is one pull request and one desired state per target.
/// </summary>
/// <param name="InstallationId">The GitHub App installation that owns the repository.</param>
/// <param name="Repository">The repository, <c>owner/name</c>.</param>
/// <param name="BaseBranch">The branch the pull request targets.</param>
/// <param name="Environment">The environment in the repository's config.</param>
public sealed record TargetKey(long InstallationId, string Repository, string BaseBranch, string Environment);
