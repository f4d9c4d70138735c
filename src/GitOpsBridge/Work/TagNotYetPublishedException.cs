using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Work;

/// <summary>A CI run said it pushed a tag the registry does not have yet (<c>verify: true</c>).</summary>
internal sealed class TagNotYetPublishedException(ImageReference image)
    : Exception($"{image} is not in the registry yet")
{
    public ImageReference Image { get; } = image;
}
