using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.GraphQl;

/// <summary>
/// <c>POST /graphql</c> (and <c>/api/graphql</c>, GitHub Enterprise Server's path): each document is
/// validated against GitHub's GraphQL schema (<see cref="GraphQlSchema"/>); a document that breaks it is
/// answered with the validation errors and recorded as a violation, like a REST request that breaks the
/// description. Valid documents may use the mutations <c>enablePullRequestAutoMerge</c> and
/// <c>disablePullRequestAutoMerge</c>; any other root field, and any field the emulator cannot resolve,
/// is answered with an error and recorded as not emulated.
/// </summary>
internal static class GraphQlApi
{
    /// <summary>GitHub's refusal when "Allow auto-merge" is off in the repository's settings.</summary>
    public const string AutoMergeNotAllowed = "Pull request Auto merge is not allowed for this repository";

    /// <summary>GitHub's error for enabling auto-merge on a pull request that can be merged right now.</summary>
    public const string CleanStatus = "Pull request Pull request is in clean status";

    /// <summary>GitHub's refusal for a pull request that cannot take auto-merge (here: one that is closed).</summary>
    public const string NotInCorrectState = "Pull request is not in the correct state to enable auto-merge";

    private const string OperationId = "graphql";
    private const string Documentation = "https://docs.github.com/graphql";

    public static void MapGraphQlApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHub(GitHubRoutes.GraphQl, Authentication.InstallationToken, HandleAsync);
        endpoints.MapMethods("/api/graphql", [HttpMethods.Post], ServeAsync).WithMetadata(new EmulatorRoute(GitHubRoutes.GraphQl, Authentication.InstallationToken));
    }

    private static async Task ServeAsync(HttpContext context) =>
        await (await HandleAsync(context).ConfigureAwait(false)).ExecuteAsync(context).ConfigureAwait(false);

    private static async Task<IResult> HandleAsync(HttpContext context)
    {
        var state = context.State();
        JsonNode? body;
        try
        {
            body = await GitHubResults.ReadJsonAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return GitHubResults.Error(StatusCodes.Status400BadRequest, "Problems parsing JSON", Documentation);
        }

        if (body?["query"] is not JsonValue queryValue || !queryValue.TryGetValue<string>(out var query))
        {
            Violate(state, context, "the request has no query string");
            return Errors(Error("A query attribute must be specified and must be a string."));
        }

        var document = await GraphQlSchema.Instance.AnalyzeAsync(query, context.RequestAborted).ConfigureAwait(false);
        if (!document.IsValid)
        {
            Violate(state, context, "the document breaks GitHub's GraphQL schema: " + string.Join("; ", document.Errors));
            return Errors([.. document.Errors.Select(error => (JsonNode)new JsonObject
            {
                ["message"] = error.Message,
                ["locations"] = new JsonArray([.. error.Locations.Select(l => (JsonNode)new JsonObject { ["line"] = l.Line, ["column"] = l.Column })]),
            })]);
        }

        var operationName = body["operationName"] is JsonValue nameValue && nameValue.TryGetValue<string>(out var name) ? name : null;
        var operation = operationName is null
            ? document.Operations.Count == 1 ? document.Operations[0] : null
            : document.Operations.FirstOrDefault(candidate => candidate.Name == operationName);
        if (operation is null)
        {
            Violate(state, context, operationName is null ? "several operations and no operationName" : $"no operation named {operationName}");
            return Errors(Error(operationName is null ? "An operation name is required" : $"No operation named \"{operationName}\""));
        }

        var variables = new JsonObject();
        foreach (var (key, value) in operation.VariableDefaults)
        {
            variables[key] = value?.DeepClone();
        }

        if (body["variables"] is JsonObject given)
        {
            foreach (var (key, value) in given)
            {
                variables[key] = value?.DeepClone();
            }
        }

        var execution = new Execution(state, context.Caller(), variables, violation => Violate(state, context, violation));
        var data = new JsonObject();
        foreach (var field in operation.Fields)
        {
            data[field.Alias] = operation.Kind == "mutation"
                ? execution.Mutate(field)
                : execution.NotEmulated([field.Alias], $"{operation.Kind} field {field.Name}");
        }

        var response = new JsonObject { ["data"] = data };
        if (execution.Errors.Count > 0)
        {
            response["errors"] = new JsonArray([.. execution.Errors]);
        }

        return GitHubResults.Json(response);
    }

    private static void Violate(EmulatorState state, HttpContext context, string message) =>
        state.RecordViolation(new SpecViolation(SpecViolationKind.Request, context.Request.Method, context.Request.Path.Value ?? "/graphql", OperationId, message));

    private static JsonObject Error(string message) => new() { ["message"] = message };

    private static IResult Errors(params JsonNode[] errors) => GitHubResults.Json(new JsonObject { ["errors"] = new JsonArray(errors) });

    /// <summary>Resolves the fields of one request against the emulator's state.</summary>
    private sealed class Execution(EmulatorState state, Caller caller, JsonObject variables, Action<string> violate)
    {
        public List<JsonNode> Errors { get; } = [];

        public JsonNode? Mutate(GraphQlField field) => field.Name switch
        {
            "enablePullRequestAutoMerge" => Enable(field),
            "disablePullRequestAutoMerge" => Disable(field),
            _ => NotEmulated([field.Alias], $"mutation {field.Name}"),
        };

        public JsonNode? NotEmulated(IReadOnlyList<string> path, string what)
        {
            violate($"the emulator does not implement {what}");
            return Fail(path, "NOT_EMULATED", $"GitHub emulator: {what} is not emulated");
        }

        private JsonObject? Enable(GraphQlField field)
        {
            var input = Value(field.Arguments["input"]) as JsonObject ?? [];
            if (FindPullRequest(field, input) is not { } pull)
            {
                return null;
            }

            var method = Text(input["mergeMethod"]) ?? "MERGE";
            if (!state.AutoMerge.Allowed(pull.Repository))
            {
                return Fail([field.Alias], "UNPROCESSABLE", AutoMergeNotAllowed);
            }

            if (pull.State != "open")
            {
                return Fail([field.Alias], "UNPROCESSABLE", NotInCorrectState);
            }

            if (state.AutoMerge.CleanStatusRule(pull.Repository) && RequiredContexts(pull).Count == 0)
            {
                return Fail([field.Alias], "UNPROCESSABLE", CleanStatus);
            }

            state.AutoMerge.Set(pull, new AutoMergeRecord(method, state.Now, Actor, Text(input["commitHeadline"]), Text(input["commitBody"]), Text(input["authorEmail"])));
            return Payload(field, input, pull);
        }

        private JsonObject? Disable(GraphQlField field)
        {
            var input = Value(field.Arguments["input"]) as JsonObject ?? [];
            if (FindPullRequest(field, input) is not { } pull)
            {
                return null;
            }

            state.AutoMerge.Set(pull, null);
            return Payload(field, input, pull);
        }

        private IReadOnlyList<string> RequiredContexts(PullRequestRecord pull)
        {
            lock (state.Sync)
            {
                return [.. state.Merging.Required(pull.Repository, pull.Base)];
            }
        }

        /// <summary>The bot of the caller's installation, as GitHub records who enabled auto-merge.</summary>
        private string Actor => caller.Token is null ? "app" : state.BotLogin;

        private PullRequestRecord? FindPullRequest(GraphQlField field, JsonObject input)
        {
            var id = Text(input["pullRequestId"]) ?? string.Empty;
            PullRequestRecord? pull = null;
            if (DecodeNodeId(id) is { } pullId)
            {
                lock (state.Sync)
                {
                    pull = state.PullRequests.FirstOrDefault(candidate => candidate.Id == pullId);
                }
            }

            // A pull request in a repository the token cannot see does not exist for it, as on GitHub.
            if (pull is null || caller.Token is null || !state.CanAccess(caller.Token, pull.Repository))
            {
                Fail([field.Alias], "NOT_FOUND", $"Could not resolve to a node with the global id of '{id}'");
                return null;
            }

            return pull;
        }

        private static long? DecodeNodeId(string id)
        {
            try
            {
                var text = Encoding.ASCII.GetString(Convert.FromBase64String(id));
                return text.StartsWith("PR_", StringComparison.Ordinal) && long.TryParse(text.AsSpan(3), out var value) ? value : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        private JsonObject Payload(GraphQlField field, JsonObject input, PullRequestRecord pull) =>
            Select(field, [field.Alias], (selection, path) => selection.Name switch
            {
                "clientMutationId" => input["clientMutationId"]?.DeepClone(),
                "pullRequest" => PullRequest(selection, path, pull),
                "actor" => ActorObject(selection, path, Actor),
                "__typename" => field.Name == "enablePullRequestAutoMerge" ? "EnablePullRequestAutoMergePayload" : "DisablePullRequestAutoMergePayload",
                _ => NotEmulated(path, $"{field.Name}.{selection.Name}"),
            });

        private JsonObject PullRequest(GraphQlField field, IReadOnlyList<string> at, PullRequestRecord pull) =>
            Select(field, at, (selection, path) => selection.Name switch
            {
                "id" => Representations.NodeId("PR_", pull.Id),
                "number" => pull.Number,
                "title" => pull.Title,
                "state" => pull.State == "open" ? "OPEN" : "CLOSED",
                "isDraft" => pull.Draft,
                "headRefName" => pull.Head,
                "baseRefName" => pull.Base,
                "url" => $"{state.ApiRoot}/{pull.Repository.FullName}/pull/{pull.Number}",
                "autoMergeRequest" => state.AutoMerge.Get(pull) is { } request ? AutoMergeRequest(selection, path, pull, request) : null,
                "__typename" => "PullRequest",
                _ => NotEmulated(path, $"PullRequest.{selection.Name}"),
            });

        private JsonObject AutoMergeRequest(GraphQlField field, IReadOnlyList<string> at, PullRequestRecord pull, AutoMergeRecord request) =>
            Select(field, at, (selection, path) => selection.Name switch
            {
                "mergeMethod" => request.MergeMethod,
                "enabledAt" => Representations.Timestamp(request.EnabledAt),
                "enabledBy" => ActorObject(selection, path, request.EnabledBy),
                "commitHeadline" => request.CommitHeadline,
                "commitBody" => request.CommitBody,
                "authorEmail" => request.AuthorEmail,
                "pullRequest" => PullRequest(selection, path, pull),
                "__typename" => "AutoMergeRequest",
                _ => NotEmulated(path, $"AutoMergeRequest.{selection.Name}"),
            });

        private JsonObject ActorObject(GraphQlField field, IReadOnlyList<string> at, string login) =>
            Select(field, at, (selection, path) => selection.Name switch
            {
                "login" => login,
                "__typename" => login.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User",
                "url" => $"{state.ApiRoot}/{login}",
                _ => NotEmulated(path, $"Actor.{selection.Name}"),
            });

        private static JsonObject Select(GraphQlField field, IReadOnlyList<string> at, Func<GraphQlField, IReadOnlyList<string>, JsonNode?> resolve)
        {
            var result = new JsonObject();
            foreach (var selection in field.Selections)
            {
                result[selection.Alias] = resolve(selection, [.. at, selection.Alias]);
            }

            return result;
        }

        private JsonObject? Fail(IReadOnlyList<string> path, string type, string message)
        {
            Errors.Add(new JsonObject
            {
                ["type"] = type,
                ["path"] = new JsonArray([.. path.Select(segment => (JsonNode)segment)]),
                ["message"] = message,
            });
            return null;
        }

        /// <summary>An argument value with its variables put in.</summary>
        private JsonNode? Value(JsonNode? node) => node switch
        {
            JsonObject { Count: 1 } reference when reference["$variable"] is JsonValue variable => variables[variable.GetValue<string>()]?.DeepClone(),
            JsonObject map => new JsonObject([.. map.Select(entry => KeyValuePair.Create(entry.Key, Value(entry.Value)))]),
            JsonArray list => new JsonArray([.. list.Select(Value)]),
            _ => node?.DeepClone(),
        };

        private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }
}
