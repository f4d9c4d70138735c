using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Core;
using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Registries;

/// <summary>
/// The OCI distribution API client
/// (<see href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md">distribution-spec</see>).
/// Every request waits its turn in the per-host rate limit; a 401 is answered once through
/// <see cref="RegistryAuthenticator"/> and the request retried; found digests are cached briefly.
/// </summary>
internal sealed partial class RegistryClient : IRegistryClient
{
    /// <summary>
    /// What a manifest request accepts: without the index and list types a registry would convert a
    /// multi-platform image to one platform's manifest and report that digest instead.
    /// </summary>
    internal static readonly string[] ManifestMediaTypes =
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ];

    // distribution refuses manifests over 4 MiB; a tag page is JSON strings of at most 128 characters.
    private const int MaxManifestBytes = 4 * 1024 * 1024;
    private const int MaxTagPageBytes = 16 * 1024 * 1024;
    private const int MaxErrorBytes = 64 * 1024;

    private static readonly string[] JsonMediaTypes = ["application/json"];

    private readonly Func<HttpClient> _httpClient;
    private readonly RegistryOptions _options;
    private readonly RegistryRateLimiter _limiter;
    private readonly DigestCache _cache;
    private readonly RegistryAuthenticator _authenticator;
    private readonly ILogger _logger;

    /// <summary>Creates the client.</summary>
    /// <param name="httpClient">Gives the HttpClient for each call (from IHttpClientFactory, or one the caller owns).</param>
    /// <param name="options">Hosts, credentials, rate, cache and paging.</param>
    /// <param name="time">The clock for the rate limit, the digest cache and token expiry.</param>
    /// <param name="azureCredential">The Microsoft Entra credential for hosts with <see cref="RegistryHostOptions.UseAzureIdentity"/>; created only when one is used.</param>
    /// <param name="logger">Where the client logs.</param>
    public RegistryClient(Func<HttpClient> httpClient, RegistryOptions options, TimeProvider time, Lazy<TokenCredential> azureCredential, ILogger<RegistryClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(azureCredential);
        ArgumentNullException.ThrowIfNull(logger);
        _httpClient = httpClient;
        _options = options;
        _limiter = new RegistryRateLimiter(time, options.RequestsPerSecond);
        _cache = new DigestCache(time, options.CacheDuration);
        _authenticator = new RegistryAuthenticator(httpClient, time, azureCredential, logger);
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task<string?> ResolveDigestAsync(ImageReference image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var reference = image.Tag ?? image.Digest
            ?? throw new ArgumentException($"{image} has neither a tag nor a digest to resolve.", nameof(image));
        var target = RegistryTarget.For(image.Name, _options);
        var key = $"{target.Host}/{target.Path}:{reference}";
        if (_cache.TryGet(key, out var cached))
        {
            return cached;
        }

        var digest = await ManifestDigestAsync(target, reference, cancellationToken).ConfigureAwait(false);
        if (digest is not null)
        {
            _cache.Set(key, digest);
        }

        return digest;
    }

    /// <inheritdoc/>
    public async Task<bool> TagExistsAsync(ImageReference image, CancellationToken cancellationToken = default) =>
        await ResolveDigestAsync(image, cancellationToken).ConfigureAwait(false) is not null;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var target = RegistryTarget.For(ImageReference.NormalizeName(repository), _options);
        var tags = new List<string>();
        Uri? next = target.Api($"v2/{target.Path}/tags/list?n={_options.TagPageSize}");
        var pages = 0;
        while (next is not null)
        {
            if (pages == _options.MaxTagPages)
            {
                RegistryLog.TagListTruncated(_logger, target.Host, target.Path, pages, tags.Count);
                break;
            }

            using var response = await SendAsync(target, HttpMethod.Get, next, JsonMediaTypes, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw await FailedAsync(target, response, $"listing the tags of {target.Path}", cancellationToken).ConfigureAwait(false);
            }

            pages++;
            var body = await RegistryHttp.ReadBoundedAsync(response.Content, MaxTagPageBytes, target.Host, "a tag list page", cancellationToken).ConfigureAwait(false);
            tags.AddRange(ReadTags(target, body));
            next = NextPage(target, next, response);
        }

        return tags;
    }

    private async Task<string?> ManifestDigestAsync(RegistryTarget target, string reference, CancellationToken cancellationToken)
    {
        var uri = target.Api($"v2/{target.Path}/manifests/{reference}");
        using (var head = await SendAsync(target, HttpMethod.Head, uri, ManifestMediaTypes, cancellationToken).ConfigureAwait(false))
        {
            if (head.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (head.IsSuccessStatusCode && DigestHeader(target, head) is { } digest)
            {
                return digest;
            }

            // Some registries answer HEAD with 405 or 501; the GET below answers the same question.
            if (!head.IsSuccessStatusCode && head.StatusCode is not (HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented))
            {
                throw await FailedAsync(target, head, $"HEAD of the manifest {target.Path}:{reference}", cancellationToken).ConfigureAwait(false);
            }
        }

        using var get = await SendAsync(target, HttpMethod.Get, uri, ManifestMediaTypes, cancellationToken).ConfigureAwait(false);
        if (get.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!get.IsSuccessStatusCode)
        {
            throw await FailedAsync(target, get, $"GET of the manifest {target.Path}:{reference}", cancellationToken).ConfigureAwait(false);
        }

        if (DigestHeader(target, get) is { } header)
        {
            return header;
        }

        // The digest of a manifest is the sha256 of its exact bytes (image-spec descriptor.md).
        var body = await RegistryHttp.ReadBoundedAsync(get.Content, MaxManifestBytes, target.Host, "a manifest", cancellationToken).ConfigureAwait(false);
        RegistryLog.DigestComputed(_logger, target.Host, target.Path, reference);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
    }

    /// <summary>Sends once with what the authenticator already knows; on 401 answers the challenge and sends once more.</summary>
    private async Task<HttpResponseMessage> SendAsync(RegistryTarget target, HttpMethod method, Uri uri, string[] accept, CancellationToken cancellationToken)
    {
        var scope = target.PullScope;
        var known = _authenticator.Known(target, scope);
        var response = await SendOnceAsync(target, method, uri, accept, known, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenge = AuthenticationChallenge.Select(response.Headers.WwwAuthenticate);
        response.Dispose();
        var answer = await _authenticator.AnswerAsync(target, scope, challenge, known, cancellationToken).ConfigureAwait(false);
        response = await SendOnceAsync(target, method, uri, accept, answer, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new RegistryException(target.Host, 401, $"{target.Host} refused the {answer.Scheme} authorization it asked for on {target.Path}.");
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        RegistryTarget target, HttpMethod method, Uri uri, string[] accept, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        await _limiter.WaitAsync(target.Host, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(method, uri);
        foreach (var mediaType in accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }

        request.Headers.Authorization = authorization;
        try
        {
            return await _httpClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new RegistryException(target.Host, 0, $"{target.Host} could not be reached: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException(target.Host, 0, $"{target.Host} did not answer {method} {uri.AbsolutePath} in time.", ex);
        }
    }

    private static string? DigestHeader(RegistryTarget target, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Docker-Content-Digest", out var values) || values.FirstOrDefault() is not { Length: > 0 } digest)
        {
            return null;
        }

        digest = digest.Trim();
        return ImageReference.IsValidDigest(digest)
            ? digest
            : throw new RegistryException(target.Host, (int)response.StatusCode, $"{target.Host} sent a Docker-Content-Digest that is not a valid digest for {target.Path}.");
    }

    private static List<string> ReadTags(RegistryTarget target, byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new RegistryException(target.Host, 200, $"{target.Host} answered the tag list of {target.Path} with JSON that is not an object.");
            }

            // distribution answers "tags": null for a repository whose tags were all deleted.
            if (!json.RootElement.TryGetProperty("tags", out var tags) || tags.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            if (tags.ValueKind != JsonValueKind.Array)
            {
                throw new RegistryException(target.Host, 200, $"{target.Host} answered the tag list of {target.Path} with \"tags\" that is not an array.");
            }

            return [.. tags.EnumerateArray().Where(tag => tag.ValueKind == JsonValueKind.String).Select(tag => tag.GetString()!)];
        }
        catch (JsonException ex)
        {
            throw new RegistryException(target.Host, 200, $"{target.Host} answered the tag list of {target.Path} with something that is not JSON.", ex);
        }
    }

    /// <summary>
    /// The <c>rel="next"</c> target of the <c>Link</c> header, resolved against the current page; null on the last page.
    /// A link to another host is refused, because the request would carry this registry's token there.
    /// </summary>
    private static Uri? NextPage(RegistryTarget target, Uri current, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            foreach (Match match in LinkPattern().Matches(value))
            {
                if (!Uri.TryCreate(current, match.Groups["url"].Value, out var next))
                {
                    throw new RegistryException(target.Host, (int)response.StatusCode, $"{target.Host} sent a Link header for {target.Path} whose target is not a URL.");
                }

                if (!string.Equals(next.Scheme, current.Scheme, StringComparison.OrdinalIgnoreCase)
                    || !string.Equals(next.Authority, current.Authority, StringComparison.OrdinalIgnoreCase))
                {
                    throw new RegistryException(target.Host, (int)response.StatusCode, $"{target.Host} sent a next-page link for {target.Path} to another host ({next.Authority}); it was not followed.");
                }

                return next;
            }
        }

        return null;
    }

    private static async Task<RegistryException> FailedAsync(RegistryTarget target, HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var codes = string.Empty;
        try
        {
            var body = await RegistryHttp.ReadBoundedAsync(response.Content, MaxErrorBytes, target.Host, "an error", cancellationToken).ConfigureAwait(false);
            if (body.Length > 0)
            {
                // The spec's error body: {"errors":[{"code":"NAME_UNKNOWN","message":..}]}; the codes are what a reader needs.
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                {
                    var list = errors.EnumerateArray()
                        .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
                        .Select(e => e.GetProperty("code").GetString())
                        .ToList();
                    codes = list.Count == 0 ? string.Empty : $" ({string.Join(", ", list)})";
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or RegistryException or HttpRequestException)
        {
            // The status alone still says what went wrong.
        }

        var status = (int)response.StatusCode;
        return new RegistryException(target.Host, status, $"{target.Host} answered {status} {response.ReasonPhrase} to {what}{codes}.");
    }

    [GeneratedRegex("""<(?<url>[^>]*)>\s*;\s*rel="?next"?""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LinkPattern();
}
