using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Sources;

/// <summary>Builds the <see cref="ImagePush"/> a registry announced, checking each part so a bad one is rejected with its own code.</summary>
internal static class RegistryImages
{
    /// <summary>
    /// The push of <paramref name="repository"/> (host included) with a tag, a digest or both; an empty tag or
    /// digest counts as absent.
    /// </summary>
    /// <remarks>
    /// Tag and digest are checked on their own before they are joined: joined first, a "tag" such as
    /// <c>1.0@sha256:…</c> would smuggle in a digest the registry never reported.
    /// </remarks>
    public static ImagePush Push(string repository, string? tag, string? digest, string? actor)
    {
        tag = string.IsNullOrEmpty(tag) ? null : tag;
        digest = string.IsNullOrEmpty(digest) ? null : digest;
        if (tag is null && digest is null)
        {
            throw new RegistryPayloadException(
                RegistryReasons.NoTagOrDigest,
                $"the push of {DiagnosticText.Quote(repository, DiagnosticText.ReferenceLimit)} names neither a tag nor a digest");
        }

        if (digest is not null && ImageReference.DigestProblem(digest) is { } digestProblem)
        {
            throw new RegistryPayloadException(RegistryReasons.InvalidDigest, digestProblem);
        }

        if (tag is not null && ImageReference.TagProblem(tag) is { } tagProblem)
        {
            throw new RegistryPayloadException(RegistryReasons.InvalidReference, tagProblem);
        }

        if (!ImageReference.TryParseRepository(repository, out _, out string? repositoryError))
        {
            throw new RegistryPayloadException(RegistryReasons.InvalidReference, repositoryError);
        }

        string text = repository + (tag is null ? string.Empty : ":" + tag) + (digest is null ? string.Empty : "@" + digest);
        return ImageReference.TryParse(text, out ImageReference? image, out string? error)
            ? new ImagePush(image, string.IsNullOrEmpty(actor) ? null : actor)
            : throw new RegistryPayloadException(RegistryReasons.InvalidReference, error);
    }

    /// <summary>
    /// Splits a full reference that ends in a tag (<c>host/path:tag</c>) on the last ':' after the last '/',
    /// so a registry port (<c>localhost:5000/app:1.0</c>) stays with the repository.
    /// </summary>
    public static (string Repository, string Tag) SplitTag(string reference, string field)
    {
        int slash = reference.LastIndexOf('/');
        int colon = reference.LastIndexOf(':');
        return colon > slash && colon > 0
            ? (reference[..colon], reference[(colon + 1)..])
            : throw new RegistryPayloadException(
                RegistryReasons.InvalidReference,
                $"'{field}' is {DiagnosticText.Quote(reference, DiagnosticText.ReferenceLimit)}, which is not a full reference ending in ':tag'");
    }

    /// <summary>Splits a full reference that ends in a digest (<c>host/path@sha256:…</c>) on its '@'.</summary>
    public static (string Repository, string Digest) SplitDigest(string reference, string field)
    {
        int at = reference.IndexOf('@', StringComparison.Ordinal);
        return at > 0
            ? (reference[..at], reference[(at + 1)..])
            : throw new RegistryPayloadException(
                RegistryReasons.InvalidReference,
                $"'{field}' is {DiagnosticText.Quote(reference, DiagnosticText.ReferenceLimit)}, which is not a full reference ending in '@digest'");
    }

    /// <summary>Text from a payload, shortened and escaped for a reason.</summary>
    public static string Show(string text) => DiagnosticText.Quote(text, DiagnosticText.ComponentLimit);
}
