using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Sources;

/// <summary>The systems that can call <c>/api/registries/{name}</c> (registries) and <c>/api/ci/{name}</c> (CI).</summary>
public enum SourceKind
{
    DockerHub,
    Acr,
    Harbor,
    Quay,
    Distribution,
    Gar,
    Ecr,
    GitLab,
    AzureDevOps,
    CircleCi,
    Jenkins,
    Spinnaker,
}

/// <summary>One request from a source, as a parser sees it.</summary>
/// <param name="Body">The raw body, decoded as UTF-8.</param>
/// <param name="Headers">Request headers by lower-case name (the first value of each); never credentials.</param>
public sealed record SourcePayload(string Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>A header's value, or <see langword="null"/>; <paramref name="name"/> in any case.</summary>
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>A new image a registry announced: the image with a tag, a digest, or both.</summary>
/// <param name="Image">The full reference, host included (<c>docker.io/library/nginx:1.27</c>).</param>
/// <param name="Actor">Who pushed it, when the registry says.</param>
public sealed record ImagePush(ImageReference Image, string? Actor);

/// <summary>A finished CI run, normalised across vendors.</summary>
/// <param name="Project">The project or repository path the run belongs to (<c>acme/api</c>, a GitLab <c>path_with_namespace</c>, a Jenkins job name).</param>
/// <param name="Pipeline">The pipeline, workflow or build definition name, when the vendor has one.</param>
/// <param name="Branch">The branch built, without <c>refs/heads/</c>, when known.</param>
/// <param name="Commit">The commit SHA built, when known.</param>
/// <param name="RunNumber">The run, build or pipeline number, when known.</param>
/// <param name="Succeeded">True only when the vendor reports success.</param>
/// <param name="Status">The vendor's own status word, for the outcome (<c>success</c>, <c>failed</c>, <c>FAILURE</c>…).</param>
/// <param name="RunUrl">The run's web page, when known.</param>
/// <param name="Actor">Who started it, when known.</param>
public sealed record CiCompletion(
    string Project,
    string? Pipeline,
    string? Branch,
    string? Commit,
    long? RunNumber,
    bool Succeeded,
    string Status,
    string? RunUrl,
    string? Actor);

/// <summary>What a parser made of a payload.</summary>
public abstract record SourceParseResult
{
    /// <summary>The vendor's own id for this delivery or event (Event Grid <c>id</c>, Pub/Sub <c>messageId</c>, <c>X-Gitlab-Event-UUID</c>…), when it has one.</summary>
    public string? VendorId { get; init; }

    /// <summary>A short event name for the delivery record, such as <c>push</c>, <c>PUSH_ARTIFACT</c> or <c>pipeline</c>.</summary>
    public required string EventName { get; init; }

    /// <summary>Images pushed: one payload may announce several (Event Grid arrays, Quay <c>updated_tags</c>, Harbor resources).</summary>
    public sealed record Pushed(IReadOnlyList<ImagePush> Images) : SourceParseResult;

    /// <summary>A CI run finished (successfully or not).</summary>
    public sealed record Completed(CiCompletion Run) : SourceParseResult;

    /// <summary>A valid event the bridge does not act on (a pull, a delete, a blob upload, a test ping). Answered 202, stored as ignored.</summary>
    public sealed record Ignored(string Code, string Reason) : SourceParseResult;

    /// <summary>An event that should be acted on but lacks what that needs (no tag and no digest, a digest of the wrong length). Answered 422, stored as rejected.</summary>
    public sealed record Rejected(string Code, string Reason) : SourceParseResult;

    /// <summary>A subscription handshake to answer with <paramref name="ResponseJson"/> (Event Grid's validation event). Nothing is queued.</summary>
    public sealed record Handshake(string ResponseJson) : SourceParseResult;
}
