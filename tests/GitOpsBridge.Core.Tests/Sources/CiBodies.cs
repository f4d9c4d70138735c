using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;

namespace GitOpsBridge.Core.Tests.Sources;

/// <summary>CI notification bodies for parser tests: the shared fixtures, and variants of them made in code.</summary>
internal static class CiBodies
{
    /// <summary>A file under <c>../shared/fixtures/payloads</c>, byte for byte.</summary>
    public static string Fixture(string relativePath) => File.ReadAllText(Path.Combine(Fixtures.Root, "payloads", relativePath));

    /// <summary>A request with <paramref name="headers"/>, stored by lower-case name as the host does.</summary>
    public static SourcePayload Request(string body, params (string Name, string Value)[] headers) =>
        new(body, headers.ToDictionary(h => h.Name.ToLowerInvariant(), h => h.Value, StringComparer.Ordinal));

    /// <summary><paramref name="body"/> with the value at a dotted path (<c>build.scm.branch</c>, <c>requests.0.id</c>) replaced.</summary>
    public static string Set(string body, string path, JsonNode? value)
    {
        var root = JsonNode.Parse(body)!;
        var (parent, last) = Walk(root, path);
        if (parent is JsonArray array)
        {
            array[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            parent.AsObject()[last] = value;
        }

        return root.ToJsonString();
    }

    /// <summary><paramref name="body"/> without the member at a dotted path; the member must exist.</summary>
    public static string Remove(string body, string path)
    {
        var root = JsonNode.Parse(body)!;
        var (parent, last) = Walk(root, path);
        Assert.True(parent.AsObject().Remove(last), $"{path} is not in the body");
        return root.ToJsonString();
    }

    /// <summary><paramref name="body"/> with every object's members in reverse order.</summary>
    public static string ReverseKeys(string body) => Reverse(JsonNode.Parse(body))!.ToJsonString();

    /// <summary><paramref name="body"/> with members no vendor sends, at the top and in every nested object.</summary>
    public static string WithExtras(string body)
    {
        var root = JsonNode.Parse(body)!;
        AddExtras(root);
        return root.ToJsonString();
    }

    /// <summary>Asserts that members no vendor sends, and every object's members in reverse order, change nothing.</summary>
    public static void AssertIndifferentToExtrasAndKeyOrder(string body, Func<string, SourceParseResult> parse)
    {
        var reordered = ReverseKeys(WithExtras(body));

        Assert.NotEqual(body, reordered);
        Assert.Equal(Completed(parse(body)), Completed(parse(reordered)));
    }

    /// <summary>The run of a completion, failing the test with what the parser said otherwise.</summary>
    public static CiCompletion Completed(SourceParseResult result) =>
        Assert.IsType<SourceParseResult.Completed>(result).Run;

    /// <summary>The ignore of a result, failing the test otherwise; the code is always not-a-completion.</summary>
    public static SourceParseResult.Ignored Ignored(SourceParseResult result)
    {
        var ignored = Assert.IsType<SourceParseResult.Ignored>(result);
        Assert.Equal(CiPayloads.NotACompletion, ignored.Code);
        return ignored;
    }

    /// <summary>The rejection of a result with <paramref name="code"/>, failing the test otherwise.</summary>
    public static SourceParseResult.Rejected Rejected(SourceParseResult result, string code)
    {
        var rejected = Assert.IsType<SourceParseResult.Rejected>(result);
        Assert.Equal(code, rejected.Code);
        return rejected;
    }

    private static (JsonNode Parent, string Last) Walk(JsonNode root, string path)
    {
        var segments = path.Split('.');
        var node = root;
        foreach (var segment in segments[..^1])
        {
            node = (node is JsonArray array ? array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)] : node[segment])
                ?? throw new InvalidOperationException($"{path}: {segment} is not in the body");
        }

        return (node, segments[^1]);
    }

    private static JsonNode? Reverse(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Reverse().Select(p => KeyValuePair.Create(p.Key, Reverse(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Reverse).ToArray()),
        _ => node?.DeepClone(),
    };

    private static void AddExtras(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var child in obj.Select(p => p.Value).ToList())
                {
                    AddExtras(child);
                }

                obj["x_added_by_a_newer_version"] = new JsonObject { ["nested"] = new JsonArray(1, "two", null) };
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    AddExtras(child);
                }

                break;
        }
    }
}
