namespace GitOpsBridge.Storage;

/// <summary>The version of one image that a target should run: the durable desired state a pull request is built from.</summary>
/// <param name="ImageName">The normalised image repository, for example <c>ghcr.io/acme/api</c>.</param>
/// <param name="Tag">The tag, when the event carried one.</param>
/// <param name="Digest">The digest, when the event carried one.</param>
/// <param name="DeliveryId">The delivery that asked for it.</param>
/// <param name="Provenance">Where it came from.</param>
/// <param name="UpdatedAt">When it was asked for. The store keeps the caller's value.</param>
public sealed record DesiredImage(
    string ImageName,
    string? Tag,
    string? Digest,
    string DeliveryId,
    Provenance Provenance,
    DateTimeOffset UpdatedAt);
