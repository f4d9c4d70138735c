namespace GitOpsBridge.Core.Config;

/// <summary>A tracked container image, declared under <c>images.&lt;alias&gt;</c>.</summary>
/// <param name="Alias">The key under <c>images</c>; targets refer to the image by it.</param>
/// <param name="Repository">Repository name without tag or digest, e.g. <c>ghcr.io/acme/api</c>.</param>
/// <param name="Policy">Which tags may be applied; <see langword="null"/> when the file sets none.</param>
/// <param name="Digest">How digests are written.</param>
/// <param name="FluxPolicy">Flux <c>ImagePolicy</c> (<c>namespace:name</c>) whose <c>$imagepolicy</c> markers mean this image.</param>
/// <param name="Sources">Event sources allowed to move this image; empty means every source of the installation.</param>
/// <param name="Ci">Which CI builds produce this image; <see langword="null"/> when not mapped.</param>
/// <param name="Position">Where the alias key stands in the file.</param>
public sealed record ImageConfig(
    string Alias,
    string Repository,
    PolicyConfig? Policy,
    DigestMode Digest,
    string? FluxPolicy,
    IReadOnlyList<string> Sources,
    CiMapping? Ci,
    SourcePosition Position);
