namespace GitOpsBridge.Core.Sources;

/// <summary>
/// GitLab's Pipeline Hook (<c>X-Gitlab-Event: Pipeline Hook</c>, <c>object_kind: pipeline</c>), sent on
/// every status change of a pipeline; only the finished states are completions.
/// </summary>
/// <remarks>
/// <para>Format: https://docs.gitlab.com/user/project/integrations/webhook_events/#pipeline-events.</para>
/// <para>
/// Mapping: <see cref="CiCompletion.Project"/> is <c>project.path_with_namespace</c> (<c>group/sub/app</c>,
/// what users write as <c>ci.repository</c>); <see cref="CiCompletion.Pipeline"/> is
/// <c>object_attributes.name</c>, the pipeline name set by <c>workflow:name</c> (GitLab 16.x and later),
/// or <see langword="null"/> when the pipeline has none.
/// </para>
/// <para>
/// <see cref="CiCompletion.Branch"/> is <c>object_attributes.ref</c>, except for a tag pipeline
/// (<c>tag: true</c>): its ref is a tag name, not a branch, so Branch is <see langword="null"/> and a
/// branch filter never matches it. The same holds for a full ref that is not a branch
/// (<c>refs/merge-requests/1/head</c> of a merge-request pipeline).
/// </para>
/// <para>
/// <see cref="CiCompletion.RunNumber"/> is <c>object_attributes.iid</c>, the project-scoped pipeline
/// number a job sees as <c>CI_PIPELINE_IID</c>: like GitHub's <c>run_number</c> it counts up per project,
/// so <c>{run}</c> means the same thing across sources. The instance-wide <c>id</c>
/// (<c>CI_PIPELINE_ID</c>) is deliberately not a fallback: a payload without <c>iid</c> would then render
/// a different tag than the build pushed, so it leaves RunNumber empty instead.
/// </para>
/// <para>
/// The vendor id is the <c>Idempotency-Key</c> header (GitLab 17.4+), which stays the same when GitLab
/// retries or an admin resends a delivery, else <c>X-Gitlab-Event-UUID</c>.
/// </para>
/// </remarks>
internal static class GitLabPipelinePayload
{
    public const string DefaultEventName = "pipeline";

    private const string PipelineHook = "Pipeline Hook";

    // https://docs.gitlab.com/ci/jobs/#available-job-statuses and the pipeline status enum: these end a pipeline.
    private static readonly HashSet<string> Finished = new(StringComparer.Ordinal) { "success", "failed", "canceled", "skipped" };

    public static string? VendorIdOf(SourcePayload payload) =>
        NonEmpty(payload.Header("Idempotency-Key")) ?? NonEmpty(payload.Header("X-Gitlab-Event-UUID"));

    public static SourceParseResult Parse(CiJson root, SourcePayload payload)
    {
        var vendorId = VendorIdOf(payload);
        var hook = payload.Header("X-Gitlab-Event");
        var kind = root.String("object_kind");
        if (hook is not null && hook != PipelineHook)
        {
            return CiPayloads.Ignore(kind ?? DefaultEventName, vendorId, $"X-Gitlab-Event is {CiPayloads.Show(hook)}; only Pipeline Hook events report finished pipelines");
        }

        if (kind is null)
        {
            throw root.Missing("object_kind");
        }

        if (kind != DefaultEventName)
        {
            return CiPayloads.Ignore(kind, vendorId, $"object_kind is {CiPayloads.Show(kind)}; only pipeline events report finished pipelines");
        }

        var attributes = root.RequireObject("object_attributes");
        var status = attributes.RequireString("status");
        var id = attributes.Integer("id");
        if (!Finished.Contains(status))
        {
            return CiPayloads.Ignore(kind, vendorId, $"pipeline {id} is {CiPayloads.Show(status)}; only a finished pipeline (success, failed, canceled, skipped) is a completion");
        }

        var project = root.RequireObject("project");
        var isTag = attributes.Boolean("tag") ?? false;
        var reference = attributes.String("ref");
        var runUrl = attributes.String("url")
            ?? (project.String("web_url") is { } web && id is { } pipelineId ? $"{web.TrimEnd('/')}/-/pipelines/{pipelineId}" : null);
        var run = new CiCompletion(
            Project: project.RequireString("path_with_namespace"),
            Pipeline: attributes.String("name"),
            Branch: isTag ? null : CiText.BranchOfRef(reference),
            Commit: attributes.Commit("sha"),
            RunNumber: attributes.Integer("iid"),
            Succeeded: status == "success",
            Status: status,
            RunUrl: runUrl,
            Actor: root.Object("user")?.String("username"));
        return CiPayloads.Complete(kind, vendorId, run);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
