using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Registries;

/// <summary>
/// Reads what a container registry holds through the OCI distribution API
/// (<see href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md">distribution-spec</see>):
/// the digest a tag points at, whether a tag exists, and the tags of a repository.
/// Implementations authenticate (anonymous, Basic, Bearer token challenge, ACR through Microsoft
/// Entra ID), limit their request rate per registry and cache found digests briefly.
/// </summary>
public interface IRegistryClient
{
    /// <summary>
    /// The manifest digest that <paramref name="image"/>'s tag (or, without a tag, its digest)
    /// points at: a manifest list or OCI index digest for a multi-platform image.
    /// </summary>
    /// <param name="image">The image; <c>docker.io</c> images are read from <c>registry-1.docker.io</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><c>sha256:</c> and 64 hex characters, or null when the registry has no such tag.</returns>
    /// <exception cref="ArgumentException"><paramref name="image"/> has neither a tag nor a digest.</exception>
    /// <exception cref="RegistryException">The registry refused the call or could not be reached.</exception>
    Task<string?> ResolveDigestAsync(ImageReference image, CancellationToken cancellationToken = default);

    /// <summary>Whether the registry has <paramref name="image"/>'s tag (or digest).</summary>
    /// <param name="image">The image with a tag.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the manifest exists.</returns>
    /// <exception cref="ArgumentException"><paramref name="image"/> has neither a tag nor a digest.</exception>
    /// <exception cref="RegistryException">The registry refused the call or could not be reached.</exception>
    Task<bool> TagExistsAsync(ImageReference image, CancellationToken cancellationToken = default);

    /// <summary>
    /// The tags of <paramref name="repository"/>, in the registry's order, following <c>Link</c>
    /// headers for at most <see cref="RegistryOptions.MaxTagPages"/> pages.
    /// </summary>
    /// <param name="repository">The repository without tag or digest: <c>ghcr.io/acme/api</c>, <c>nginx</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tags; empty when the repository has none; only the first pages when there are more.</returns>
    /// <exception cref="ImageReferenceException"><paramref name="repository"/> is not a valid repository name.</exception>
    /// <exception cref="RegistryException">The registry refused the call (404 for an unknown repository) or could not be reached.</exception>
    Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken = default);
}
