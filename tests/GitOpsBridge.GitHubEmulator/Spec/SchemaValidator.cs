using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GitOpsBridge.GitHubEmulator.Spec;

/// <summary>
/// Validates a JSON value against an OpenAPI 3.0 schema object from GitHub's description.
/// Covers what GitHub's description uses: <c>type</c>, <c>nullable</c>, <c>$ref</c> into components,
/// <c>enum</c>, <c>required</c>, <c>properties</c>, <c>additionalProperties</c>, <c>items</c>,
/// <c>allOf</c>/<c>anyOf</c>/<c>oneOf</c>, string length and <c>pattern</c>, numeric bounds,
/// array length, and the <c>date-time</c> and <c>uri</c> formats. Other keywords are ignored.
/// </summary>
/// <remarks>
/// Written by hand rather than translated for a JSON Schema library because OpenAPI 3.0's
/// <c>nullable</c> and its ignored <c>$ref</c> siblings differ from every JSON Schema draft, and a
/// direct walk over the parsed description needs no copy of its 13 MB.
/// https://spec.openapis.org/oas/v3.0.3#schema-object
/// </remarks>
internal sealed class SchemaValidator(OpenApiDescription description)
{
    private const int MaxErrorsPerBranch = 3;

    private static readonly Regex DateTime = new(
        @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
        RegexOptions.CultureInvariant);

    private static readonly JsonElement NullElement = JsonElement.Parse("null");

    private static readonly ConcurrentDictionary<string, Regex?> Patterns = new(StringComparer.Ordinal);

    /// <summary>Returns the violations of <paramref name="instance"/>, each prefixed with its JSON path.</summary>
    public List<string> Validate(JsonElement schema, JsonElement instance, string path = "$")
    {
        var errors = new List<string>();
        Validate(schema, instance, path, errors);
        return errors;
    }

    private void Validate(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        schema = description.Resolve(schema);
        if (schema.ValueKind == JsonValueKind.True || schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (instance.ValueKind == JsonValueKind.Null)
        {
            ValidateNull(schema, path, errors);
            return;
        }

        if (schema.TryGetProperty("type", out var type) && !HasType(type, instance))
        {
            errors.Add($"{path}: expected {DescribeType(type)}, got {Describe(instance)}");
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(value => JsonElement.DeepEquals(value, instance)))
        {
            errors.Add($"{path}: {Short(instance)} is not one of {allowed.GetRawText()}");
        }

        switch (instance.ValueKind)
        {
            case JsonValueKind.String:
                ValidateString(schema, instance.GetString()!, path, errors);
                break;
            case JsonValueKind.Number:
                ValidateNumber(schema, instance.GetDouble(), path, errors);
                break;
            case JsonValueKind.Object:
                ValidateObject(schema, instance, path, errors);
                break;
            case JsonValueKind.Array:
                ValidateArray(schema, instance, path, errors);
                break;
        }

        ValidateComposition(schema, instance, path, errors);
    }

    private void ValidateNull(JsonElement schema, string path, List<string> errors)
    {
        if (schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.TryGetProperty("type", out var type))
        {
            if (!(type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "null")))
            {
                errors.Add($"{path}: expected {DescribeType(type)}, got null");
            }

            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.Null))
        {
            errors.Add($"{path}: null is not one of {allowed.GetRawText()}");
            return;
        }

        // No type of its own: null is valid when the composition allows it.
        ValidateComposition(schema, NullElement, path, errors);
    }

    private void ValidateComposition(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var branch in allOf.EnumerateArray())
            {
                Validate(branch, instance, path, errors);
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            var failures = new List<List<string>>();
            var passed = false;
            foreach (var branch in anyOf.EnumerateArray())
            {
                var branchErrors = Validate(branch, instance, path);
                if (branchErrors.Count == 0)
                {
                    passed = true;
                    break;
                }

                failures.Add(branchErrors);
            }

            if (!passed)
            {
                errors.Add($"{path}: matches none of anyOf: {Summarize(failures)}");
            }
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var failures = new List<List<string>>();
            var passedBranches = new List<int>();
            var index = 0;
            foreach (var branch in oneOf.EnumerateArray())
            {
                var branchErrors = Validate(branch, instance, path);
                if (branchErrors.Count == 0)
                {
                    passedBranches.Add(index);
                }
                else
                {
                    failures.Add(branchErrors);
                }

                index++;
            }

            if (passedBranches.Count == 0)
            {
                errors.Add($"{path}: matches none of oneOf: {Summarize(failures)}");
            }
            else if (passedBranches.Count > 1)
            {
                errors.Add($"{path}: matches more than one of oneOf (branches {string.Join(", ", passedBranches)})");
            }
        }
    }

    private static void ValidateString(JsonElement schema, string value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("minLength", out var minLength) && value.Length < minLength.GetInt32())
        {
            errors.Add($"{path}: shorter than minLength {minLength.GetInt32()}");
        }

        if (schema.TryGetProperty("maxLength", out var maxLength) && value.Length > maxLength.GetInt32())
        {
            errors.Add($"{path}: longer than maxLength {maxLength.GetInt32()}");
        }

        if (schema.TryGetProperty("pattern", out var pattern)
            && Patterns.GetOrAdd(pattern.GetString()!, CompilePattern) is { } regex
            && !regex.IsMatch(value))
        {
            errors.Add($"{path}: \"{value}\" does not match pattern {pattern.GetString()}");
        }

        if (schema.TryGetProperty("format", out var format))
        {
            switch (format.GetString())
            {
                case "date-time" when !DateTime.IsMatch(value):
                    errors.Add($"{path}: \"{value}\" is not an RFC 3339 date-time");
                    break;
                case "uri" when !Uri.TryCreate(value, UriKind.Absolute, out _):
                    errors.Add($"{path}: \"{value}\" is not an absolute URI");
                    break;
            }
        }
    }

    private static Regex? CompilePattern(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            // An ECMA-262 construct .NET does not read; such a pattern is not checked.
            return null;
        }
    }

    private static void ValidateNumber(JsonElement schema, double value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("minimum", out var minimum) && value < minimum.GetDouble())
        {
            errors.Add($"{path}: {value.ToString(CultureInfo.InvariantCulture)} is below minimum {minimum.GetRawText()}");
        }

        if (schema.TryGetProperty("maximum", out var maximum) && value > maximum.GetDouble())
        {
            errors.Add($"{path}: {value.ToString(CultureInfo.InvariantCulture)} is above maximum {maximum.GetRawText()}");
        }
    }

    private void ValidateObject(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray())
            {
                if (!instance.TryGetProperty(name.GetString()!, out _))
                {
                    errors.Add($"{path}: required property '{name.GetString()}' is missing");
                }
            }
        }

        var hasProperties = schema.TryGetProperty("properties", out var properties);
        var hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var property in instance.EnumerateObject())
        {
            var propertyPath = $"{path}.{property.Name}";
            if (hasProperties && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Validate(propertySchema, property.Value, propertyPath, errors);
            }
            else if (hasAdditional)
            {
                if (additional.ValueKind == JsonValueKind.False)
                {
                    errors.Add($"{path}: property '{property.Name}' is not allowed");
                }
                else if (additional.ValueKind == JsonValueKind.Object)
                {
                    Validate(additional, property.Value, propertyPath, errors);
                }
            }
        }
    }

    private void ValidateArray(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        var length = instance.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var minItems) && length < minItems.GetInt32())
        {
            errors.Add($"{path}: has {length} items, fewer than minItems {minItems.GetInt32()}");
        }

        if (schema.TryGetProperty("maxItems", out var maxItems) && length > maxItems.GetInt32())
        {
            errors.Add($"{path}: has {length} items, more than maxItems {maxItems.GetInt32()}");
        }

        if (schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in instance.EnumerateArray())
            {
                Validate(items, item, $"{path}[{index++}]", errors);
            }
        }
    }

    private static bool HasType(JsonElement type, JsonElement instance) => type.ValueKind == JsonValueKind.Array
        ? type.EnumerateArray().Any(t => HasType(t.GetString(), instance))
        : HasType(type.GetString(), instance);

    private static bool HasType(string? type, JsonElement instance) => type switch
    {
        "string" => instance.ValueKind == JsonValueKind.String,
        "integer" => instance.ValueKind == JsonValueKind.Number && IsInteger(instance),
        "number" => instance.ValueKind == JsonValueKind.Number,
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => instance.ValueKind == JsonValueKind.Object,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "null" => instance.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static bool IsInteger(JsonElement number) =>
        number.TryGetInt64(out _) || (number.TryGetDouble(out var value) && Math.Floor(value) == value && !double.IsInfinity(value));

    private static string DescribeType(JsonElement type) =>
        type.ValueKind == JsonValueKind.Array ? string.Join(" or ", type.EnumerateArray().Select(t => t.GetString())) : type.GetString() ?? "?";

    private static string Describe(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.String => $"string {Short(instance)}",
        JsonValueKind.Number => IsInteger(instance) ? $"integer {instance.GetRawText()}" : $"number {instance.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"boolean {instance.GetRawText()}",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        _ => instance.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Short(JsonElement instance)
    {
        var text = instance.GetRawText();
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    private static string Summarize(List<List<string>> failures) =>
        string.Join(" | ", failures.Select(f => string.Join("; ", f.Take(MaxErrorsPerBranch)) + (f.Count > MaxErrorsPerBranch ? $"; (+{f.Count - MaxErrorsPerBranch} more)" : string.Empty)));
}
