using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;

namespace GitOpsBridge.Core.Tests.Sources;

/// <summary>Reading the registry payload fixtures and building variants of them for the registry parser tests.</summary>
internal static class RegistryPayloadTesting
{
    public const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /// <summary>A fixture file under ../shared/fixtures/payloads.</summary>
    public static string Fixture(string file) => File.ReadAllText(System.IO.Path.Combine(Fixtures.Root, "payloads", file));

    /// <summary>A JSON body with headers (names any case).</summary>
    public static SourcePayload Body(string body, params (string Name, string Value)[] headers) =>
        new(body, headers.ToDictionary(h => h.Name.ToLowerInvariant(), h => h.Value));

    /// <summary>
    /// A stored HTTP request (request line, headers, a blank line, the body), as the distribution fixture is kept.
    /// </summary>
    public static SourcePayload Http(string file)
    {
        string text = Fixture(file).ReplaceLineEndings("\n");
        int blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        string[] head = text[..blank].Split('\n');
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in head.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.TryAdd(line[..colon].Trim().ToLowerInvariant(), line[(colon + 1)..].Trim());
        }

        return new SourcePayload(text[(blank + 2)..], headers);
    }

    public static SourceParseResult Parse(SourceKind kind, string body, params (string Name, string Value)[] headers) =>
        RegistryPayloads.Parse(kind, Body(body, headers));

    /// <summary>The body with <paramref name="change"/> applied to its parsed form.</summary>
    public static string Mutate(string json, Action<JsonNode> change)
    {
        JsonNode node = JsonNode.Parse(json)!;
        change(node);
        return node.ToJsonString();
    }

    /// <summary>The body with every object's members in reverse order.</summary>
    public static string Reordered(string json) => Reverse(JsonNode.Parse(json))!.ToJsonString();

    /// <summary>The body as one base64 string, as Pub/Sub carries it in <c>message.data</c>.</summary>
    public static string Base64(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json));

    public static ImagePush SinglePush(SourceParseResult result)
    {
        var pushed = Assert.IsType<SourceParseResult.Pushed>(result);
        return Assert.Single(pushed.Images);
    }

    /// <summary>Asserts a push field by field: the full reference as written, tag, digest and actor.</summary>
    public static void AssertPush(ImagePush push, string reference, string? tag, string? digest, string? actor)
    {
        Assert.Equal(reference, push.Image.ToString());
        Assert.Equal(tag, push.Image.Tag);
        Assert.Equal(digest, push.Image.Digest);
        Assert.Equal(actor, push.Actor);
    }

    public static SourceParseResult.Rejected AssertRejected(SourceParseResult result, string code, string reasonPart)
    {
        var rejected = Assert.IsType<SourceParseResult.Rejected>(result);
        Assert.Equal(code, rejected.Code);
        Assert.Contains(reasonPart, rejected.Reason, StringComparison.Ordinal);
        return rejected;
    }

    public static SourceParseResult.Ignored AssertIgnored(SourceParseResult result, string code, string reasonPart)
    {
        var ignored = Assert.IsType<SourceParseResult.Ignored>(result);
        Assert.Equal(code, ignored.Code);
        Assert.Contains(reasonPart, ignored.Reason, StringComparison.Ordinal);
        return ignored;
    }

    private static JsonNode? Reverse(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Reverse().Select(p => KeyValuePair.Create(p.Key, Reverse(p.Value?.DeepClone())))),
        JsonArray array => new JsonArray(array.Select(item => Reverse(item?.DeepClone())).ToArray()),
        _ => node?.DeepClone(),
    };
}
