namespace GitOpsBridge.Core.Sources;

/// <summary>The Jenkins Notification plugin's JSON (<c>jenkinsci/notification-plugin</c>), format JSON, protocol HTTP.</summary>
/// <remarks>
/// <para>
/// Format: https://plugins.jenkins.io/notification/ and the plugin's <c>JobState</c>/<c>BuildState</c>/<c>ScmState</c>
/// models: <c>{"name", "url", "build": {"number", "phase", "status", "url", "full_url", "scm": {"url", "branch", "commit"}, "parameters"}}</c>.
/// </para>
/// <para>
/// The plugin notifies in four phases: QUEUED and STARTED when the run starts, COMPLETED from
/// <c>RunListener.onCompleted</c> and FINALIZED from <c>RunListener.onFinalized</c>. Only FINALIZED is a
/// completion: it comes last, after publishers that run after the build completed (and may still change
/// the result) have run, and it is the phase the plugin's own "failed" filter uses. COMPLETED is ignored,
/// so one build is never acted on twice; an endpoint must send the FINALIZED event ("all" or "finalized").
/// </para>
/// <para>
/// Mapping: <see cref="CiCompletion.Project"/> is the job's full name, read from the job <c>url</c>
/// (<c>job/team/job/api/</c> → <c>team/api</c>), because <c>name</c> holds only the last segment; without a
/// usable url it is <c>name</c>. In a multibranch project each branch is its own job, so the full name
/// ends with the branch job (<c>team/api/main</c>). <see cref="CiCompletion.Pipeline"/> is
/// <see langword="null"/>: a job is the pipeline. Only <c>SUCCESS</c> succeeds (<c>UNSTABLE</c>,
/// <c>FAILURE</c>, <c>ABORTED</c>, <c>NOT_BUILT</c> do not). The branch loses an <c>origin/</c> or
/// <c>refs/heads/</c> prefix. The body names no actor and no delivery id, so both stay empty and the host
/// generates the delivery id.
/// </para>
/// </remarks>
internal static class JenkinsNotificationPayload
{
    public const string DefaultEventName = "FINALIZED";

    private static readonly HashSet<string> StartPhases = new(StringComparer.Ordinal) { "QUEUED", "STARTED" };

    public static SourceParseResult Parse(CiJson root, SourcePayload payload)
    {
        var name = root.RequireString("name");
        var build = root.RequireObject("build");
        var phase = build.RequireString("phase");
        var number = build.Integer("number");
        if (phase != DefaultEventName)
        {
            var why = phase == "COMPLETED"
                ? "the FINALIZED notification that follows carries the final result"
                : StartPhases.Contains(phase) ? "the build has not finished" : "it is not a phase the Notification plugin sends";
            return CiPayloads.Ignore(phase, null, $"build {number} of {CiPayloads.Show(name)} is in phase {CiPayloads.Show(phase)}; only FINALIZED is a completion ({why})");
        }

        var status = build.RequireString("status");
        var scm = build.Object("scm");
        var run = new CiCompletion(
            Project: FullName(root.String("url")) ?? name,
            Pipeline: null,
            Branch: CiText.BranchOfRemoteRef(scm?.String("branch")),
            Commit: scm?.Commit("commit"),
            RunNumber: number,
            Succeeded: status == "SUCCESS",
            Status: status,
            RunUrl: build.String("full_url"),
            Actor: null);
        return CiPayloads.Complete(phase, null, run);
    }

    /// <summary>
    /// The full name in a job url relative to Jenkins' root: the segment after each <c>job/</c>, URL-decoded
    /// (<c>job/team/job/my%20api/</c> → <c>team/my api</c>); <see langword="null"/> when there is none.
    /// </summary>
    private static string? FullName(string? url)
    {
        if (url is null)
        {
            return null;
        }

        var segments = url.Split('/');
        var names = new List<string>();
        for (var index = 0; index + 1 < segments.Length; index++)
        {
            if (segments[index] == "job" && segments[index + 1].Length > 0)
            {
                names.Add(Uri.UnescapeDataString(segments[++index]));
            }
        }

        return names.Count == 0 ? null : string.Join('/', names);
    }
}
