namespace GitOpsBridge.Storage;

/// <summary>
/// A person's decision about one target that outlives events: a version declined by closing its
/// pull request, a hold, a pin. There is one control per (target, kind, image); a later one replaces it.
/// </summary>
/// <param name="Kind">One of <see cref="TargetControlKinds"/>.</param>
/// <param name="ImageName">The image it is about, or <c>""</c> for the whole target (a hold).</param>
/// <param name="Tag">The version it names (declined or pinned), if any; for a hold the bridge placed itself (no actor), why.</param>
/// <param name="Digest">The digest of that version, when known.</param>
/// <param name="Actor">The GitHub login that decided it.</param>
/// <param name="CreatedAt">When. The store keeps the caller's value.</param>
public sealed record TargetControl(string Kind, string ImageName, string? Tag, string? Digest, string? Actor, DateTimeOffset CreatedAt);

/// <summary>The kinds of <see cref="TargetControl"/>.</summary>
public static class TargetControlKinds
{
    /// <summary>This version of the image is not wanted: its pull request was closed without merging.</summary>
    public const string Declined = "declined";

    /// <summary>The target is neither pushed nor updated until released.</summary>
    public const string Held = "held";

    /// <summary>The image stays at this version, even a lower one, until unpinned.</summary>
    public const string Pinned = "pinned";

    /// <summary>
    /// This version merged in the <c>promoteFrom</c> environment and waits for this environment's
    /// gates (<c>soak</c>, <c>requireDeployment</c>): <see cref="TargetControl.CreatedAt"/> is the
    /// merge time, <see cref="TargetControl.Actor"/> who merged it. Removed once the gates open.
    /// </summary>
    public const string Promotion = "promotion";

    /// <summary>
    /// The <c>promoteFrom</c> environment reported a successful deployment that contains this
    /// version's merge commit: the deployment gate of its <see cref="Promotion"/> is open. Without an
    /// image (<c>""</c>), <see cref="TargetControl.Tag"/> is the commit of the latest successful
    /// deployment of the source environment, for a merge whose webhook arrives after it.
    /// </summary>
    public const string Deployed = "deployed";

    /// <summary>The next build of the branch starts from the base alone, dropping people's commits (<c>/gitops-bridge rebase</c> of a held target).</summary>
    public const string Rebuild = "rebuild";

    /// <summary>
    /// A GitHub Deployment the bridge recorded on a source repository for a merged pull request of
    /// this target: <see cref="TargetControl.ImageName"/> is <c>{repository}@{commit}</c>,
    /// <see cref="TargetControl.Tag"/> the pull request's number. A retried merge job skips it
    /// instead of recording it twice; only the latest merged pull request's are kept.
    /// </summary>
    public const string DeploymentRecorded = "deployment-recorded";
}
