namespace GitOpsBridge.Core.Sources;

/// <summary>
/// CNCF distribution (<c>registry:2</c>, Debian's <c>docker-registry</c>) notifications
/// (<see href="https://distribution.github.io/distribution/about/notifications/"/>): an envelope
/// <c>{"events":[…]}</c>, sent as <c>application/vnd.docker.distribution.events.v1+json</c> (2.x) or
/// <c>…events.v2+json</c> (3.x); the body is the same and the Content-Type is not needed to read it.
/// </summary>
/// <remarks>
/// <para>
/// Each event has <c>id</c>, <c>action</c> (<c>push</c>, <c>pull</c>, <c>mount</c>, <c>delete</c>),
/// <c>target.mediaType/repository/tag/digest</c>, <c>request.host</c> and <c>actor.name</c>. Only pushes
/// of a manifest count: a push of layers and config arrives as blob events, ignored.
/// </para>
/// <para>
/// A manifest push carries the tag it was pushed by. When an envelope holds a tagged push, the untagged
/// manifest pushes of the same repository are the platform manifests of that tagged index and are left
/// out; elsewhere a manifest push without a tag is a digest-only push.
/// </para>
/// </remarks>
internal static class DistributionPayload
{
    public const string ManifestPush = "manifest-push";

    // Manifest and index media types from the image-spec and Docker's manifest v2 spec; everything else is a blob.
    private static readonly HashSet<string> ManifestMediaTypes = new(StringComparer.Ordinal)
    {
        "application/vnd.docker.distribution.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.artifact.manifest.v1+json",
    };

    public static SourceParseResult Parse(RegistryJson root, SourcePayload payload, RegistryDelivery delivery)
    {
        IReadOnlyList<RegistryJson> events = root.AsObject().Array("events");
        var pushes = new List<(string? Id, ImagePush Push)>();
        foreach (RegistryJson item in events)
        {
            RegistryJson notification = item.AsObject();
            string action = notification.NonEmptyString("action");
            RegistryJson target = notification.Object("target");
            if (action == "push" && target.OptionalString("mediaType") is { } mediaType && ManifestMediaTypes.Contains(mediaType))
            {
                delivery.EventName = ManifestPush;
                delivery.VendorId ??= notification.OptionalNonEmptyString("id");
                string host = notification.Object("request").NonEmptyString("host");
                pushes.Add((notification.OptionalNonEmptyString("id"), RegistryImages.Push(
                    host + "/" + target.NonEmptyString("repository"),
                    target.OptionalString("tag"),
                    target.OptionalString("digest"),
                    notification.OptionalObject("actor")?.OptionalString("name"))));
            }
        }

        if (pushes.Count == 0)
        {
            RegistryJson? first = events.Count > 0 ? events[0] : null;
            delivery.VendorId = first?.OptionalNonEmptyString("id");
            delivery.EventName = first?.OptionalNonEmptyString("action") ?? "empty";
            return delivery.Ignored(
                RegistryReasons.NotAPush,
                events.Count == 0 ? "the envelope holds no events" : $"none of the {events.Count} events is the push of a manifest (pulls and blob uploads are not acted on)");
        }

        var tagged = pushes.Where(p => p.Push.Image.Tag is not null).Select(p => p.Push.Image.Name).ToHashSet(StringComparer.Ordinal);
        var kept = pushes.Where(p => p.Push.Image.Tag is not null || !tagged.Contains(p.Push.Image.Name)).ToList();
        return delivery.Pushed(kept.Select(p => p.Push).ToList());
    }
}
