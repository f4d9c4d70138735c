namespace GitOpsBridge.Core.Sources;

/// <summary>
/// Docker Hub repository webhooks (<see href="https://docs.docker.com/docker-hub/repos/manage/webhooks/"/>):
/// <c>push_data.tag</c>, <c>push_data.pusher</c> and <c>repository.repo_name</c>.
/// </summary>
/// <remarks>
/// Docker Hub sends no digest, no host, no event name and no delivery id; the host is <c>docker.io</c>.
/// <c>push_data.pushed_at</c> (an integer, or a float in old deliveries) and <c>callback_url</c> are not read:
/// nothing here needs them, so their type cannot make a push fail.
/// </remarks>
internal static class DockerHubPayload
{
    public const string EventName = "push";

    public static SourceParseResult Parse(RegistryJson root, SourcePayload payload, RegistryDelivery delivery)
    {
        RegistryJson pushData = root.Object("push_data");
        string repository = root.Object("repository").NonEmptyString("repo_name");
        return delivery.Pushed(RegistryImages.Push(
            "docker.io/" + repository,
            pushData.OptionalString("tag"),
            digest: null,
            pushData.OptionalString("pusher")));
    }
}
