using System.Globalization;
using System.Text.Json;

namespace GitOpsBridge.GitHubEmulator.Spec;

/// <summary>
/// Checks one request or response against its matched operation: path and query parameters, the
/// JSON request body, and the status and JSON body of the response.
/// </summary>
internal sealed class OperationValidator(OpenApiDescription description)
{
    /// <summary>
    /// Statuses GitHub can answer for any operation although most operations do not list them
    /// (bad credentials, rate limits, missing repository, outages). An undocumented one of these is
    /// checked against <c>basic-error</c> instead of being a violation.
    /// </summary>
    private static readonly HashSet<int> GenericStatuses = [401, 403, 404, 429, 500, 502, 503];

    private readonly SchemaValidator _schemas = new(description);

    public SchemaValidator Schemas => _schemas;

    public List<string> ValidateRequest(
        OperationMatch match,
        IEnumerable<KeyValuePair<string, string?>> query,
        ReadOnlySpan<byte> body,
        IReadOnlySet<string>? toleratedQuery = null)
    {
        var errors = new List<string>();
        var operation = match.Operation;
        var queryValues = query.ToList();

        foreach (var parameter in operation.Parameters)
        {
            var name = parameter.GetProperty("name").GetString()!;
            var location = parameter.GetProperty("in").GetString();
            var required = parameter.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True;
            var schema = parameter.TryGetProperty("schema", out var s) ? s : default;
            switch (location)
            {
                case "path":
                    if (match.PathValues.TryGetValue(name, out var pathValue))
                    {
                        ValidateScalar(schema, pathValue, $"path parameter '{name}'", errors);
                    }

                    break;
                case "query":
                    var values = queryValues.Where(q => q.Key == name).ToList();
                    if (values.Count == 0 && required)
                    {
                        errors.Add($"required query parameter '{name}' is missing");
                    }

                    foreach (var value in values)
                    {
                        ValidateScalar(schema, value.Value ?? string.Empty, $"query parameter '{name}'", errors);
                    }

                    break;
            }
        }

        var documentedQuery = operation.Parameters
            .Where(p => p.GetProperty("in").GetString() == "query")
            .Select(p => p.GetProperty("name").GetString())
            .ToHashSet(StringComparer.Ordinal);
        foreach (var unknown in queryValues.Select(q => q.Key).Distinct(StringComparer.Ordinal).Where(k => !documentedQuery.Contains(k) && toleratedQuery?.Contains($"{operation.OperationId}?{k}") != true))
        {
            // GitHub ignores an unknown query parameter, so a typo in a filter silently filters nothing.
            errors.Add($"query parameter '{unknown}' is not documented");
        }

        ValidateRequestBody(operation, body, errors);
        return errors;
    }

    public List<string> ValidateResponse(OperationMatch match, int status, string? contentType, ReadOnlySpan<byte> body)
    {
        var errors = new List<string>();
        var responses = match.Operation.Element.GetProperty("responses");
        var statusText = status.ToString(CultureInfo.InvariantCulture);
        JsonElement response;
        if (responses.TryGetProperty(statusText, out var documented)
            || responses.TryGetProperty($"{statusText[0]}XX", out documented)
            || responses.TryGetProperty("default", out documented))
        {
            response = description.Resolve(documented);
        }
        else if (GenericStatuses.Contains(status))
        {
            response = description.Resolve(description.Root.GetProperty("components").GetProperty("responses").GetProperty("not_found"));
        }
        else
        {
            errors.Add($"status {status} is not documented (documented: {string.Join(", ", responses.EnumerateObject().Select(p => p.Name))})");
            return errors;
        }

        var hasContent = response.TryGetProperty("content", out var content);
        if (body.IsEmpty)
        {
            if (hasContent && status != 304 && content.TryGetProperty("application/json", out var expected) && expected.TryGetProperty("schema", out _))
            {
                errors.Add($"status {status} must have a JSON body, but the body is empty");
            }

            return errors;
        }

        if (!hasContent)
        {
            // Some errors are described without a body (git/delete-ref's 422 "Reference does not
            // exist"), yet GitHub sends its usual error body with them, and clients read its message.
            // Exactly that body is allowed: GitHub's basic-error schema, and nothing else.
            if (status >= 400 && IsJson(MediaType(contentType)))
            {
                ValidateJson(description.Root.GetProperty("components").GetProperty("schemas").GetProperty("basic-error"), body, "error body", errors);
                return errors;
            }

            errors.Add($"status {status} is documented without a body, but {body.Length} bytes were sent");
            return errors;
        }

        var mediaType = MediaType(contentType);
        if (!IsJson(mediaType))
        {
            // Raw and other media types (application/vnd.github.raw) are chosen with Accept and
            // are not described by schemas; only JSON bodies are checked.
            return errors;
        }

        if (!content.TryGetProperty("application/json", out var media) || !media.TryGetProperty("schema", out var schema))
        {
            errors.Add($"status {status} documents no application/json body");
            return errors;
        }

        ValidateJson(schema, body, "response body", errors);
        return errors;
    }

    private void ValidateRequestBody(Operation operation, ReadOnlySpan<byte> body, List<string> errors)
    {
        if (!operation.Element.TryGetProperty("requestBody", out var requestBody))
        {
            if (!body.IsEmpty && !IsWhitespace(body))
            {
                errors.Add($"the operation takes no request body, but {body.Length} bytes were sent");
            }

            return;
        }

        requestBody = description.Resolve(requestBody);
        var required = requestBody.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True;
        if (body.IsEmpty || IsWhitespace(body))
        {
            if (required)
            {
                errors.Add("the request body is required, but none was sent");
            }

            return;
        }

        // The Content-Type is not checked: GitHub reads the body as JSON whatever it says, and
        // Octokit (.NET) sends JSON bodies labelled application/x-www-form-urlencoded.
        var content = requestBody.GetProperty("content");
        if (!content.TryGetProperty("application/json", out var media))
        {
            return;
        }

        if (media.TryGetProperty("schema", out var schema))
        {
            ValidateJson(schema, body, "request body", errors);
        }
    }

    private void ValidateJson(JsonElement schema, ReadOnlySpan<byte> body, string what, List<string> errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException exception)
        {
            errors.Add($"{what} is not JSON: {exception.Message}");
            return;
        }

        using (document)
        {
            errors.AddRange(_schemas.Validate(schema, document.RootElement).Select(e => $"{what} {e}"));
        }
    }

    private void ValidateScalar(JsonElement schema, string value, string what, List<string> errors)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var resolved = description.Resolve(schema);
        var type = resolved.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        string json;
        switch (type)
        {
            case "integer" when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer):
                json = integer.ToString(CultureInfo.InvariantCulture);
                break;
            case "number" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                json = number.ToString("R", CultureInfo.InvariantCulture);
                break;
            case "boolean" when value is "true" or "false":
                json = value;
                break;
            case "integer" or "number" or "boolean":
                errors.Add($"{what}: \"{value}\" is not a {type}");
                return;
            case "array":
                // Form-style arrays (comma-separated) are not checked item by item.
                return;
            default:
                json = JsonSerializer.Serialize(value);
                break;
        }

        using var document = JsonDocument.Parse(json);
        errors.AddRange(_schemas.Validate(resolved, document.RootElement).Select(e => $"{what} {e}"));
    }

    private static string? MediaType(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ? null : contentType.Split(';')[0].Trim().ToLowerInvariant();

    private static bool IsJson(string? mediaType) =>
        mediaType is not null && (mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal));

    private static bool IsWhitespace(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }
}
