using GitOpsBridge.Core.Sources;
using static GitOpsBridge.Core.Tests.Sources.CiBodies;

namespace GitOpsBridge.Core.Tests.Sources;

/// <summary>What every CI kind does with bodies no vendor would send: explain, never throw.</summary>
public sealed class CiPayloadsTests
{
    public static TheoryData<SourceKind> CiKinds() =>
        [SourceKind.GitLab, SourceKind.AzureDevOps, SourceKind.CircleCi, SourceKind.Jenkins, SourceKind.Spinnaker];

    // By name, so the test names stay readable: body, expected code, expected start of the reason.
    private static readonly Dictionary<string, (string Body, string Code, string Reason)> Hostile = new()
    {
        ["null"] = ("null", CiPayloads.InvalidPayload, "the body must be a JSON object, not null"),
        ["empty array"] = ("[]", CiPayloads.InvalidPayload, "the body must be a JSON object, not an array"),
        ["string"] = ("\"x\"", CiPayloads.InvalidPayload, "the body must be a JSON object, not a string"),
        ["huge number"] = ("12345678901234567890123456789", CiPayloads.InvalidPayload, "the body must be a JSON object, not a number"),
        ["unterminated object"] = ("{\"a\":", CiPayloads.MalformedJson, "the body is not valid JSON: "),
        ["empty"] = ("", CiPayloads.MalformedJson, "the body is not valid JSON: "),
        ["whitespace"] = (" \r\n\t", CiPayloads.MalformedJson, "the body is not valid JSON: "),
        ["10,000 nested arrays"] = (new string('[', 10_000), CiPayloads.MalformedJson, "the body is not valid JSON: "),
        ["10,000 nested objects"] = (string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000), CiPayloads.MalformedJson, "the body is not valid JSON: "),
        ["trailing garbage"] = ("{} {}", CiPayloads.MalformedJson, "the body is not valid JSON: "),
        ["comment"] = ("// hi\n{}", CiPayloads.MalformedJson, "the body is not valid JSON: "),
        ["raw lone surrogate"] = ("{\"a\":\"\ud800\"}", CiPayloads.MalformedJson, "the body is not valid JSON: "),
        ["escaped lone surrogate, unread"] = ("{\"a\":\"\\ud800\"}", CiPayloads.InvalidPayload, ""),
        ["escaped lone surrogate key"] = ("{\"\\ud800\":1,\"object_kind\\ud800\":2}", CiPayloads.InvalidPayload, ""),
        ["empty object"] = ("{}", CiPayloads.InvalidPayload, ""),
    };

    public static TheoryData<SourceKind, string> HostileBodies()
    {
        var data = new TheoryData<SourceKind, string>();
        foreach (var kind in CiKinds())
        {
            foreach (var name in Hostile.Keys)
            {
                data.Add(kind, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public void Parse_HostileBody_ExplainedNeverThrown(SourceKind kind, string name)
    {
        // Arrange
        var (body, code, reasonStart) = Hostile[name];
        var payload = Request(body);

        // Act
        var result = CiPayloads.Parse(kind, payload);

        // Assert
        var rejected = Rejected(result, code);
        Assert.StartsWith(reasonStart, rejected.Reason, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(rejected.EventName));
        Assert.True(rejected.Reason.Length < 400, rejected.Reason);
    }

    [Theory]
    [MemberData(nameof(CiKinds))]
    public void Parse_EmptyObject_RejectedNamingAFieldTheKindNeeds(SourceKind kind)
    {
        // Act
        var rejected = Rejected(CiPayloads.Parse(kind, Request("{}")), CiPayloads.InvalidPayload);

        // Assert
        var expected = kind switch
        {
            SourceKind.GitLab => "object_kind is missing",
            SourceKind.AzureDevOps => "eventType is missing",
            SourceKind.CircleCi => "type is missing",
            SourceKind.Jenkins => "name is missing",
            _ => "details is missing",
        };
        Assert.StartsWith(expected, rejected.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SourceKind.GitLab, "object_kind")]
    [InlineData(SourceKind.AzureDevOps, "eventType")]
    [InlineData(SourceKind.CircleCi, "type")]
    [InlineData(SourceKind.Jenkins, "name")]
    public void Parse_StringFieldWithEscapedLoneSurrogate_RejectedNamingTheField(SourceKind kind, string field)
    {
        // Arrange: valid JSON, but the escape decodes to no valid UTF-16 text.
        var body = $"{{\"{field}\":\"a\\ud800b\"}}";

        // Act
        var rejected = Rejected(CiPayloads.Parse(kind, Request(body)), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal($"{field} must be text, but holds an invalid escape (a lone UTF-16 surrogate)", rejected.Reason);
    }

    [Fact]
    public void Parse_FlattenedSpinnakerDetailsWithEscapedLoneSurrogate_RejectedNamingTheField()
    {
        // Act
        var rejected = Rejected(CiPayloads.Parse(SourceKind.Spinnaker, Request("{\"details\":\"\\udc00\"}")), CiPayloads.InvalidPayload);

        // Assert
        Assert.Equal("details must be text, but holds an invalid escape (a lone UTF-16 surrogate)", rejected.Reason);
    }

    [Theory]
    [MemberData(nameof(CiKinds))]
    public void Parse_EveryFixtureUnderTheWrongKind_NeverThrows(SourceKind kind)
    {
        // Arrange: each vendor's real body sent to every other CI kind's endpoint.
        var files = Directory.GetFiles(Path.Combine(Fixtures.Root, "payloads"), "*.json", SearchOption.AllDirectories);

        // Act
        var results = files.Select(f => CiPayloads.Parse(kind, Request(File.ReadAllText(f)))).ToList();

        // Assert
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.EventName)));
        Assert.All(results, r => Assert.IsNotType<SourceParseResult.Pushed>(r));
    }

    [Theory]
    [InlineData(SourceKind.DockerHub)]
    [InlineData(SourceKind.Acr)]
    [InlineData(SourceKind.Harbor)]
    [InlineData(SourceKind.Quay)]
    [InlineData(SourceKind.Distribution)]
    [InlineData(SourceKind.Gar)]
    [InlineData(SourceKind.Ecr)]
    [InlineData((SourceKind)999)]
    public void Parse_RegistryKind_ThrowsBecauseItIsAProgrammingError(SourceKind kind)
    {
        // Act
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => CiPayloads.Parse(kind, Request("{}")));

        // Assert
        Assert.Equal("kind", exception.ParamName);
    }
}
