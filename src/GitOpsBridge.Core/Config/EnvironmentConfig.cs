namespace GitOpsBridge.Core.Config;

/// <summary>An environment, declared under <c>environments.&lt;name&gt;</c>: the files to edit and how changes land.</summary>
/// <param name="Name">The key under <c>environments</c>.</param>
/// <param name="Branch">Base branch; <see langword="null"/> means the repository's default branch.</param>
/// <param name="Files">File targets, in file order.</param>
/// <param name="PromoteFrom">Another environment whose deployed versions this one receives; <see langword="null"/> if none.</param>
/// <param name="Soak">How long a version must have been in <see cref="PromoteFrom"/> before it is promoted here.</param>
/// <param name="BatchWindow">How long to wait for further events before opening or updating the change.</param>
/// <param name="Commit">How commits are created.</param>
/// <param name="Freeze">Windows in which no change is made.</param>
/// <param name="PullRequest">Pull request settings; <see langword="null"/> when the file says <c>pullRequest: false</c> (push to the branch directly).</param>
/// <param name="Position">Where the environment's key stands in the file.</param>
public sealed record EnvironmentConfig(
    string Name,
    string? Branch,
    IReadOnlyList<FileTarget> Files,
    string? PromoteFrom,
    TimeSpan? Soak,
    TimeSpan? BatchWindow,
    CommitMode Commit,
    IReadOnlyList<FreezeWindow> Freeze,
    PullRequestConfig? PullRequest,
    SourcePosition Position)
{
    /// <summary>
    /// <c>environments.&lt;name&gt;.pin</c>: image alias → the version the environment stays at, even
    /// when lower than the current one (an intentional downgrade); newer events do not move a pinned
    /// image until its pin is removed from the file. Empty when the file pins nothing.
    /// </summary>
    public IReadOnlyDictionary<string, string> Pins { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// With <see cref="PromoteFrom"/>: a version is promoted here only after GitHub reports a
    /// successful deployment of the source environment at its merge commit or a later commit of
    /// that environment's base (a <c>deployment_status</c> event, as Argo CD notifications send).
    /// </summary>
    public bool RequireDeployment { get; init; }

    /// <summary>
    /// The name this environment's deployments carry on GitHub (<c>deployment.environment</c>),
    /// when the deploying tool names it differently; <see langword="null"/> means <see cref="Name"/>.
    /// </summary>
    public string? DeploymentEnvironment { get; init; }
}
