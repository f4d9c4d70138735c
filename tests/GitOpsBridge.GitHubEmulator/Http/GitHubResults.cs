using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.GitHubEmulator.Http;

/// <summary>Responses shaped like GitHub's, including its error bodies.</summary>
internal static class GitHubResults
{
    public const string Documentation = "https://docs.github.com/rest";

    /// <summary>GitHub writes quotes and angle brackets as they are, not as \u0027 escapes.</summary>
    public static readonly JsonSerializerOptions Output = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Json(JsonNode? body, int status = StatusCodes.Status200OK) => new JsonNodeResult(body, status);

    public static IResult NoContent() => Results.StatusCode(StatusCodes.Status204NoContent);

    public static IResult NotFound() => Error(StatusCodes.Status404NotFound, "Not Found");

    public static IResult BadCredentials() => Error(StatusCodes.Status401Unauthorized, "Bad credentials");

    public static IResult Error(int status, string message, string documentation = Documentation) =>
        Json(ErrorBody(status, message, documentation), status);

    public static JsonObject ErrorBody(int status, string message, string documentation = Documentation) => new()
    {
        ["message"] = message,
        ["documentation_url"] = documentation,
        ["status"] = status.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>422 Validation Failed with GitHub's <c>errors</c> array.</summary>
    public static IResult ValidationFailed(string documentation, params JsonObject[] errors) =>
        Json(
            new JsonObject
            {
                ["message"] = "Validation Failed",
                ["errors"] = new JsonArray([.. errors]),
                ["documentation_url"] = documentation,
                ["status"] = "422",
            },
            StatusCodes.Status422UnprocessableEntity);

    public static JsonObject FieldError(string resource, string code, string? field = null, string? message = null)
    {
        var error = new JsonObject { ["resource"] = resource, ["code"] = code };
        if (field is not null)
        {
            error["field"] = field;
        }

        if (message is not null)
        {
            error["message"] = message;
        }

        return error;
    }

    /// <summary>Reads a JSON request body; null for an empty body. Throws <see cref="JsonException"/> on bad JSON.</summary>
    public static async Task<JsonNode?> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
        }

        return buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
            ? null
            : JsonNode.Parse(buffer.ToArray());
    }

    public static IResult ProblemsParsingJson() => Error(StatusCodes.Status400BadRequest, "Problems parsing JSON");

    private sealed class JsonNodeResult(JsonNode? body, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            var bytes = Encoding.UTF8.GetBytes(body?.ToJsonString(Output) ?? "null");
            httpContext.Response.ContentLength = bytes.Length;
            await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
