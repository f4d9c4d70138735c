using System.Text.Json.Nodes;
using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.RegistryPayloadTesting;

namespace GitOpsBridge.Core.Tests.Sources;

/// <summary>What holds for every registry kind: dispatch, and no body that makes a parser throw.</summary>
public sealed class RegistryPayloadsTests
{
    private static readonly SourceKind[] RegistryKinds =
        [SourceKind.DockerHub, SourceKind.Acr, SourceKind.Harbor, SourceKind.Quay, SourceKind.Distribution, SourceKind.Gar, SourceKind.Ecr];

    private static readonly (SourceKind Kind, string File)[] FixtureFiles =
    [
        (SourceKind.DockerHub, "dockerhub/repository_push.docs.json"),
        (SourceKind.Acr, "acr/eventgrid.image_pushed.event-grid-schema.json"),
        (SourceKind.Harbor, "harbor/push_artifact.default.docs.json"),
        (SourceKind.Quay, "quay/repo_push.redhat-docs.json"),
        (SourceKind.Distribution, "distribution/events.v1.envelope.http"),
        (SourceKind.Gar, "gar/pubsub-push-envelope.constructed.json"),
        (SourceKind.Gar, "gar/pubsub-data.insert-with-tag.docs.json"),
        (SourceKind.Ecr, "ecr/eventbridge.image-push.json"),
    ];

    // Named so that test names stay short: some bodies are 100 kB.
    private static readonly Dictionary<string, string> Hostile = new(StringComparer.Ordinal)
    {
        ["empty"] = "",
        ["whitespace"] = "   \n",
        ["null"] = "null",
        ["empty array"] = "[]",
        ["empty object"] = "{}",
        ["array of empty object"] = "[{}]",
        ["array of null"] = "[null]",
        ["string"] = "\"x\"",
        ["number"] = "42",
        ["true"] = "true",
        ["truncated"] = "{\"a\":",
        ["trailing comma"] = "{\"a\":1,}",
        ["byte order mark"] = "\uFEFF{}",
        ["10,000 open brackets"] = new string('[', 10_000),
        ["10,000 nested arrays"] = new string('[', 10_000) + new string(']', 10_000),
        ["5,000 nested arrays in a member"] = "{\"a\":" + new string('[', 5_000) + new string(']', 5_000) + "}",
        ["events of every kind"] = "{\"events\":[null,1,\"x\",[]]}",
        ["empty message data"] = "{\"message\":{\"data\":\"\"}}",
        ["message data null"] = "{\"message\":{\"data\":\"" + Base64("null") + "\"}}",
        ["cloud event without data"] = "{\"specversion\":\"1.0\",\"type\":\"x\"}",
        ["cloud event version number"] = "{\"specversion\":1}",
        ["validation event without data"] = "[{\"eventType\":\"Microsoft.EventGrid.SubscriptionValidationEvent\",\"data\":null}]",
        ["100 kB tag"] = "{\"push_data\":{\"tag\":\"" + new string('a', 100_000) + "\"},\"repository\":{\"repo_name\":\"a/b\"}}",
        ["lone surrogate in an unread member"] = "{\"a\":\"\\ud800\"}",
        ["lone surrogate in a member name"] = "{\"\\udc00\":1}",
    };

    public static TheoryData<SourceKind> CiKinds() =>
        [SourceKind.GitLab, SourceKind.AzureDevOps, SourceKind.CircleCi, SourceKind.Jenkins, SourceKind.Spinnaker];

    public static TheoryData<SourceKind, string> HostileBodies()
    {
        var data = new TheoryData<SourceKind, string>();
        foreach (SourceKind kind in RegistryKinds)
        {
            foreach (string name in Hostile.Keys)
            {
                data.Add(kind, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CiKinds))]
    public void Parse_CiKind_ThrowsArgumentOutOfRange(SourceKind kind)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RegistryPayloads.Parse(kind, Body("{}")));
    }

    [Fact]
    public void IsRegistryKind_EveryKind_TrueExactlyForTheSevenRegistries()
    {
        SourceKind[] registries = Enum.GetValues<SourceKind>().Where(RegistryPayloads.IsRegistryKind).ToArray();

        Assert.Equal(RegistryKinds, registries);
    }

    [Fact]
    public void Parse_EveryRegistryKind_Dispatches()
    {
        // An empty object reaches each vendor's parser, which names the first field it misses.
        var reasons = RegistryKinds.Select(kind => Assert.IsType<SourceParseResult.Rejected>(Parse(kind, "{}")).Reason).ToArray();

        Assert.Equal(RegistryKinds.Length, reasons.Distinct().Count());
    }

    [Fact]
    public void Parse_NullPayload_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => RegistryPayloads.Parse(SourceKind.DockerHub, null!));
    }

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public void Parse_HostileBody_RejectedOrIgnoredWithAReason(SourceKind kind, string body)
    {
        // Act
        SourceParseResult result = RegistryPayloads.Parse(kind, Body(Hostile[body]));

        // Assert: no exception, nothing pushed, and a reason a person can read.
        string reason = result switch
        {
            SourceParseResult.Rejected rejected => rejected.Reason,
            SourceParseResult.Ignored ignored => ignored.Reason,
            _ => throw new Xunit.Sdk.XunitException($"{kind} made {result} of the body '{body}'"),
        };
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.True(reason.Length < 400, reason);
        Assert.False(string.IsNullOrEmpty(result.EventName));
    }

    [Fact]
    public void Parse_NestingDeeperThanTheLimit_RejectedMalformedJsonNamingTheDepth()
    {
        string body = "{\"push_data\":" + new string('[', RegistryPayloads.MaxDepth) + new string(']', RegistryPayloads.MaxDepth) + "}";

        AssertRejected(Parse(SourceKind.DockerHub, body), "malformed-json", "depth");
    }

    [Fact]
    public void Parse_DuplicateMember_RejectedMalformedJson()
    {
        string body = """{"push_data":{"tag":"1.0","tag":"2.0"},"repository":{"repo_name":"a/b"}}""";

        AssertRejected(Parse(SourceKind.DockerHub, body), "malformed-json", "the body is not valid JSON");
    }

    [Fact]
    public void Parse_EveryFixtureWithEachValueOfTheWrongType_NeverThrows()
    {
        // Arrange: every string, number and boolean in every fixture in turn becomes a number, an array, an object and null.
        JsonNode?[] replacements = [JsonValue.Create(7), new JsonArray(), new JsonObject(), null];
        int variants = 0;
        var outcomes = new HashSet<string>(StringComparer.Ordinal);
        foreach ((SourceKind kind, string file) in FixtureFiles)
        {
            SourcePayload original = file.EndsWith(".http", StringComparison.Ordinal) ? Http(file) : Body(Fixture(file));
            int leaves = Leaves(JsonNode.Parse(original.Body)!).Count;
            for (int leaf = 0; leaf < leaves; leaf++)
            {
                foreach (JsonNode? replacement in replacements)
                {
                    JsonNode node = JsonNode.Parse(original.Body)!;
                    JsonNode target = Leaves(node)[leaf];
                    target.ReplaceWith(replacement?.DeepClone());

                    // Act
                    SourceParseResult result = RegistryPayloads.Parse(kind, original with { Body = node.ToJsonString() });

                    // Assert
                    Assert.NotNull(result);
                    outcomes.Add(result is SourceParseResult.Rejected r ? r.Code : result.GetType().Name);
                    variants++;
                }
            }
        }

        Assert.True(variants > 300, $"only {variants} variants");
        Assert.Contains("invalid-payload", outcomes);
        Assert.Contains(nameof(SourceParseResult.Pushed), outcomes);
    }

    private static List<JsonNode> Leaves(JsonNode node)
    {
        var leaves = new List<JsonNode>();
        void Walk(JsonNode? current)
        {
            switch (current)
            {
                case JsonObject obj:
                    foreach (KeyValuePair<string, JsonNode?> member in obj)
                    {
                        Walk(member.Value);
                    }

                    break;
                case JsonArray array:
                    foreach (JsonNode? item in array)
                    {
                        Walk(item);
                    }

                    break;
                case JsonValue value:
                    leaves.Add(value);
                    break;
            }
        }

        Walk(node);
        return leaves;
    }
}
