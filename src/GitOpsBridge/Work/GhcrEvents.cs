using System.Text.Json;
using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Work;

/// <summary>A normalised "new image exists" event.</summary>
/// <param name="Image">Repository with tag and/or digest.</param>
/// <param name="SourceRepository">The repository whose build produced it, when known (owner/name).</param>
/// <param name="Commit">The source commit, when known.</param>
/// <param name="RunUrl">The CI run, when known.</param>
/// <param name="Actor">Who triggered it, when known.</param>
internal sealed record ImagePublished(ImageReference Image, string? SourceRepository, string? Commit, string? RunUrl, string? Actor)
{
    /// <summary>The tag was worked out from a CI mapping with <c>verify: true</c>: act only once the registry has it.</summary>
    public bool Verify { get; init; }
}

/// <summary>
/// GHCR pushes as GitHub App events. <c>registry_package</c> and <c>package</c> carry the same
/// version; the tag is at <c>package_version.container_metadata.tag.name</c>. The stored examples
/// have an empty tag and a 40-hex "digest": those are rejected with the reason.
/// </summary>
internal static class GhcrEvents
{
    public static (ImagePublished? Event, string? Reason) Normalize(JsonElement root, string eventName)
    {
        var packageKey = eventName == "registry_package" ? "registry_package" : "package";
        if (!root.TryGetProperty(packageKey, out var package) || package.ValueKind != JsonValueKind.Object)
        {
            return (null, $"the {eventName} payload has no {packageKey} object");
        }

        var ecosystem = Text(package, "ecosystem") ?? Text(package, "package_type");
        if (!string.Equals(ecosystem, "container", StringComparison.OrdinalIgnoreCase) && !string.Equals(ecosystem, "docker", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(Text(package, "package_type"), "container", StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"package type {ecosystem ?? "unknown"} is not a container image");
        }

        var name = Text(package, "name");
        var owner = package.TryGetProperty("owner", out var o) ? Text(o, "login") : null;
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(owner))
        {
            return (null, "the package has no name or owner");
        }

        if (!package.TryGetProperty("package_version", out var version) || version.ValueKind != JsonValueKind.Object)
        {
            return (null, "the payload has no package_version");
        }

        string? tag = null;
        string? digest = null;
        if (version.TryGetProperty("container_metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("tag", out var tagObject) && tagObject.ValueKind == JsonValueKind.Object)
        {
            tag = Text(tagObject, "name");
            digest = Text(tagObject, "digest");
        }

        digest ??= Text(version, "version");
        if (string.IsNullOrEmpty(tag))
        {
            return (null, "the package version has an empty tag (container_metadata.tag.name); a digest-only GHCR push is not acted on");
        }

        // GHCR names are lower-case; payloads keep the owner login's case.
        var repository = $"ghcr.io/{owner.ToLowerInvariant()}/{name.ToLowerInvariant()}";
        if (!ImageReference.TryParse($"{repository}:{tag}", out var image, out var error))
        {
            return (null, error);
        }

        if (!string.IsNullOrEmpty(digest))
        {
            if (!ImageReference.IsValidDigest(digest))
            {
                return (null, $"the digest {Shorten(digest)} is not a valid sha256 digest (64 hex characters)");
            }

            image = image.WithDigest(digest);
        }

        var source = root.TryGetProperty("repository", out var repo) ? Text(repo, "full_name") : null;
        var actor = root.TryGetProperty("sender", out var sender) ? Text(sender, "login") : null;
        return (new ImagePublished(image, source, null, null, actor), null);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
