using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsBridge.Tests.Registries;

/// <summary>
/// A tiny image written as an OCI image layout directory
/// (<see href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image-layout.md</see>):
/// <c>oci-layout</c>, <c>index.json</c> and <c>blobs/sha256/…</c>, with one gzip layer holding random
/// bytes, so every image built has new digests. With more than one platform the layout's image is
/// an OCI image index over one manifest per platform. skopeo reads it as <c>oci:DIR:image</c>.
/// </summary>
public sealed class OciImage
{
    /// <summary>The reference name the layout gives its image (<c>oci:DIR:image</c>).</summary>
    public const string RefName = "image";

    /// <summary>The media type of a single-platform manifest.</summary>
    public const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>The media type of a multi-platform index.</summary>
    public const string IndexMediaType = "application/vnd.oci.image.index.v1+json";

    private static readonly string[] Architectures = ["amd64", "arm64", "ppc64le", "s390x"];

    // Media types hold '+', which the default encoder writes as \u002B; real tools write it plainly.
    private static readonly JsonSerializerOptions Plain = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private OciImage(string directory, string digest, string mediaType)
    {
        Directory = directory;
        Digest = digest;
        MediaType = mediaType;
    }

    /// <summary>The layout directory.</summary>
    public string Directory { get; }

    /// <summary>The digest of the top manifest (or index): what a registry reports for the tag it is pushed to.</summary>
    public string Digest { get; }

    /// <summary><see cref="ManifestMediaType"/> or <see cref="IndexMediaType"/>.</summary>
    public string MediaType { get; }

    /// <summary>Whether the image is a multi-platform index (skopeo copies it with <c>--all</c>).</summary>
    public bool IsIndex => MediaType == IndexMediaType;

    /// <summary>Writes a new image layout into <paramref name="directory"/> (created if missing).</summary>
    /// <param name="directory">An empty or missing directory.</param>
    /// <param name="platforms">1 for a plain image; 2 to 4 for an index over that many linux platforms.</param>
    public static OciImage Create(string directory, int platforms = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(platforms, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(platforms, Architectures.Length);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");

        var manifests = Enumerable.Range(0, platforms).Select(i => WriteManifest(directory, Architectures[i])).ToList();
        Descriptor top;
        if (platforms == 1)
        {
            top = manifests[0];
        }
        else
        {
            var index = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = IndexMediaType,
                ["manifests"] = new JsonArray([.. manifests.Select(m => m.ToJson())]),
            };
            top = WriteBlob(directory, IndexMediaType, Encoding.UTF8.GetBytes(index.ToJsonString(Plain)), null);
        }

        var layoutIndex = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["manifests"] = new JsonArray(top.ToJson(new JsonObject { ["org.opencontainers.image.ref.name"] = RefName })),
        };
        File.WriteAllText(Path.Combine(directory, "index.json"), layoutIndex.ToJsonString(Plain));
        return new OciImage(directory, top.Digest, top.MediaType);
    }

    private static Descriptor WriteManifest(string directory, string architecture)
    {
        // The layer is a real tar (diff_id = its sha256) so that a tool that checks diff_ids is satisfied.
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "random.bin") { DataStream = new MemoryStream(RandomNumberGenerator.GetBytes(64)) };
            writer.WriteEntry(entry);
        }

        var tarBytes = tar.ToArray();
        var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Optimal, leaveOpen: true))
        {
            compressor.Write(tarBytes);
        }

        var layer = WriteBlob(directory, "application/vnd.oci.image.layer.v1.tar+gzip", gzip.ToArray(), null);
        var config = new JsonObject
        {
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["config"] = new JsonObject(),
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray("sha256:" + Hex(tarBytes)) },
        };
        var configBlob = WriteBlob(directory, "application/vnd.oci.image.config.v1+json", Encoding.UTF8.GetBytes(config.ToJsonString(Plain)), null);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestMediaType,
            ["config"] = configBlob.ToJson(),
            ["layers"] = new JsonArray(layer.ToJson()),
        };
        return WriteBlob(directory, ManifestMediaType, Encoding.UTF8.GetBytes(manifest.ToJsonString(Plain)), architecture);
    }

    private static Descriptor WriteBlob(string directory, string mediaType, byte[] content, string? architecture)
    {
        var hex = Hex(content);
        File.WriteAllBytes(Path.Combine(directory, "blobs", "sha256", hex), content);
        return new Descriptor(mediaType, "sha256:" + hex, content.Length, architecture);
    }

    private static string Hex(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private sealed record Descriptor(string MediaType, string Digest, long Size, string? Architecture)
    {
        public JsonObject ToJson(JsonObject? annotations = null)
        {
            var json = new JsonObject { ["mediaType"] = MediaType, ["digest"] = Digest, ["size"] = Size };
            if (Architecture is not null)
            {
                json["platform"] = new JsonObject { ["architecture"] = Architecture, ["os"] = "linux" };
            }

            if (annotations is not null)
            {
                json["annotations"] = annotations;
            }

            return json;
        }
    }
}
