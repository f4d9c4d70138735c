namespace GitOpsBridge.Storage;

/// <summary>One desired image of one target, as <see cref="IBridgeStore.ListDesiredImagesAsync"/> lists the whole desired state.</summary>
/// <param name="Target">The target.</param>
/// <param name="Image">The version of one image it should run.</param>
public sealed record TargetImage(TargetKey Target, DesiredImage Image);
