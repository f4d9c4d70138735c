namespace GitOpsBridge.Core.Sources;

/// <summary>
/// Quay repository push notifications (<see href="https://docs.redhat.com/en/documentation/red_hat_quay/3.3/html/use_red_hat_quay/repository_notifications"/>):
/// <c>docker_url</c> (host and repository, <c>quay.io/ns/repo</c>) and <c>updated_tags</c>.
/// </summary>
/// <remarks>
/// <c>updated_tags</c> is an array of tag names in current Quay; older Quay sent an object from tag name to
/// image id. Both are read, and the object's values are not: they are legacy v1 image ids, not manifest
/// digests. Each tag is one push. Quay sends no event name, no delivery id and no pusher, and its
/// test notification is indistinguishable from a real push.
/// </remarks>
internal static class QuayPayload
{
    public const string EventName = "repo_push";

    public static SourceParseResult Parse(RegistryJson root, SourcePayload payload, RegistryDelivery delivery)
    {
        string repository = root.AsObject().NonEmptyString("docker_url");
        RegistryJson updated = root.Required("updated_tags");
        IEnumerable<string> tags = updated.IsObject
            ? updated.Element.EnumerateObject().Select(tag => tag.Name)
            : updated.AsArray().Select(tag => tag.AsString());
        var pushes = tags.Select(tag => RegistryImages.Push(repository, tag, digest: null, actor: null)).ToList();
        return pushes.Count > 0
            ? delivery.Pushed(pushes)
            : throw new RegistryPayloadException(
                RegistryReasons.NoTagOrDigest, $"the push of {RegistryImages.Show(repository)} updated no tags");
    }
}
