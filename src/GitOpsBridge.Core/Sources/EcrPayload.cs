namespace GitOpsBridge.Core.Sources;

/// <summary>
/// Amazon ECR image actions (<see href="https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html"/>)
/// sent by an EventBridge rule to an API destination, as the plain EventBridge event or as a CloudEvent.
/// </summary>
/// <remarks>
/// <para>
/// EventBridge form: <c>id</c>, <c>detail-type</c> (<c>ECR Image Action</c>), <c>account</c>, <c>region</c> and
/// <c>detail</c> with <c>action-type</c> (<c>PUSH</c>, <c>DELETE</c>), <c>result</c> (<c>SUCCESS</c>, <c>FAILURE</c>),
/// <c>repository-name</c>, <c>image-tag</c> and <c>image-digest</c>. The registry host is
/// <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.amazonaws.com</c>.
/// </para>
/// <para>
/// CloudEvents form, as AWS's input-transformer recipe builds it
/// (<see href="https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations-cloudevents.html"/>):
/// a structured-mode CloudEvent with <c>type</c> = the detail-type, <c>id</c>, the extension attributes
/// <c>account</c> and <c>region</c>, and <c>data</c> = the <c>detail</c>. AWS's recipe maps <c>region</c> only, so the
/// transformer must also map <c>"account": "$.account"</c>; without it the host is unknown and the event is
/// rejected saying so. A <c>data</c> that holds the whole EventBridge event (it has <c>detail</c>) is read as such.
/// </para>
/// </remarks>
internal static class EcrPayload
{
    private const string ImageAction = "ECR Image Action";

    public static SourceParseResult Parse(RegistryJson root, SourcePayload payload, RegistryDelivery delivery)
    {
        if (RegistryCloudEvent.Read(root, payload, allowBinary: false) is { } cloudEvent)
        {
            delivery.VendorId = cloudEvent.Id;
            RegistryJson data = cloudEvent.RequiredData.AsObject();
            if (data.Optional("detail") is not null)
            {
                return ParseEventBridge(data, delivery, keepId: true);
            }

            delivery.EventName = cloudEvent.Type;
            return cloudEvent.Type == ImageAction
                ? ParseDetail(data, cloudEvent.Attribute("account"), cloudEvent.Attribute("region"), name => $"the CloudEvents attribute '{name}'", delivery)
                : NotAPush($"the event type {RegistryImages.Show(cloudEvent.Type)} is not an {ImageAction}", delivery);
        }

        return ParseEventBridge(root.AsObject(), delivery, keepId: false);
    }

    private static SourceParseResult ParseEventBridge(RegistryJson eventBridge, RegistryDelivery delivery, bool keepId)
    {
        if (!keepId)
        {
            delivery.VendorId = eventBridge.OptionalNonEmptyString("id");
        }

        string detailType = eventBridge.NonEmptyString("detail-type");
        delivery.EventName = detailType;
        return detailType == ImageAction
            ? ParseDetail(
                eventBridge.Object("detail"),
                eventBridge.OptionalNonEmptyString("account"),
                eventBridge.OptionalNonEmptyString("region"),
                name => $"'{eventBridge.ChildPath(name)}'",
                delivery)
            : NotAPush($"the detail-type {RegistryImages.Show(detailType)} is not an {ImageAction}", delivery);
    }

    private static SourceParseResult ParseDetail(RegistryJson detail, string? account, string? region, Func<string, string> field, RegistryDelivery delivery)
    {
        string action = detail.NonEmptyString("action-type");
        string result = detail.NonEmptyString("result");
        if (action != "PUSH")
        {
            return NotAPush($"the action-type {RegistryImages.Show(action)} announces no new image", delivery);
        }

        if (result != "SUCCESS")
        {
            return NotAPush($"the push did not succeed (result {RegistryImages.Show(result)})", delivery);
        }

        string host = Host(
            account ?? throw Missing(field("account")),
            region ?? throw Missing(field("region")));
        return delivery.Pushed(RegistryImages.Push(
            host + "/" + detail.NonEmptyString("repository-name"),
            detail.OptionalString("image-tag"),
            detail.OptionalString("image-digest"),
            actor: null));
    }

    // A 12-digit account and a region of letters, digits and '-' (us-west-2, cn-north-1, us-gov-west-1).
    private static string Host(string account, string region)
    {
        if (account.Length != 12 || !account.All(char.IsAsciiDigit))
        {
            throw new RegistryPayloadException(
                RegistryReasons.InvalidPayload, $"the account {RegistryImages.Show(account)} is not a 12-digit AWS account id");
        }

        if (!region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') || region[0] == '-' || region[^1] == '-')
        {
            throw new RegistryPayloadException(RegistryReasons.InvalidPayload, $"the region {RegistryImages.Show(region)} is not an AWS region");
        }

        // China regions live under amazonaws.com.cn.
        string domain = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return $"{account}.dkr.ecr.{region}.{domain}";
    }

    private static RegistryPayloadException Missing(string field) =>
        new(RegistryReasons.InvalidPayload, $"{field} is missing; the registry host is built from account and region");

    private static SourceParseResult NotAPush(string reason, RegistryDelivery delivery) =>
        delivery.Ignored(RegistryReasons.NotAPush, reason);
}
