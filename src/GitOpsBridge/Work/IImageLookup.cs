using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Work;

/// <summary>What the worker asks a registry: a tag's digest, and whether a tag exists yet.</summary>
internal interface IImageLookup
{
    /// <summary>The digest the registry serves for the image's tag, or <see langword="null"/> when it has no such tag.</summary>
    Task<string?> ResolveDigestAsync(ImageReference image, CancellationToken cancellationToken = default);

    /// <summary>Whether the registry has the image's tag.</summary>
    Task<bool> TagExistsAsync(ImageReference image, CancellationToken cancellationToken = default);
}

/// <summary>A CI run said it pushed a tag the registry does not have yet (<c>verify: true</c>).</summary>
internal sealed class TagNotYetPublishedException(ImageReference image)
    : Exception($"{image} is not in the registry yet")
{
    public ImageReference Image { get; } = image;
}
