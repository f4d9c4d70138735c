namespace GitOpsBridge.Core.Config;

/// <summary>One file of an environment and where in it an image lives.</summary>
/// <param name="Path">Repository-relative path, normalized by <see cref="RepositoryPaths.TryNormalize"/>.</param>
/// <param name="Kind">Which of <c>helm</c>, <c>kustomize</c>, <c>manifest</c> or <c>image</c> was given.</param>
/// <param name="Image">Alias of the image (a key of <see cref="RepositoryConfig.Images"/>).</param>
/// <param name="Helm">Set when <see cref="Kind"/> is <see cref="TargetKind.Helm"/>.</param>
/// <param name="KustomizeName">For <see cref="TargetKind.Kustomize"/>: the <c>images[].name</c> to match or add (defaults to the image repository).</param>
/// <param name="Container">For <see cref="TargetKind.Manifest"/>: the container name to restrict to; <see langword="null"/> means every container using the image.</param>
/// <param name="Position">Where the target's entry starts in the file.</param>
public sealed record FileTarget(
    string Path,
    TargetKind Kind,
    string Image,
    HelmTarget? Helm,
    string? KustomizeName,
    string? Container,
    SourcePosition Position);
