namespace GitOpsBridge.GitHub;

/// <summary>A deployment the bridge records on a repository, with its final status.</summary>
/// <param name="Repository">The repository, <c>owner/name</c>.</param>
/// <param name="Ref">The commit deployed.</param>
/// <param name="Environment">The environment it was deployed to.</param>
/// <param name="Description">A short description (GitHub keeps 140 characters).</param>
/// <param name="State">The status: <c>success</c>, <c>failure</c>, …</param>
/// <param name="Url">Where to read about it (the merged pull request): the status's <c>environment_url</c> and <c>log_url</c>.</param>
public sealed record DeploymentSpec(string Repository, string Ref, string Environment, string Description, string State, string? Url);
