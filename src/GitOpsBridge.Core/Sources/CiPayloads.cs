using System.Text.Json;
using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Sources;

/// <summary>
/// Reads the completion notifications CI systems send to <c>POST /api/ci/{name}</c>: GitLab's Pipeline
/// Hook, Azure DevOps <c>build.complete</c>, CircleCI <c>workflow-completed</c>, the Jenkins Notification
/// plugin and Spinnaker echo's REST events.
/// </summary>
/// <remarks>
/// Pure: no I/O, no clock. Never throws on a body, whatever it holds: a body that is not JSON is
/// rejected as <see cref="MalformedJson"/>, a field of the wrong shape as <see cref="InvalidPayload"/>
/// naming the field, and a valid event that is not a finished run (a running pipeline, a started
/// build, another hook type) is ignored as <see cref="NotACompletion"/>. A finished run, successful or
/// not, is <see cref="SourceParseResult.Completed"/>; only the vendor's own success word sets
/// <see cref="CiCompletion.Succeeded"/>, and the host skips the rest.
/// </remarks>
public static class CiPayloads
{
    /// <summary>Reason code: the body is not JSON (or nests deeper than 64 levels).</summary>
    public const string MalformedJson = "malformed-json";

    /// <summary>Reason code: the body is JSON but a field the event needs is missing or of the wrong type; the reason names the field.</summary>
    public const string InvalidPayload = "invalid-payload";

    /// <summary>Reason code: a valid event that does not report a finished run.</summary>
    public const string NotACompletion = "not-a-completion";

    /// <summary>Parses one CI notification.</summary>
    /// <param name="kind">A CI kind: <see cref="SourceKind.GitLab"/>, <see cref="SourceKind.AzureDevOps"/>, <see cref="SourceKind.CircleCi"/>, <see cref="SourceKind.Jenkins"/> or <see cref="SourceKind.Spinnaker"/>.</param>
    /// <param name="payload">The request body and headers.</param>
    /// <returns><see cref="SourceParseResult.Completed"/>, <see cref="SourceParseResult.Ignored"/> or <see cref="SourceParseResult.Rejected"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is a registry kind: a programming error, not bad input.</exception>
    public static SourceParseResult Parse(SourceKind kind, SourcePayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        (Func<CiJson, SourcePayload, SourceParseResult> Parse, string EventName) vendor = kind switch
        {
            SourceKind.GitLab => (GitLabPipelinePayload.Parse, GitLabPipelinePayload.DefaultEventName),
            SourceKind.AzureDevOps => (AzureDevOpsBuildPayload.Parse, AzureDevOpsBuildPayload.DefaultEventName),
            SourceKind.CircleCi => (CircleCiWorkflowPayload.Parse, CircleCiWorkflowPayload.DefaultEventName),
            SourceKind.Jenkins => (JenkinsNotificationPayload.Parse, JenkinsNotificationPayload.DefaultEventName),
            SourceKind.Spinnaker => (SpinnakerPayload.Parse, SpinnakerPayload.DefaultEventName),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a CI source kind; registry kinds have their own parser"),
        };
        var eventName = vendor.EventName;

        // Known before the body is read, so even a rejected GitLab delivery keeps its id.
        var headerId = kind == SourceKind.GitLab ? GitLabPipelinePayload.VendorIdOf(payload) : null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload.Body ?? "", CiJson.DocumentOptions);
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException)
        {
            // ArgumentException: a string holding a lone surrogate cannot even be transcoded to UTF-8.
            return new SourceParseResult.Rejected(MalformedJson, "the body is not valid JSON: " + DiagnosticText.Shorten(exception.Message, 200))
            {
                EventName = eventName,
                VendorId = headerId,
            };
        }

        using (document)
        {
            var root = new CiJson(document.RootElement, "");
            if (root.Element.ValueKind != JsonValueKind.Object)
            {
                return Invalid(eventName, headerId, $"the body must be a JSON object, not {CiJson.Describe(root.Element.ValueKind)}");
            }

            try
            {
                return vendor.Parse(root, payload);
            }
            catch (CiPayloadException exception)
            {
                return Invalid(eventName, headerId, exception.Message);
            }
        }
    }

    /// <summary>An ignored event that is not a finished run.</summary>
    internal static SourceParseResult.Ignored Ignore(string eventName, string? vendorId, string reason) =>
        new(NotACompletion, reason) { EventName = eventName, VendorId = vendorId };

    /// <summary>A finished run.</summary>
    internal static SourceParseResult.Completed Complete(string eventName, string? vendorId, CiCompletion run) =>
        new(run) { EventName = eventName, VendorId = vendorId };

    /// <summary>A value for a reason: shortened and escaped, because it comes from the body.</summary>
    internal static string Show(string value) => DiagnosticText.Quote(value, DiagnosticText.ComponentLimit);

    private static SourceParseResult.Rejected Invalid(string eventName, string? vendorId, string reason) =>
        new(InvalidPayload, reason) { EventName = eventName, VendorId = vendorId };
}
