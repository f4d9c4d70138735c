using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsBridge.GitHubEmulator.GraphQl;

/// <summary>
/// GitHub's GraphQL schema (npm <c>@octokit/graphql-schema</c>, its <c>schema.json</c>) with graphql-js
/// doing the validation: <c>graphql-document.cjs</c> runs under Node, validates a document and describes
/// its operations. Each distinct document is analysed once per process (about a second of Node).
/// </summary>
public sealed class GraphQlSchema
{
    /// <summary>Environment variable naming the <c>node_modules</c> folder that holds <c>graphql</c> and <c>@octokit/graphql-schema</c>.</summary>
    public const string ModulesVariable = "GITOPS_BRIDGE_NODE_MODULES";

    private const string ModulesRelativeToRepository = ".cache/npm/node_modules";
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<GraphQlSchema> Shared = new(() => new GraphQlSchema(LocateModules()));

    private readonly ConcurrentDictionary<string, Lazy<Task<GraphQlDocument>>> _analysed = new(StringComparer.Ordinal);

    private GraphQlSchema(string modules)
    {
        Modules = modules;
        SchemaPath = Path.Combine(modules, "@octokit", "graphql-schema", "schema.json");
        Script = Path.Combine(AppContext.BaseDirectory, "GraphQl", "graphql-document.cjs");
        foreach (var required in new[] { SchemaPath, Path.Combine(modules, "graphql", "package.json"), Script })
        {
            if (!File.Exists(required))
            {
                throw new FileNotFoundException($"'{required}' is missing. Run scripts/install-npm-deps.sh, or set {ModulesVariable}.", required);
            }
        }
    }

    /// <summary>The schema shared by the process, located on first use.</summary>
    public static GraphQlSchema Instance => Shared.Value;

    /// <summary>The <c>node_modules</c> folder in use.</summary>
    public string Modules { get; }

    /// <summary>GitHub's schema as an introspection result.</summary>
    public string SchemaPath { get; }

    private string Script { get; }

    /// <summary>Validates a document and describes its operations (cached by the document's text).</summary>
    /// <param name="document">The GraphQL document.</param>
    /// <param name="cancellationToken">Stops waiting (the shared analysis goes on for the next caller).</param>
    /// <returns>The validation errors, or the operations when there are none.</returns>
    /// <exception cref="InvalidOperationException">Node failed or timed out.</exception>
    public Task<GraphQlDocument> AnalyzeAsync(string document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var analysis = _analysed.GetOrAdd(document, text => new Lazy<Task<GraphQlDocument>>(() => RunNodeAsync(text)));
        return AwaitAsync(document, analysis, cancellationToken);
    }

    private async Task<GraphQlDocument> AwaitAsync(string document, Lazy<Task<GraphQlDocument>> analysis, CancellationToken cancellationToken)
    {
        try
        {
            return await analysis.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Node failing (not the document) is not cached: the next call tries again.
            _analysed.TryRemove(KeyValuePair.Create(document, analysis));
            throw;
        }
    }

    private async Task<GraphQlDocument> RunNodeAsync(string document)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(Modules);
        start.ArgumentList.Add(SchemaPath);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("node could not be started; install Node.js (it validates GraphQL documents)", exception);
        }

        using var started = process;
        using var timeout = new CancellationTokenSource(NodeTimeout);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.WriteAsync(document.AsMemory(), timeout.Token).ConfigureAwait(false);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var text = await output.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"graphql-document.cjs exited with {process.ExitCode}: {await error.ConfigureAwait(false)}");
            }

            return GraphQlDocument.FromJson(JsonNode.Parse(text)!.AsObject());
        }
        catch (OperationCanceledException exception)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"graphql-document.cjs did not finish within {NodeTimeout.TotalSeconds} s", exception);
        }
    }

    private static string LocateModules()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(ModulesVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GitOpsBridge.sln")))
            {
                return Path.Combine(directory.FullName, ModulesRelativeToRepository);
            }
        }

        throw new DirectoryNotFoundException($"GitOpsBridge.sln not found above {AppContext.BaseDirectory}; set {ModulesVariable}.");
    }
}

/// <summary>What graphql-js made of a document.</summary>
/// <param name="Errors">Syntax and validation errors against GitHub's schema; empty when valid.</param>
/// <param name="Operations">The operations, when valid.</param>
public sealed record GraphQlDocument(IReadOnlyList<GraphQlDocumentError> Errors, IReadOnlyList<GraphQlOperation> Operations)
{
    /// <summary>True when the document is valid against the schema.</summary>
    public bool IsValid => Errors.Count == 0;

    internal static GraphQlDocument FromJson(JsonObject json) => new(
        [.. json["errors"]!.AsArray().Select(error => new GraphQlDocumentError(
            (string)error!["message"]!,
            [.. error["locations"]!.AsArray().Select(location => new GraphQlLocation((int)location!["line"]!, (int)location["column"]!))]))],
        [.. json["operations"]!.AsArray().Select(operation => new GraphQlOperation(
            (string?)operation!["name"],
            (string)operation["operation"]!,
            operation["variableDefaults"]!.AsObject(),
            Fields(operation["fields"]!.AsArray())))]);

    private static List<GraphQlField> Fields(JsonArray fields) =>
        [.. fields.Select(field => new GraphQlField(
            (string)field!["name"]!,
            (string)field["alias"]!,
            field["arguments"]!.AsObject(),
            Fields(field["selections"]!.AsArray())))];
}

/// <summary>A syntax or validation error, as graphql-js words it.</summary>
/// <param name="Message">The message, e.g. <c>Cannot query field "x" on type "PullRequest".</c></param>
/// <param name="Locations">Where in the document.</param>
public sealed record GraphQlDocumentError(string Message, IReadOnlyList<GraphQlLocation> Locations)
{
    /// <inheritdoc />
    public override string ToString() => Locations.Count == 0 ? Message : $"{Message} (at {string.Join(", ", Locations)})";
}

/// <summary>A 1-based place in a document.</summary>
/// <param name="Line">Line.</param>
/// <param name="Column">Column.</param>
public sealed record GraphQlLocation(int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>One operation of a valid document.</summary>
/// <param name="Name">Its name, if any.</param>
/// <param name="Kind"><c>query</c>, <c>mutation</c> or <c>subscription</c>.</param>
/// <param name="VariableDefaults">Default values of variables, in the argument encoding of <see cref="GraphQlField.Arguments"/>.</param>
/// <param name="Fields">The root fields.</param>
public sealed record GraphQlOperation(string? Name, string Kind, JsonObject VariableDefaults, IReadOnlyList<GraphQlField> Fields);

/// <summary>A selected field, fragments inlined.</summary>
/// <param name="Name">The schema field.</param>
/// <param name="Alias">The response key (the name when there is no alias).</param>
/// <param name="Arguments">Argument values as JSON; a variable is <c>{"$variable": "name"}</c>, an enum value its name.</param>
/// <param name="Selections">Sub-selections.</param>
public sealed record GraphQlField(string Name, string Alias, JsonObject Arguments, IReadOnlyList<GraphQlField> Selections);
