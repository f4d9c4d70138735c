using System.Text.Json;

namespace GitOpsBridge.Core.Sources;

/// <summary>Spinnaker echo's REST event stream (<c>rest.endpoints</c> in <c>echo.yml</c>): pipeline ends are completions.</summary>
/// <remarks>
/// <para>
/// Format: https://spinnaker.io/docs/setup/other_config/features/notifications/ ("Add a webhook to
/// Spinnaker") and echo's <c>RestEventListener</c>: each event is <c>{"details": {"source", "type",
/// "application", …}, "content": {"execution": {…}, "executionId"}}</c>. An endpoint with <c>wrap: true</c>
/// nests it as <c>{"eventName", "payload": {…}}</c>, and one with <c>flatten: true</c> sends
/// <c>details</c> and <c>content</c> as JSON strings; both are read. A custom wrap template is not.
/// </para>
/// <para>
/// orca sends <c>orca:pipeline:starting</c> when a pipeline starts and <c>orca:pipeline:complete</c> or
/// <c>orca:pipeline:failed</c> when it ends (complete when orca counts it successful). Only those two
/// are completions, and only <c>complete</c> with <c>execution.status</c> <c>SUCCEEDED</c> succeeds; a
/// complete pipeline that was STOPPED or SKIPPED does not. Stage, task, orchestration, igor build and
/// every other event is not a completion.
/// </para>
/// <para>
/// Mapping: <see cref="CiCompletion.Project"/> is the Spinnaker application (<c>details.application</c>)
/// and <see cref="CiCompletion.Pipeline"/> the pipeline name. Commit, branch and run come from the
/// trigger: a git trigger's <c>hash</c> and <c>branch</c>, or a Jenkins trigger's <c>buildNumber</c>
/// and <c>buildInfo.scm[0]</c> (<c>sha1</c>, <c>branch</c>). Events carry no link to Deck, so RunUrl is
/// empty. The vendor id is <c>{execution id}:{details.type}</c>: the same execution also sends a
/// starting event, which must not look like a duplicate of its end.
/// </para>
/// </remarks>
internal static class SpinnakerPayload
{
    public const string DefaultEventName = "orca:pipeline:complete";

    private const string Failed = "orca:pipeline:failed";

    public static SourceParseResult Parse(CiJson root, SourcePayload payload)
    {
        // wrap: true without a template nests the event under "payload" (echo's rest.default-field-name).
        if (root.Child("details") is null && root.Object("payload") is { } wrapped)
        {
            root = wrapped;
        }

        var details = Embedded(root, "details");
        var type = details.RequireString("type");
        if (type != DefaultEventName && type != Failed)
        {
            return CiPayloads.Ignore(type, null, $"the event is {CiPayloads.Show(type)}; only orca:pipeline:complete and orca:pipeline:failed report a finished pipeline");
        }

        var execution = Embedded(root, "content").RequireObject("execution");
        var executionId = execution.String("id");
        var vendorId = executionId is null ? null : $"{executionId}:{type}";
        var status = execution.RequireString("status");
        var trigger = execution.Object("trigger");
        var buildInfo = trigger?.Object("buildInfo");
        var scm = buildInfo?.Array("scm") is { } list && list.Element.GetArrayLength() > 0 ? list.Items().First().AsObject() : (CiJson?)null;
        var run = new CiCompletion(
            Project: details.String("application") ?? execution.String("application") ?? throw details.Missing("application"),
            Pipeline: execution.String("name"),
            Branch: CiText.BranchOfRemoteRef(trigger?.String("branch") ?? scm?.String("branch")),
            Commit: trigger?.Commit("hash") ?? scm?.Commit("sha1"),
            RunNumber: trigger?.IntegerOrDigits("buildNumber") ?? buildInfo?.IntegerOrDigits("number"),
            Succeeded: type == DefaultEventName && status == "SUCCEEDED",
            Status: status,
            RunUrl: null,
            Actor: trigger?.String("user") ?? execution.Object("authentication")?.String("user"));
        return CiPayloads.Complete(type, vendorId, run);
    }

    /// <summary><c>details</c> or <c>content</c>: an object, or (with <c>flatten: true</c>) a string holding one.</summary>
    private static CiJson Embedded(CiJson root, string name)
    {
        var member = root.Child(name) ?? throw root.Missing(name);
        if (member.Element.ValueKind != JsonValueKind.String)
        {
            return member.AsObject();
        }

        try
        {
            // Cloned so the element outlives the document; the nested text is bounded by the body's own size.
            using var document = JsonDocument.Parse(member.Text(), CiJson.DocumentOptions);
            return new CiJson(document.RootElement.Clone(), member.Path).AsObject();
        }
        catch (JsonException exception)
        {
            throw new CiPayloadException(member.Path, $"is a string but not a JSON object ({GitOpsBridge.Core.Images.DiagnosticText.Shorten(exception.Message, 120)})");
        }
    }
}
