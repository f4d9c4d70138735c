namespace GitOpsBridge.Core.Sources;

/// <summary>
/// Harbor webhooks (<see href="https://goharbor.io/docs/main/working-with-projects/project-configuration/configure-webhooks/"/>)
/// in both payload formats:
/// <list type="bullet">
/// <item>Default: <c>type</c> (<c>PUSH_ARTIFACT</c>…), <c>operator</c> and <c>event_data</c> with
/// <c>resources[].tag/digest/resource_url</c> and <c>repository.repo_full_name</c>;</item>
/// <item>CloudEvents 1.0: <c>type</c> (<c>harbor.artifact.pushed</c>…), <c>id</c>, the <c>operator</c> extension and
/// <c>data</c> holding <c>resources</c> and <c>repository</c>; in structured mode (one JSON object) or in binary mode
/// (<c>ce-type</c>, <c>ce-id</c>, <c>ce-operator</c> headers, the body is the data).</item>
/// </list>
/// </summary>
/// <remarks>
/// A "tag" equal to the digest is how Harbor reports a push by digest (replication, the job service): it is a
/// digest-only push. The registry host is the part of <c>resource_url</c> before the repository.
/// </remarks>
internal static class HarborPayload
{
    private const string PushArtifact = "PUSH_ARTIFACT";
    private const string ArtifactPushed = "harbor.artifact.pushed";

    public static SourceParseResult Parse(RegistryJson root, SourcePayload payload, RegistryDelivery delivery)
    {
        if (RegistryCloudEvent.Read(root, payload, allowBinary: true) is { } cloudEvent)
        {
            delivery.EventName = cloudEvent.Type;
            delivery.VendorId = cloudEvent.Id;
            return cloudEvent.Type == ArtifactPushed
                ? delivery.Pushed(Pushes(cloudEvent.RequiredData.AsObject(), cloudEvent.Attribute("operator")))
                : NotAPush(cloudEvent.Type, delivery);
        }

        RegistryJson body = root.AsObject();
        string type = body.NonEmptyString("type");
        delivery.EventName = type;
        return type == PushArtifact
            ? delivery.Pushed(Pushes(body.Object("event_data"), body.OptionalString("operator")))
            : NotAPush(type, delivery);
    }

    private static SourceParseResult NotAPush(string type, RegistryDelivery delivery) =>
        delivery.Ignored(RegistryReasons.NotAPush, $"the Harbor event {RegistryImages.Show(type)} announces no new image");

    private static List<ImagePush> Pushes(RegistryJson eventData, string? actor)
    {
        string repository = eventData.Object("repository").NonEmptyString("repo_full_name");
        IReadOnlyList<RegistryJson> resources = eventData.Array("resources");
        if (resources.Count == 0)
        {
            throw new RegistryPayloadException(
                RegistryReasons.NoTagOrDigest, $"the push of {RegistryImages.Show(repository)} lists no resources");
        }

        var pushes = new List<ImagePush>(resources.Count);
        foreach (RegistryJson item in resources)
        {
            RegistryJson resource = item.AsObject();
            string? digest = resource.OptionalString("digest");
            string? tag = resource.OptionalString("tag");
            string host = Host(resource.NonEmptyString("resource_url"), repository, resource.Path + ".resource_url");
            pushes.Add(RegistryImages.Push(host + "/" + repository, tag == digest ? null : tag, digest, actor));
        }

        return pushes;
    }

    // resource_url is "<host>/<repo_full_name>:<tag>" or "...@<digest>"; Harbor has no path prefix before the repository.
    private static string Host(string resourceUrl, string repository, string field)
    {
        string url = resourceUrl;
        foreach (string scheme in (ReadOnlySpan<string>)["https://", "http://"])
        {
            if (url.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                url = url[scheme.Length..];
            }
        }

        int slash = url.IndexOf('/', StringComparison.Ordinal);
        string rest = slash < 0 ? string.Empty : url[(slash + 1)..];
        bool namesRepository = rest.StartsWith(repository, StringComparison.Ordinal)
            && (rest.Length == repository.Length || rest[repository.Length] is ':' or '@');
        return slash > 0 && namesRepository
            ? url[..slash]
            : throw new RegistryPayloadException(
                RegistryReasons.InvalidPayload,
                $"'{field}' is {RegistryImages.Show(resourceUrl)}, which is not '<registry host>/{repository}…'");
    }
}
