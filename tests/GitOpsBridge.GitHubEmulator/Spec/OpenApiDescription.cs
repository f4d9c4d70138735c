using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace GitOpsBridge.GitHubEmulator.Spec;

/// <summary>
/// GitHub's REST description (<c>generated/api.github.com.json</c> from npm <c>@octokit/openapi</c>),
/// parsed once and indexed by path template so a request can be matched to its operation.
/// </summary>
internal sealed class OpenApiDescription
{
    /// <summary>Environment variable that names the description file directly.</summary>
    public const string PathVariable = "GITOPS_BRIDGE_OPENAPI";

    private const string RelativeToRepository = ".cache/npm/node_modules/@octokit/openapi/generated/api.github.com.json";

    private static readonly Lazy<OpenApiDescription> Shared = new(() => Load(Locate()));

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    private readonly JsonDocument _document;
    private readonly ConcurrentDictionary<string, JsonElement> _references = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PathTemplate>> _templatesByFirstSegment;

    private OpenApiDescription(JsonDocument document, string source)
    {
        _document = document;
        Source = source;
        _templatesByFirstSegment = Index(document.RootElement, this);
    }

    /// <summary>The file the description was read from.</summary>
    public string Source { get; }

    /// <summary>How long reading, parsing and indexing took.</summary>
    public TimeSpan LoadTime { get; private set; }

    public JsonElement Root => _document.RootElement;

    public int OperationCount => _templatesByFirstSegment.Values.Sum(list => list.Sum(t => t.Operations.Count));

    /// <summary>The description shared by every emulator in the process, loaded on first use.</summary>
    public static OpenApiDescription Instance => Shared.Value;

    public static bool IsLoaded => Shared.IsValueCreated;

    public static OpenApiDescription Load(string path)
    {
        var stopwatch = Stopwatch.StartNew();
        var bytes = File.ReadAllBytes(path);
        var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
        var description = new OpenApiDescription(document, path);
        description.LoadTime = stopwatch.Elapsed;
        return description;
    }

    /// <summary>
    /// Finds the description: <see cref="PathVariable"/> if set, otherwise the folder holding
    /// GitOpsBridge.sln above the running tests, where scripts/install-npm-deps.sh puts it.
    /// </summary>
    public static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new FileNotFoundException($"{PathVariable} names '{fromEnvironment}', which does not exist.", fromEnvironment);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GitOpsBridge.sln")))
            {
                var candidate = Path.Combine(directory.FullName, RelativeToRepository);
                return File.Exists(candidate)
                    ? candidate
                    : throw new FileNotFoundException(
                        $"GitHub's OpenAPI description is missing at '{candidate}'. Run scripts/install-npm-deps.sh, or set {PathVariable}.",
                        candidate);
            }
        }

        throw new FileNotFoundException(
            $"No GitOpsBridge.sln above '{AppContext.BaseDirectory}' to find GitHub's OpenAPI description from; set {PathVariable}.");
    }

    /// <summary>Finds the operation for a method and a decoded request path (without /api/v3).</summary>
    public OperationMatch? Match(string method, string path)
    {
        var segments = SplitPath(path);
        if (!_templatesByFirstSegment.TryGetValue(FirstSegment(segments), out var candidates))
        {
            return null;
        }

        PathTemplate? best = null;
        Dictionary<string, string>? bestValues = null;
        long bestScore = -1;
        foreach (var template in candidates)
        {
            if (!template.Operations.ContainsKey(method.ToLowerInvariant()))
            {
                continue;
            }

            if (template.TryMatch(segments, out var values, out var score) && score > bestScore)
            {
                best = template;
                bestValues = values;
                bestScore = score;
            }
        }

        return best is null ? null : new OperationMatch(best.Template, best.Operations[method.ToLowerInvariant()], bestValues!);
    }

    /// <summary>True when some operation has this path, whatever its method.</summary>
    public bool HasPath(string path)
    {
        var segments = SplitPath(path);
        return _templatesByFirstSegment.TryGetValue(FirstSegment(segments), out var candidates)
            && candidates.Any(t => t.TryMatch(segments, out _, out _));
    }

    /// <summary>Follows <c>$ref</c> until a schema, parameter or response that is not a reference.</summary>
    public JsonElement Resolve(JsonElement element)
    {
        for (var hops = 0; element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out var reference); hops++)
        {
            if (hops > 32)
            {
                throw new InvalidOperationException($"$ref chain too long at {reference.GetString()}");
            }

            element = ResolvePointer(reference.GetString()!);
        }

        return element;
    }

    private JsonElement ResolvePointer(string reference) =>
        _references.GetOrAdd(reference, static (pointer, root) =>
        {
            if (!pointer.StartsWith("#/", StringComparison.Ordinal))
            {
                throw new NotSupportedException($"Only local references are supported: {pointer}");
            }

            var current = root;
            foreach (var raw in pointer[2..].Split('/'))
            {
                var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (!current.TryGetProperty(token, out current))
                {
                    throw new InvalidOperationException($"Unresolvable $ref {pointer}");
                }
            }

            return current;
        }, _document.RootElement);

    /// <summary>The index key: the first segment, or empty for the root path <c>/</c>.</summary>
    private static string FirstSegment(string[] segments) => segments.Length == 0 ? string.Empty : segments[0];

    internal static string[] SplitPath(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static Dictionary<string, List<PathTemplate>> Index(JsonElement root, OpenApiDescription description)
    {
        var index = new Dictionary<string, List<PathTemplate>>(StringComparer.Ordinal);
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            var operations = new Dictionary<string, Operation>(StringComparer.Ordinal);
            var multiSegment = new HashSet<string>(StringComparer.Ordinal);
            var pathParameters = path.Value.TryGetProperty("parameters", out var shared) ? shared : default;
            foreach (var method in Methods)
            {
                if (!path.Value.TryGetProperty(method, out var operation))
                {
                    continue;
                }

                var parameters = new List<JsonElement>();
                foreach (var source in new[] { pathParameters, operation.TryGetProperty("parameters", out var own) ? own : default })
                {
                    if (source.ValueKind != JsonValueKind.Array)
                    {
                        continue;
                    }

                    foreach (var parameter in source.EnumerateArray())
                    {
                        var resolved = description.Resolve(parameter);
                        parameters.Add(resolved);
                        if (resolved.TryGetProperty("x-multi-segment", out var multi) && multi.ValueKind == JsonValueKind.True)
                        {
                            multiSegment.Add(resolved.GetProperty("name").GetString()!);
                        }
                    }
                }

                var operationId = operation.TryGetProperty("operationId", out var id) ? id.GetString()! : $"{method} {path.Name}";
                operations[method] = new Operation(operationId, method, path.Name, operation, parameters);
            }

            var template = new PathTemplate(path.Name, operations, multiSegment);
            var first = FirstSegment(SplitPath(path.Name));
            if (!index.TryGetValue(first, out var list))
            {
                index[first] = list = [];
            }

            list.Add(template);
        }

        return index;
    }
}

/// <summary>One documented operation: its id, and its parameters with <c>$ref</c> resolved.</summary>
internal sealed record Operation(string OperationId, string Method, string PathTemplate, JsonElement Element, IReadOnlyList<JsonElement> Parameters);

/// <summary>An operation matched to a request, with the path parameters' raw values.</summary>
internal sealed record OperationMatch(string PathTemplate, Operation Operation, IReadOnlyDictionary<string, string> PathValues);
