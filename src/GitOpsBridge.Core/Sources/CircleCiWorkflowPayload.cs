namespace GitOpsBridge.Core.Sources;

/// <summary>CircleCI outbound webhook <c>workflow-completed</c>; <c>job-completed</c> and anything else is not a completion.</summary>
/// <remarks>
/// <para>
/// Format: https://circleci.com/docs/reference/outbound-webhooks-reference/. GitHub OAuth and Bitbucket
/// Cloud projects describe the commit in <c>pipeline.vcs</c>; GitLab, GitHub App and Bitbucket Data Center
/// projects have no <c>vcs</c> map and put it in <c>pipeline.trigger_parameters.git</c> instead. Both are read.
/// </para>
/// <para>
/// Mapping: <see cref="CiCompletion.Project"/> is <c>project.slug</c> without its first segment, the VCS
/// prefix: <c>gh/acme/api</c> and <c>github/acme/api</c> become <c>acme/api</c>, so a project on GitHub
/// is configured by the same <c>owner/repo</c> as a GitHub Actions build. Projects of the GitLab and
/// GitHub App integrations have slugs <c>circleci/&lt;org id&gt;/&lt;project id&gt;</c>, and their Project
/// is <c>&lt;org id&gt;/&lt;project id&gt;</c>, as shown in the project's settings. A slug of fewer than
/// three segments is kept whole. <see cref="CiCompletion.Pipeline"/> is the workflow name,
/// <see cref="CiCompletion.RunNumber"/> the project's pipeline number (<c>pipeline.number</c>,
/// <c>&lt;&lt; pipeline.number &gt;&gt;</c> in config), and only the workflow status <c>success</c> succeeds.
/// A tag build has no branch. The actor is known only for the integrations that send
/// <c>trigger_parameters.gitlab.user_username</c>. The vendor id is the event <c>id</c>, which CircleCI
/// documents as the key to deduplicate on.
/// </para>
/// </remarks>
internal static class CircleCiWorkflowPayload
{
    public const string DefaultEventName = "workflow-completed";

    // Terminal workflow states; a workflow-completed event carries one of these.
    private static readonly HashSet<string> Finished = new(StringComparer.Ordinal)
    {
        "success", "failed", "error", "canceled", "unauthorized", "not_run",
    };

    public static SourceParseResult Parse(CiJson root, SourcePayload payload)
    {
        var vendorId = root.String("id");
        var header = payload.Header("circleci-event-type");
        var type = root.String("type") ?? header ?? throw root.Missing("type");
        if (header is not null && header != type)
        {
            throw new CiPayloadException("type", $"is {CiPayloads.Show(type)} but the circleci-event-type header says {CiPayloads.Show(header)}");
        }

        if (type != DefaultEventName)
        {
            return CiPayloads.Ignore(type, vendorId, $"the event is {CiPayloads.Show(type)}; only workflow-completed reports a finished workflow");
        }

        var workflow = root.RequireObject("workflow");
        var status = workflow.RequireString("status");
        if (!Finished.Contains(status))
        {
            return CiPayloads.Ignore(type, vendorId, $"workflow {CiPayloads.Show(workflow.String("name") ?? "")} is {CiPayloads.Show(status)}, which is not a finished state");
        }

        var pipeline = root.RequireObject("pipeline");
        var vcs = pipeline.Object("vcs");
        var parameters = pipeline.Object("trigger_parameters");
        var git = parameters?.Object("git");
        var isTag = vcs?.String("tag") is not null || git?.String("tag") is not null;
        var run = new CiCompletion(
            Project: ProjectOf(root.RequireObject("project").RequireString("slug")),
            Pipeline: workflow.String("name"),
            Branch: isTag ? null : CiText.BranchOfRef(vcs?.String("branch") ?? git?.String("branch")),
            Commit: vcs?.Commit("revision") ?? git?.Commit("checkout_sha"),
            RunNumber: pipeline.Integer("number"),
            Succeeded: status == "success",
            Status: status,
            RunUrl: workflow.String("url"),
            Actor: parameters?.Object("gitlab")?.String("user_username"));
        return CiPayloads.Complete(type, vendorId, run);
    }

    /// <summary><c>gh/acme/api</c> → <c>acme/api</c>: drops the VCS segment of a three-part slug.</summary>
    private static string ProjectOf(string slug)
    {
        var parts = slug.Split('/');
        return parts.Length >= 3 && parts.All(p => p.Length > 0) ? string.Join('/', parts[1..]) : slug;
    }
}
