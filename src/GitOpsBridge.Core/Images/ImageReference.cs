using System.Diagnostics.CodeAnalysis;

namespace GitOpsBridge.Core.Images;

/// <summary>
/// A container image reference, <c>[registry/]path[:tag][@digest]</c>, parsed by the grammar of
/// <see href="https://github.com/distribution/reference/blob/main/reference.go">distribution/reference</see>
/// and normalised the way Docker does (<see href="https://github.com/distribution/reference/blob/main/normalize.go">normalize.go</see>).
/// </summary>
/// <remarks>
/// <para>
/// Two views are kept side by side. <see cref="Registry"/>, <see cref="Path"/>, <see cref="Repository"/>
/// and <see cref="ToString"/> keep the reference exactly as written, so that an edited manifest changes
/// only the tag and a short Docker Hub name such as <c>nginx</c> stays short. <see cref="Domain"/> and
/// <see cref="Name"/> are normalised (<c>nginx</c>, <c>docker.io/nginx</c>, <c>index.docker.io/library/nginx</c>
/// all have the name <c>docker.io/library/nginx</c>), and <see cref="SameRepository(ImageReference)"/>
/// compares those.
/// </para>
/// <para>
/// Record equality compares the written form: <c>nginx:1.0</c> and <c>docker.io/library/nginx:1.0</c>
/// are different values that name the same repository.
/// </para>
/// <para>
/// Where this parser knowingly differs from distribution: the first path component is a registry
/// only when it contains '.' or ':' or is <c>localhost</c> (distribution also takes an upper-case
/// first component such as <c>Codertocat/app</c> as a registry; here it is an upper-case path and
/// rejected); the registry host is lower-cased in <see cref="Domain"/> because DNS names are
/// case-insensitive; digests with an algorithm other than sha256, sha384 and sha512 are accepted
/// when they match the grammar (go-digest would call them unsupported); and the 255-character limit
/// applies to the normalised <see cref="Name"/>, as Docker's <c>ParseNormalizedNamed</c> does.
/// </para>
/// </remarks>
public sealed record ImageReference
{
    /// <summary>The longest normalised <see cref="Name"/> accepted, in characters.</summary>
    public const int NameMaxLength = 255;

    /// <summary>The longest tag accepted, in characters.</summary>
    public const int TagMaxLength = 128;

    private const string DockerHubDomain = "docker.io";
    private const string LegacyDockerHubDomain = "index.docker.io";
    private const string OfficialRepositoryPrefix = "library/";
    private const int MinimumDigestHexLength = 32;

    private ImageReference(NameParts name, string? tag, string? digest)
    {
        Registry = name.Registry;
        Path = name.Path;
        Domain = name.Domain;
        Name = name.Name;
        Repository = name.Registry is null ? name.Path : name.Registry + "/" + name.Path;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry host and optional port exactly as written (<c>ghcr.io</c>, <c>localhost:5000</c>), or <see langword="null"/> when the reference has none.</summary>
    public string? Registry { get; }

    /// <summary>The repository path exactly as written: <c>nginx</c>, <c>bitnami/nginx</c>, <c>library/nginx</c>.</summary>
    public string Path { get; }

    /// <summary>The tag, or <see langword="null"/> when the reference has none.</summary>
    public string? Tag { get; }

    /// <summary>The digest (<c>sha256:</c> and 64 hex characters), or <see langword="null"/> when the reference has none.</summary>
    public string? Digest { get; }

    /// <summary>The normalised registry: <c>docker.io</c> when absent or written as <c>index.docker.io</c>, otherwise the registry in lower case.</summary>
    public string Domain { get; }

    /// <summary>The normalised full name: <c>docker.io/library/nginx</c>, <c>ghcr.io/acme/api</c>, <c>localhost:5000/x</c>.</summary>
    public string Name { get; }

    /// <summary><see cref="Registry"/> and <see cref="Path"/> as written (<c>ghcr.io/acme/api</c>), or <see cref="Path"/> alone when there is no registry (<c>nginx</c>).</summary>
    public string Repository { get; }

    /// <summary>Parses an image reference.</summary>
    /// <param name="text">The reference, e.g. <c>ghcr.io/acme/api:1.4.2</c>.</param>
    /// <returns>The parsed reference.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ImageReferenceException"><paramref name="text"/> is not a valid reference; the message says why.</exception>
    public static ImageReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? reason = Read(text, nameOnly: false, out ImageReference? reference);
        return reference ?? throw Invalid(text, "image reference", reason!);
    }

    /// <summary>Parses an image reference without throwing.</summary>
    /// <param name="text">The reference, e.g. <c>ghcr.io/acme/api:1.4.2</c>; <see langword="null"/> is reported as an error.</param>
    /// <param name="reference">The parsed reference, when valid.</param>
    /// <param name="error">Why <paramref name="text"/> is not valid, when it is not.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid reference.</returns>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out ImageReference? reference,
        [NotNullWhen(false)] out string? error)
    {
        if (text is null)
        {
            reference = null;
            error = "no image reference was given";
            return false;
        }

        string? reason = Read(text, nameOnly: false, out reference);
        error = reason is null ? null : Message(text, "image reference", reason);
        return reference is not null;
    }

    /// <summary>
    /// Parses a repository name (no tag, no digest) and returns its normalised <see cref="Name"/>.
    /// </summary>
    /// <param name="text">The repository, e.g. <c>nginx</c> or <c>ghcr.io/acme/api</c>.</param>
    /// <param name="normalisedName">The normalised name, e.g. <c>docker.io/library/nginx</c>, when valid.</param>
    /// <param name="error">Why <paramref name="text"/> is not a valid repository name, when it is not; a tag or digest is an error.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid repository name.</returns>
    public static bool TryParseRepository(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out string? normalisedName,
        [NotNullWhen(false)] out string? error)
    {
        if (text is null)
        {
            normalisedName = null;
            error = "no repository name was given";
            return false;
        }

        string? reason = Read(text, nameOnly: true, out ImageReference? reference);
        normalisedName = reference?.Name;
        error = reason is null ? null : Message(text, "repository name", reason);
        return normalisedName is not null;
    }

    /// <summary>Normalises a repository name: <c>nginx</c> becomes <c>docker.io/library/nginx</c>.</summary>
    /// <param name="repository">The repository, without tag or digest.</param>
    /// <returns>The normalised name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> is <see langword="null"/>.</exception>
    /// <exception cref="ImageReferenceException"><paramref name="repository"/> is not a valid repository name.</exception>
    public static string NormalizeName(string repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        string? reason = Read(repository, nameOnly: true, out ImageReference? reference);
        return reference?.Name ?? throw Invalid(repository, "repository name", reason!);
    }

    /// <summary>
    /// Whether <paramref name="tag"/> is a valid tag: <c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c> (ASCII only).
    /// </summary>
    /// <param name="tag">The tag, without the ':'.</param>
    /// <returns><see langword="true"/> when valid; <see langword="false"/> for <see langword="null"/>.</returns>
    public static bool IsValidTag([NotNullWhen(true)] string? tag) => tag is not null && TagProblem(tag) is null;

    /// <summary>
    /// Whether <paramref name="digest"/> is a valid digest, <c>algorithm:hex</c>. sha256, sha384 and sha512 need
    /// exactly 64, 96 and 128 lower-case hex characters; other algorithms follow the grammar (at least 32 hex characters).
    /// </summary>
    /// <param name="digest">The digest, without the '@'.</param>
    /// <returns><see langword="true"/> when valid; <see langword="false"/> for <see langword="null"/>.</returns>
    public static bool IsValidDigest([NotNullWhen(true)] string? digest) => digest is not null && DigestProblem(digest) is null;

    /// <summary>Whether both references name the same repository, comparing normalised <see cref="Name"/>s.</summary>
    /// <param name="other">The other reference.</param>
    /// <returns><see langword="true"/> when the names are equal.</returns>
    public bool SameRepository(ImageReference other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Name, other.Name, StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="repository"/> normalises to this reference's <see cref="Name"/>.</summary>
    /// <param name="repository">A repository name without tag or digest, e.g. <c>nginx</c>.</param>
    /// <returns><see langword="false"/> when the names differ or <paramref name="repository"/> is not a valid repository name (including one that carries a tag).</returns>
    public bool SameRepository(string? repository) =>
        TryParseRepository(repository, out string? name, out _) && string.Equals(Name, name, StringComparison.Ordinal);

    /// <summary>Returns this reference with another tag, or without a tag when <paramref name="tag"/> is <see langword="null"/>. The digest is kept.</summary>
    /// <param name="tag">The new tag.</param>
    /// <returns>The new reference.</returns>
    /// <exception cref="ImageReferenceException"><paramref name="tag"/> is not a valid tag.</exception>
    public ImageReference WithTag(string? tag)
    {
        if (tag is not null && TagProblem(tag) is { } reason)
        {
            throw new ImageReferenceException(reason, reason);
        }

        return new ImageReference(Parts, tag, Digest);
    }

    /// <summary>Returns this reference with another digest, or without a digest when <paramref name="digest"/> is <see langword="null"/>. The tag is kept.</summary>
    /// <param name="digest">The new digest, e.g. <c>sha256:</c> and 64 hex characters.</param>
    /// <returns>The new reference.</returns>
    /// <exception cref="ImageReferenceException"><paramref name="digest"/> is not a valid digest.</exception>
    public ImageReference WithDigest(string? digest)
    {
        if (digest is not null && DigestProblem(digest) is { } reason)
        {
            throw new ImageReferenceException(reason, reason);
        }

        return new ImageReference(Parts, Tag, digest);
    }

    /// <summary>Returns this reference with another registry and path; the tag and digest are kept.</summary>
    /// <param name="repository">The new repository, without tag or digest, e.g. <c>ghcr.io/acme/api</c>.</param>
    /// <returns>The new reference.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> is <see langword="null"/>.</exception>
    /// <exception cref="ImageReferenceException"><paramref name="repository"/> is not a valid repository name.</exception>
    public ImageReference WithRepository(string repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        string? reason = Read(repository, nameOnly: true, out ImageReference? parsed);
        return parsed is null
            ? throw Invalid(repository, "repository name", reason!)
            : new ImageReference(parsed.Parts, Tag, Digest);
    }

    /// <summary>Renders the reference as written: <see cref="Repository"/>, then <c>:tag</c>, then <c>@digest</c>.</summary>
    /// <returns>The reference, e.g. <c>nginx:1.27</c> (a short Docker Hub name stays short).</returns>
    public override string ToString() =>
        Repository + (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);

    /// <summary>Why <paramref name="tag"/> is not a valid tag, or <see langword="null"/> when it is.</summary>
    internal static string? TagProblem(string tag)
    {
        if (tag.Length == 0)
        {
            return "the tag is empty";
        }

        foreach (char c in tag)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
            {
                return $"the tag {DiagnosticText.Quote(tag, DiagnosticText.ComponentLimit)} contains {DiagnosticText.Describe(c)}";
            }
        }

        if (tag[0] is '.' or '-')
        {
            return $"the tag {DiagnosticText.Quote(tag, DiagnosticText.ComponentLimit)} starts with '{tag[0]}'; a tag starts with a letter, a digit or '_'";
        }

        return tag.Length > TagMaxLength
            ? $"the tag is {tag.Length} characters long; the limit is {TagMaxLength}"
            : null;
    }

    /// <summary>Why <paramref name="digest"/> is not a valid digest, or <see langword="null"/> when it is.</summary>
    internal static string? DigestProblem(string digest)
    {
        string shown = DiagnosticText.Quote(digest, DiagnosticText.ComponentLimit);
        int colon = digest.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return $"the digest {shown} has no algorithm; expected algorithm:hex such as sha256: and 64 hex characters";
        }

        string algorithm = digest[..colon];
        string hex = digest[(colon + 1)..];
        if (!IsDigestAlgorithm(algorithm))
        {
            return $"the digest algorithm {DiagnosticText.Quote(algorithm, DiagnosticText.ComponentLimit)} is invalid; expected e.g. sha256";
        }

        int? expectedLength = algorithm.ToLowerInvariant() switch
        {
            "sha256" => 64,
            "sha384" => 96,
            "sha512" => 128,
            _ => null,
        };
        if (expectedLength is not null && algorithm.Any(char.IsAsciiLetterUpper))
        {
            return $"the digest algorithm {DiagnosticText.Quote(algorithm, DiagnosticText.ComponentLimit)} must be written in lower case";
        }

        if (hex.Length == 0)
        {
            return $"the digest {shown} has nothing after ':'";
        }

        foreach (char c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return $"the digest {shown} contains {DiagnosticText.Describe(c)} where hex characters belong";
            }
        }

        if (expectedLength is { } expected)
        {
            if (hex.Length != expected)
            {
                return $"the digest {shown} has {hex.Length} hex characters, expected {expected}";
            }

            // go-digest validates registered algorithms against [a-f0-9]; registries answer 404 otherwise.
            if (!hex.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c)))
            {
                return $"the digest {shown} must use lower-case hex";
            }
        }
        else if (hex.Length < MinimumDigestHexLength)
        {
            return $"the digest {shown} has {hex.Length} hex characters; at least {MinimumDigestHexLength} are required";
        }

        return null;
    }

    private NameParts Parts => new(Registry, Path, Domain, Name);

    /// <summary>Splits and validates <paramref name="text"/>; returns the reason it is invalid, or <see langword="null"/> with <paramref name="reference"/> set.</summary>
    private static string? Read(string text, bool nameOnly, out ImageReference? reference)
    {
        reference = null;
        if (text.Length == 0)
        {
            return "it is empty";
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return "it is blank";
        }

        // Characters that belong nowhere in a reference are reported by position before splitting:
        // "nginx:1.0\nimage: evil" would otherwise split at its last ':' and blame the wrong part.
        for (int index = 0; index < text.Length; index++)
        {
            char c = text[index];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-' or '/' or ':' or '@' or '[' or ']' or '+'))
            {
                return $"it contains {DiagnosticText.Describe(c)} at character {index + 1}";
            }
        }

        // ParseNormalizedNamed refuses these: a bare image ID is grammatically a name, but means something else.
        if (text.Length == 64 && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            return "a 64-character hex string is an image ID, not a repository name";
        }

        int at = text.IndexOf('@', StringComparison.Ordinal);
        string beforeDigest = at < 0 ? text : text[..at];
        string? digest = at < 0 ? null : text[(at + 1)..];

        // A ':' after the last '/' starts the tag; one before it belongs to a registry port.
        int lastSlash = beforeDigest.LastIndexOf('/');
        int lastColon = beforeDigest.LastIndexOf(':');
        bool hasTag = lastColon > lastSlash;
        string name = hasTag ? beforeDigest[..lastColon] : beforeDigest;
        string? tag = hasTag ? beforeDigest[(lastColon + 1)..] : null;

        // Shape problems first: "ghcr.io/Codertocat/hello-world:" is a real package event value, and
        // the missing tag is what its sender needs to hear about.
        if (nameOnly && (tag is not null || digest is not null))
        {
            string suffix = tag is not null ? ":" + tag : "@" + digest;
            return $"a repository name has no tag or digest, but {DiagnosticText.Quote(suffix, DiagnosticText.ComponentLimit)} follows it";
        }

        if (tag is { Length: 0 })
        {
            return digest is null ? "nothing follows ':' (the tag is empty)" : "nothing is between ':' and '@' (the tag is empty)";
        }

        if (digest is { Length: 0 })
        {
            return "nothing follows '@' (the digest is empty)";
        }

        if (name.Length == 0)
        {
            return "the repository name is empty";
        }

        string? problem = ReadName(name, out NameParts parts)
            ?? (tag is null ? null : TagProblem(tag))
            ?? (digest is null ? null : DigestProblem(digest));
        if (problem is null)
        {
            reference = new ImageReference(parts, tag, digest);
        }

        return problem;
    }

    private static string? ReadName(string name, out NameParts parts)
    {
        parts = default;
        string? registry = null;
        string path = name;
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            string first = name[..slash];

            // normalize.go splitDockerDomain: only these make the first component a registry.
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            {
                registry = first;
                path = name[(slash + 1)..];
            }
        }

        string? problem = (registry is null ? null : RegistryProblem(registry)) ?? PathProblem(path);
        if (problem is not null)
        {
            return problem;
        }

        string domain = registry?.ToLowerInvariant() ?? DockerHubDomain;
        if (domain == LegacyDockerHubDomain)
        {
            domain = DockerHubDomain;
        }

        // Official images live under library/ on Docker Hub only; ghcr.io/nginx stays ghcr.io/nginx.
        string normalisedPath = domain == DockerHubDomain && !path.Contains('/', StringComparison.Ordinal)
            ? OfficialRepositoryPrefix + path
            : path;
        string normalisedName = domain + "/" + normalisedPath;
        if (normalisedName.Length > NameMaxLength)
        {
            return $"the repository name is {normalisedName.Length} characters long once normalised to "
                + $"{DiagnosticText.Quote(normalisedName, DiagnosticText.ComponentLimit)}; the limit is {NameMaxLength}";
        }

        parts = new NameParts(registry, path, domain, normalisedName);
        return null;
    }

    private static string? RegistryProblem(string registry)
    {
        string shown = DiagnosticText.Quote(registry, DiagnosticText.ComponentLimit);
        string? port;
        if (registry.StartsWith('['))
        {
            // regexp.go ipv6address: hex digits and ':' in brackets; zones and IPv4-mapped forms are excluded.
            int close = registry.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return $"the registry {shown} opens '[' without closing it";
            }

            string address = registry[1..close];
            if (address.Length == 0 || !address.All(c => char.IsAsciiHexDigit(c) || c == ':'))
            {
                return $"the registry {shown} is not an IPv6 address in brackets (hex digits and ':' only)";
            }

            string rest = registry[(close + 1)..];
            if (rest.Length > 0 && rest[0] != ':')
            {
                return $"the registry {shown} has {DiagnosticText.Describe(rest[0])} after ']' where ':' and a port belong";
            }

            port = rest.Length == 0 ? null : rest[1..];
        }
        else
        {
            int colon = registry.IndexOf(':', StringComparison.Ordinal);
            string host = colon < 0 ? registry : registry[..colon];
            port = colon < 0 ? null : registry[(colon + 1)..];
            if (host.Length == 0)
            {
                return $"the registry {shown} has no host before ':'";
            }

            foreach (string label in host.Split('.'))
            {
                if (label.Length == 0)
                {
                    return $"the registry host {shown} has an empty label (look for '..' or a leading or trailing '.')";
                }

                foreach (char c in label)
                {
                    if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                    {
                        return $"the registry host {shown} contains {DiagnosticText.Describe(c)}";
                    }
                }

                if (label[0] == '-' || label[^1] == '-')
                {
                    return $"the registry host {shown} has a label that starts or ends with '-'";
                }
            }
        }

        if (port is null)
        {
            return null;
        }

        if (port.Length == 0)
        {
            return $"the registry {shown} has an empty port after ':'";
        }

        return port.All(char.IsAsciiDigit) ? null : $"the registry port {DiagnosticText.Quote(port, DiagnosticText.ComponentLimit)} is not a number";
    }

    private static string? PathProblem(string path)
    {
        if (path.Length == 0)
        {
            return "the repository path is empty";
        }

        string shown = DiagnosticText.Quote(path, DiagnosticText.ComponentLimit);
        string[] components = path.Split('/');
        if (components.Any(component => component.Length == 0))
        {
            return $"the repository path {shown} has an empty component (look for '//' or a leading or trailing '/')";
        }

        // Checked ahead of the other characters because it is the common mistake (GitHub owner logins keep their case).
        foreach (char c in path)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                return $"the repository path {shown} must be lower case (found '{c}')";
            }
        }

        foreach (char c in path)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('.' or '_' or '-' or '/'))
            {
                return $"the repository path {shown} contains {DiagnosticText.Describe(c)}";
            }
        }

        foreach (string component in components)
        {
            if (PathComponentProblem(component) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    // regexp.go pathComponent: alphanumerics separated by one '.', one '_', two '_' or any run of '-'.
    private static string? PathComponentProblem(string component)
    {
        string shown = DiagnosticText.Quote(component, DiagnosticText.ComponentLimit);
        if (!IsLowerAlphanumeric(component[0]))
        {
            return $"the path component {shown} must start with a lower-case letter or a digit";
        }

        if (!IsLowerAlphanumeric(component[^1]))
        {
            return $"the path component {shown} must end with a lower-case letter or a digit";
        }

        int index = 0;
        while (index < component.Length)
        {
            if (IsLowerAlphanumeric(component[index]))
            {
                index++;
                continue;
            }

            int start = index;
            while (!IsLowerAlphanumeric(component[index]))
            {
                index++;
            }

            string separator = component[start..index];
            if (separator is not ("." or "_" or "__") && !separator.All(c => c == '-'))
            {
                return $"the path component {shown} has the separator '{separator}'; only '.', '_', '__' or dashes may separate letters and digits";
            }
        }

        return null;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);

    // regexp.go digestPat algorithm: [A-Za-z][A-Za-z0-9]* components joined by one of - _ + .
    private static bool IsDigestAlgorithm(string algorithm)
    {
        if (algorithm.Length == 0)
        {
            return false;
        }

        bool atComponentStart = true;
        foreach (char c in algorithm)
        {
            if (atComponentStart)
            {
                if (!char.IsAsciiLetter(c))
                {
                    return false;
                }

                atComponentStart = false;
            }
            else if (c is '-' or '_' or '+' or '.')
            {
                atComponentStart = true;
            }
            else if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return !atComponentStart;
    }

    private static ImageReferenceException Invalid(string text, string what, string reason) =>
        new(Message(text, what, reason), reason);

    private static string Message(string text, string what, string reason) =>
        $"{DiagnosticText.Quote(text, DiagnosticText.ReferenceLimit)} is not a valid {what}: {reason}";

    private readonly record struct NameParts(string? Registry, string Path, string Domain, string Name);
}
