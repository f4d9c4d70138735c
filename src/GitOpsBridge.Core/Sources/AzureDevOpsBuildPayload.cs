namespace GitOpsBridge.Core.Sources;

/// <summary>
/// Azure DevOps service hook <c>build.complete</c> (Web Hooks consumer, resource version 1.0 or 2.0),
/// in both shapes Microsoft has documented.
/// </summary>
/// <remarks>
/// <para>
/// Format: https://learn.microsoft.com/azure/devops/service-hooks/events#build.complete. The older
/// XAML-era sample carries the outcome in <c>resource.status</c> (<c>succeeded</c>) and the source as
/// <c>resource.sourceGetVersion</c> (<c>LG:refs/heads/master:&lt;sha&gt;</c>); a current pipeline build is
/// the REST <c>Build</c> object, with <c>status: completed</c>, the outcome in <c>resource.result</c>
/// (<c>succeeded</c>, <c>partiallySucceeded</c>, <c>failed</c>, <c>canceled</c>), and
/// <c>sourceBranch</c>/<c>sourceVersion</c>.
/// </para>
/// <para>
/// Mapping: <see cref="CiCompletion.Project"/> is the Azure DevOps project name
/// (<c>resource.project.name</c>), and <see cref="CiCompletion.Pipeline"/> the pipeline (build
/// definition) name, so a config says <c>ci: { repository: Fabrikam, workflow: "Fabrikam CI" }</c>. The
/// git repository is not part of Project: a definition name already identifies the pipeline inside a
/// project, and service hook bodies do not reliably name the repository. The legacy shape has no
/// project name; its project GUID (<c>resourceContainers.project.id</c>) stands in, stable but opaque.
/// </para>
/// <para>
/// <see cref="CiCompletion.RunNumber"/> is <c>resource.id</c>, the build id a job sees as
/// <c>Build.BuildId</c>; the build number (<c>Build.BuildNumber</c>, such as <c>20241202.1</c>) is a
/// formatted string, not a number. <see cref="CiCompletion.Status"/> is the vendor's result word;
/// only <c>succeeded</c> succeeds (<c>partiallySucceeded</c> does not). A TFVC build has no git commit,
/// so its Commit is <see langword="null"/>. The vendor id is the notification's <c>id</c>.
/// </para>
/// </remarks>
internal static class AzureDevOpsBuildPayload
{
    public const string DefaultEventName = "build.complete";

    private const string Succeeded = "succeeded";

    // The outcome words of a finished build: BuildResult in the REST API, and the XAML-era BuildStatus values.
    private static readonly HashSet<string> Outcomes = new(StringComparer.OrdinalIgnoreCase)
    {
        Succeeded, "partiallySucceeded", "failed", "canceled", "stopped",
    };

    public static SourceParseResult Parse(CiJson root, SourcePayload payload)
    {
        var vendorId = root.String("id");
        var eventType = root.RequireString("eventType");
        if (eventType != DefaultEventName)
        {
            return CiPayloads.Ignore(eventType, vendorId, $"eventType is {CiPayloads.Show(eventType)}; only build.complete reports a finished build");
        }

        var resource = root.RequireObject("resource");
        var status = resource.String("status");
        var result = resource.String("result");
        // A current build always has a result once completed; only the XAML-era shape puts the outcome in status.
        var outcome = result ?? (status is null || status.Equals("completed", StringComparison.OrdinalIgnoreCase) ? throw resource.Missing("result") : status);
        if (result is not null && status is not null && !status.Equals("completed", StringComparison.OrdinalIgnoreCase))
        {
            return CiPayloads.Ignore(eventType, vendorId, $"build {resource.Integer("id")} is {CiPayloads.Show(status)}; only a completed build is a completion");
        }

        if (!Outcomes.Contains(outcome))
        {
            return CiPayloads.Ignore(eventType, vendorId, $"build {resource.Integer("id")} is {CiPayloads.Show(outcome)}, which is not the outcome of a finished build");
        }

        var isTfvc = resource.Object("repository")?.String("type") == "TfsVersionControl";
        var (legacyBranch, legacyCommit) = SourceGetVersion(resource);
        var run = new CiCompletion(
            Project: resource.Object("project")?.String("name")
                ?? root.Object("resourceContainers")?.Object("project")?.String("id")
                ?? throw resource.Missing("project"),
            Pipeline: resource.Object("definition")?.String("name"),
            Branch: CiText.BranchOfRef(resource.String("sourceBranch")) ?? legacyBranch,
            Commit: (isTfvc ? null : resource.Commit("sourceVersion")) ?? legacyCommit,
            RunNumber: resource.Integer("id"),
            Succeeded: outcome.Equals(Succeeded, StringComparison.OrdinalIgnoreCase),
            Status: outcome,
            RunUrl: resource.Object("_links")?.Object("web")?.String("href"),
            Actor: RequestedFor(resource));
        return CiPayloads.Complete(eventType, vendorId, run);
    }

    /// <summary>
    /// Splits the XAML-era <c>sourceGetVersion</c>: <c>LG:{ref}:{sha}</c> for git (a git ref cannot hold
    /// ':'); a TFVC changeset (<c>C123</c>) names no branch or commit.
    /// </summary>
    private static (string? Branch, string? Commit) SourceGetVersion(CiJson resource)
    {
        if (resource.String("sourceGetVersion") is not { } version || !version.StartsWith("LG:", StringComparison.Ordinal))
        {
            return (null, null);
        }

        var separator = version.LastIndexOf(':');
        var commit = version[(separator + 1)..];
        if (separator < 3 || !CiText.IsCommitSha(commit))
        {
            throw new CiPayloadException(resource.Path + ".sourceGetVersion", $"must be LG:<ref>:<commit sha>, not {CiPayloads.Show(version)}");
        }

        return (CiText.BranchOfRef(version[3..separator]), commit);
    }

    private static string? RequestedFor(CiJson resource)
    {
        if (resource.Object("requestedFor")?.String("uniqueName") is { } name)
        {
            return name;
        }

        // XAML-era builds name the requester per request.
        return resource.Array("requests") is { } requests && requests.Element.GetArrayLength() > 0
            ? requests.Items().First().AsObject().Object("requestedFor")?.String("uniqueName")
            : null;
    }
}
