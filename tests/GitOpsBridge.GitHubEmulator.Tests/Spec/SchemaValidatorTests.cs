using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Spec;

namespace GitOpsBridge.GitHubEmulator.Tests.Spec;

public sealed class SchemaValidatorTests
{
    private static readonly SchemaValidator Validator = new(OpenApiDescription.Instance);

    private static JsonElement Schema(string name) =>
        OpenApiDescription.Instance.Root.GetProperty("components").GetProperty("schemas").GetProperty(name);

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    private static JsonObject ValidLabel() => new()
    {
        ["id"] = 1,
        ["node_id"] = "LA_1",
        ["url"] = "http://127.0.0.1/repos/acme/gitops/labels/bug",
        ["name"] = "bug",
        ["description"] = null,
        ["color"] = "ededed",
        ["default"] = false,
    };

    [Fact]
    public void Validate_ValidLabel_NoErrors()
    {
        Assert.Empty(Validator.Validate(Schema("label"), Parse(ValidLabel().ToJsonString())));
    }

    [Fact]
    public void Validate_MissingRequiredProperty_NamesIt()
    {
        var label = ValidLabel();
        label.Remove("color");

        var errors = Validator.Validate(Schema("label"), Parse(label.ToJsonString()));

        Assert.Equal("$: required property 'color' is missing", Assert.Single(errors));
    }

    [Fact]
    public void Validate_WrongType_NamesPathAndTypes()
    {
        var label = ValidLabel();
        label["id"] = "1";

        var errors = Validator.Validate(Schema("label"), Parse(label.ToJsonString()));

        Assert.Equal("$.id: expected integer, got string \"1\"", Assert.Single(errors));
    }

    [Fact]
    public void Validate_NullWhereNotNullable_IsError()
    {
        var label = ValidLabel();
        label["name"] = null;

        var errors = Validator.Validate(Schema("label"), Parse(label.ToJsonString()));

        Assert.Equal("$.name: expected string, got null", Assert.Single(errors));
    }

    [Fact]
    public void Validate_NullableRefAllowsNull_NonNullableRefDoesNot()
    {
        // pull-request.milestone is $ref nullable-milestone; pull-request.user is $ref simple-user.
        Assert.Empty(Validator.Validate(Schema("nullable-milestone"), Parse("null")));
        Assert.NotEmpty(Validator.Validate(Schema("simple-user"), Parse("null")));
    }

    [Fact]
    public void Validate_NumberWithFractionForInteger_IsError()
    {
        var label = ValidLabel();
        label["id"] = 1.5;

        Assert.Contains("$.id: expected integer", Assert.Single(Validator.Validate(Schema("label"), Parse(label.ToJsonString()))), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EnumOutsideValues_IsError()
    {
        var errors = Validator.Validate(Schema("auto-merge").GetProperty("properties").GetProperty("merge_method"), Parse("\"fast-forward\""));

        Assert.Contains("is not one of", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DeepRefError_HasFullPath()
    {
        // installation-token.permissions is $ref app-permissions; its values are enums.
        var errors = Validator.Validate(Schema("installation-token"), Parse("""{"token":"t","expires_at":"x","permissions":{"contents":"delete"}}"""));

        Assert.StartsWith("$.permissions.contents:", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OneOfMatchingNone_Reported_MatchingExactlyOne_Accepted()
    {
        var schema = Parse("""{"oneOf":[{"type":"string"},{"type":"object","required":["name"]}]}""");

        Assert.Empty(Validator.Validate(schema, Parse("\"bug\"")));
        Assert.Empty(Validator.Validate(schema, Parse("""{"name":"bug"}""")));
        Assert.Contains("matches none of oneOf", Assert.Single(Validator.Validate(schema, Parse("42"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OneOfMatchingTwo_Reported()
    {
        var schema = Parse("""{"oneOf":[{"type":"object"},{"type":"object","properties":{"name":{"type":"string"}}}]}""");

        Assert.Contains("more than one of oneOf", Assert.Single(Validator.Validate(schema, Parse("""{"name":"x"}"""))), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AnyOfWithNullable_AcceptsNullAndEitherBranch()
    {
        // installation.account: { nullable: true, anyOf: [simple-user, enterprise] }
        var account = Schema("installation").GetProperty("properties").GetProperty("account");

        Assert.Empty(Validator.Validate(account, Parse("null")));
        Assert.Contains("matches none of anyOf", Assert.Single(Validator.Validate(account, Parse("""{"login":"acme"}"""))), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AllOf_AppliesEveryBranch()
    {
        var schema = Parse("""{"allOf":[{"type":"object","required":["a"]},{"type":"object","required":["b"]}]}""");

        var errors = Validator.Validate(schema, Parse("""{"a":1}"""));

        Assert.Equal("$: required property 'b' is missing", Assert.Single(errors));
    }

    [Fact]
    public void Validate_DateTimeFormat_RejectsNonRfc3339()
    {
        var schema = Parse("""{"type":"string","format":"date-time"}""");

        Assert.Empty(Validator.Validate(schema, Parse("\"2024-05-01T10:00:00Z\"")));
        Assert.Single(Validator.Validate(schema, Parse("\"05/01/2024 10:00\"")));
    }

    [Fact]
    public void Validate_AdditionalPropertiesFalse_RejectsUnknown()
    {
        var schema = Parse("""{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}""");

        Assert.Equal("$: property 'b' is not allowed", Assert.Single(Validator.Validate(schema, Parse("""{"a":"x","b":1}"""))));
    }
}
