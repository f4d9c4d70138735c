using System.Text.RegularExpressions;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Policies;
using GitOpsBridge.Core.Yaml;

namespace GitOpsBridge.Core.Manifests;

/// <summary>What to move a site to, and how much freedom the target gives.</summary>
/// <param name="Image">The new image: repository with a tag, a digest, or both.</param>
/// <param name="Digest">How the image's digest is written.</param>
/// <param name="Policy">The image's tag policy, or null (then semver tags compare as semver).</param>
/// <param name="Explicit">True for a target named in config: it may set an empty or placeholder tag.</param>
/// <param name="AllowDowngrade">A pinned version: a lower one than the current is written too.</param>
internal sealed record BumpRequest(ImageReference Image, DigestMode Digest, TagPolicy? Policy, bool Explicit, bool AllowDowngrade = false);

/// <summary>One scalar to change.</summary>
internal sealed record ScalarChange(ImageSite Site, YamlScalarNode Node, string NewValue)
{
    public string Path => Site.Where.PathOf(Node);

    public int Line => Site.Where.LineOf(Node);
}

/// <summary>A key to add to a Kustomize <c>images</c> entry that lacks it.</summary>
internal sealed record KeyAddition(ImageSite Site, YamlMappingNode Entry, string Key, string Value)
{
    public string Path => Site.Where.Prefix + YamlPath.Key(Site.Path[Site.Where.Prefix.Length..Site.Path.LastIndexOf('.')], Key);
}

/// <summary>The result of bumping one site: changes, or a reason why not.</summary>
internal sealed record SiteBump(IReadOnlyList<ScalarChange> Changes, IReadOnlyList<KeyAddition> Additions, string? ReasonCode, string Reason)
{
    public bool IsSkip => ReasonCode is not null;

    public static SiteBump Skip(string code, string reason) => new([], [], code, reason);
}

/// <summary>
/// Decides the new values of a site's scalars. A reference keeps its form (short names stay
/// short, tag-only stays tag-only, tag@digest gets both) unless the image's digest setting says
/// otherwise, and a move the policy orders lower is never made.
/// </summary>
internal static partial class ImageBump
{
    public static SiteBump Compute(ImageSite site, BumpRequest request)
    {
        var image = request.Image;
        return site.Kind switch
        {
            SiteKind.KustomizeImage => Kustomize(site, request),
            _ when site.Reference is not null => Reference(site, request),
            _ => Split(site, request),
        };
    }

    private static SiteBump Reference(ImageSite site, BumpRequest request)
    {
        var node = site.Reference!;
        var text = node.Value[site.ReferencePrefix.Length..];
        if (!ImageReference.TryParse(text, out var current, out var error))
        {
            return SiteBump.Skip("unparsable-reference", $"the current value \"{Shorten(text)}\" is not an image reference: {error}");
        }

        // A marker binds the field to the image, so the name may change too (Flux's semantics);
        // otherwise the repository matched and keeps the form it is written in.
        var baseRef = current.SameRepository(request.Image) ? current : current.WithRepository(request.Image.Repository);
        var wantTag = current.Tag is not null || (current.Digest is null);
        var wantDigest = current.Digest is not null;
        (wantTag, wantDigest) = request.Digest switch
        {
            DigestMode.Pin => (true, true),
            DigestMode.Only => (false, true),
            _ => (wantTag, wantDigest),
        };

        if (current.Tag is null && current.Digest is null && !request.Explicit && site.Kind != SiteKind.Marker)
        {
            return SiteBump.Skip("no-tag", $"\"{Shorten(text)}\" has no tag (implicitly latest); name it in config to manage it");
        }

        var decision = Decide(current.Tag, current.Digest, wantTag, wantDigest, request);
        if (decision is not null)
        {
            return decision;
        }

        var next = baseRef.WithTag(wantTag ? request.Image.Tag : null).WithDigest(wantDigest ? request.Image.Digest : null);
        return Changed([new ScalarChange(site, node, site.ReferencePrefix + next)], [], text, next.ToString());
    }

    private static SiteBump Split(ImageSite site, BumpRequest request)
    {
        var changes = new List<ScalarChange>();
        var tagText = site.Tag?.Value;
        string? inlineDigest = null;
        if (tagText is not null && tagText.Contains('@', StringComparison.Ordinal))
        {
            // "tag: v1@sha256:…" keeps both parts in one scalar.
            inlineDigest = tagText[(tagText.IndexOf('@', StringComparison.Ordinal) + 1)..];
            tagText = tagText[..tagText.IndexOf('@', StringComparison.Ordinal)];
        }

        var digestText = site.Digest?.Value is { Length: > 0 } d ? d : inlineDigest;
        var wantTag = site.Tag is not null;
        var wantDigest = digestText is not null;
        (wantTag, wantDigest) = request.Digest switch
        {
            DigestMode.Pin => (true, true),
            DigestMode.Only => (false, true),
            _ => (wantTag, wantDigest),
        };

        if (site.Kind == SiteKind.Marker && site.Field == MarkerField.Name)
        {
            return site.RepositoryName == request.Image.Name
                ? SiteBump.Skip("already-current", $"already names {request.Image.Repository}")
                : Changed([new ScalarChange(site, site.Repository!, request.Image.Repository)], [], site.Repository!.Value, request.Image.Repository);
        }

        if (site.Kind == SiteKind.Marker)
        {
            wantTag = site.Field == MarkerField.Tag;
            wantDigest = site.Field == MarkerField.Digest;
        }

        if (!request.Explicit && site.Tag is not null && tagText!.Length == 0 && inlineDigest is null)
        {
            return SiteBump.Skip("empty-tag", "the tag is empty, which means the chart's default (appVersion); name this target in config to manage it");
        }

        if (wantTag && site.Tag is null && site.Kind != SiteKind.Marker)
        {
            return SiteBump.Skip("no-tag-key", $"digest: {request.Digest.ToString().ToLowerInvariant()} needs a tag here, but the values have no tag key");
        }

        if (wantDigest && site.Digest is null && inlineDigest is null && site.Tag is null)
        {
            return SiteBump.Skip("no-digest-key", "the values have neither a digest key nor a tag to pin a digest to");
        }

        var decision = Decide(tagText is { Length: > 0 } ? tagText : null, digestText, wantTag, wantDigest, request);
        if (decision is not null)
        {
            return decision;
        }

        var newTag = request.Image.Tag;
        var newDigest = request.Image.Digest;
        if (site.Digest is not null && (wantDigest || request.Digest == DigestMode.Keep && digestText is not null))
        {
            if (wantDigest)
            {
                changes.Add(new ScalarChange(site, site.Digest, newDigest!));
            }
        }

        if (site.Tag is not null && wantTag)
        {
            var tagDigest = wantDigest && site.Digest is null ? newDigest : null;
            changes.Add(new ScalarChange(site, site.Tag, tagDigest is null ? newTag! : newTag + "@" + tagDigest));
        }
        else if (site.Tag is not null && !wantTag && inlineDigest is not null && wantDigest)
        {
            changes.Add(new ScalarChange(site, site.Tag, tagText + "@" + newDigest));
        }

        return Changed(changes, [], site.CurrentText, string.Join(", ", changes.Select(c => c.NewValue)));
    }

    private static SiteBump Kustomize(ImageSite site, BumpRequest request)
    {
        var tagText = site.Tag?.Value;
        var digestText = site.Digest?.Value;
        var wantTag = site.Tag is not null || site.Digest is null;
        var wantDigest = site.Digest is not null;
        (wantTag, wantDigest) = request.Digest switch
        {
            DigestMode.Pin => (true, true),
            DigestMode.Only => (false, true),
            _ => (wantTag, wantDigest),
        };

        if (request.Image.Tag is null && site.Digest is null && request.Digest == DigestMode.Keep)
        {
            // A digest-only event can still move a tag-less entry: add the digest.
            (wantTag, wantDigest) = (false, true);
        }

        if (!request.Explicit && tagText is not null && LooksLikePlaceholder(tagText))
        {
            return SiteBump.Skip("placeholder", $"newTag \"{tagText}\" looks like a placeholder that another tool fills in");
        }

        var decision = Decide(tagText is { Length: > 0 } ? tagText : null, digestText, wantTag, wantDigest, request);
        if (decision is not null)
        {
            return decision;
        }

        var changes = new List<ScalarChange>();
        var additions = new List<KeyAddition>();
        if (wantTag)
        {
            if (site.Tag is not null)
            {
                changes.Add(new ScalarChange(site, site.Tag, request.Image.Tag!));
            }
            else
            {
                additions.Add(new KeyAddition(site, site.Entry!, "newTag", request.Image.Tag!));
            }
        }

        if (wantDigest)
        {
            if (site.Digest is not null)
            {
                changes.Add(new ScalarChange(site, site.Digest, request.Image.Digest!));
            }
            else
            {
                additions.Add(new KeyAddition(site, site.Entry!, "digest", request.Image.Digest!));
            }
        }

        return Changed(changes, additions, site.CurrentText,
            string.Join(", ", changes.Select(c => c.NewValue).Concat(additions.Select(a => a.Key + "=" + a.Value))));
    }

    /// <summary>Null to go ahead; otherwise the skip.</summary>
    private static SiteBump? Decide(string? currentTag, string? currentDigest, bool wantTag, bool wantDigest, BumpRequest request)
    {
        var image = request.Image;
        if (wantTag && image.Tag is null)
        {
            return SiteBump.Skip("no-tag", "the target is written with a tag, but the event carries only a digest");
        }

        if (wantDigest && image.Digest is null)
        {
            return SiteBump.Skip("no-digest", request.Digest == DigestMode.Keep
                ? "the target pins a digest, but the event carries none"
                : $"digest: {request.Digest.ToString().ToLowerInvariant()} needs a digest, but the event carries none");
        }

        if (wantTag)
        {
            if (currentTag is not null && !request.Explicit && LooksLikePlaceholder(currentTag))
            {
                return SiteBump.Skip("placeholder", $"the tag \"{currentTag}\" looks like a placeholder that another tool fills in");
            }

            if (request.Policy is not null && currentTag is null)
            {
                var verdict = request.Policy.Evaluate(image.Tag!);
                if (!verdict.Accepted)
                {
                    return SiteBump.Skip("policy", verdict.Reason ?? $"policy {request.Policy.Describe()} rejects {image.Tag}");
                }
            }

            if (currentTag is not null)
            {
                var decision = VersionOrdering.Decide(currentTag, image.Tag!, request.Policy);
                switch (decision.Kind)
                {
                    case BumpKind.Rejected:
                        return SiteBump.Skip("policy", decision.Reason);
                    case BumpKind.Downgrade when !request.AllowDowngrade:
                        return SiteBump.Skip("downgrade", decision.Reason);
                    case BumpKind.Same when !wantDigest || currentDigest == image.Digest:
                        return SiteBump.Skip("already-current", decision.Reason);
                }
            }
        }
        else if (wantDigest && currentDigest == image.Digest)
        {
            return SiteBump.Skip("already-current", $"already at {image.Digest}");
        }

        return null;
    }

    private static SiteBump Changed(List<ScalarChange> changes, List<KeyAddition> additions, string from, string to)
    {
        var real = changes.Where(c => c.Node.Value != c.NewValue || ScalarText.ResolvedType(c.Node) != "str").ToList();
        return real.Count == 0 && additions.Count == 0
            ? SiteBump.Skip("already-current", $"already at {to}")
            : new SiteBump(real, additions, null, $"{from} → {to}");
    }

    /// <summary>Upper-case words (<c>CONTAINER_IMAGES_TAG</c>) and template syntax are filled in by other tools.</summary>
    internal static bool LooksLikePlaceholder(string value) => Placeholder().IsMatch(value);

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;

    [GeneratedRegex(@"^(?:[A-Z][A-Z0-9]*_[A-Z0-9_]*|.*(?:\$\{|\{\{|<%|\$\().*)$")]
    private static partial Regex Placeholder();
}
