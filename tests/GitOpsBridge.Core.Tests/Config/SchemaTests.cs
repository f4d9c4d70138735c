using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.Core.Config;
using Json.Schema;

namespace GitOpsBridge.Core.Tests.Config;

/// <summary>
/// schemas/gitops-bridge.schema.json (embedded in the core assembly) and <see cref="ConfigParser"/> must
/// agree: every valid sample passes both, every structurally invalid sample fails both.
/// </summary>
public sealed class SchemaTests
{
    private const string ImageHeader = "version: 1\nimages:\n  api:\n    repository: ghcr.io/acme/api\n";
    private const string EnvironmentHeader = "version: 1\nimages:\n  api: { repository: ghcr.io/acme/api }\nenvironments:\n  dev:\n";

    private static readonly Lazy<string> SchemaText = new(() =>
    {
        using var stream = typeof(ConfigParser).Assembly.GetManifestResourceStream("gitops-bridge.schema.json")
            ?? throw new InvalidOperationException("The schema is not embedded in the core assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    // JsonSchema.Net registers a schema by $id globally; build it once per test run.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(SchemaText.Value));

    public static TheoryData<string> ValidSamples() =>
    [
        "version: 1\n",
        "version: 1\ndiscover: false\nimages: {}\nenvironments: {}\n",
        ImageHeader + "    policy: { semver: \"^1.4\", prerelease: false }\n    digest: keep\n",
        ImageHeader + "    policy: { pattern: '^main-(?<n>\\d+)$', extract: n, order: numerical }\n",
        ImageHeader + "    policy: { pattern: '^\\d{14}$', extract: null, order: alphabetical }\n",
        ImageHeader + "    policy: { any: true }\n    digest: only\n",
        ImageHeader + "    policy: null\n    fluxPolicy: null\n    ci: null\n",
        ImageHeader + "    fluxPolicy: \"flux-system:api\"\n    sources: [github]\n",
        ImageHeader + "    ci: { repository: acme/api, workflow: null, branches: [], tag: \"{branch}-{run}\", verify: false }\n",
        EnvironmentHeader + "    branch: null\n    promoteFrom: null\n    soak: null\n    batchWindow: null\n",
        EnvironmentHeader + "    files: [{ path: a.yaml, helm: { image: api, path: image } }]\n",
        EnvironmentHeader + "    files: [{ path: a.yaml, helm: { image: api, digest: image.digest } }]\n",
        EnvironmentHeader + "    files: [{ path: ./a//b.yaml, kustomize: { image: api, name: api } }]\n",
        EnvironmentHeader + "    files: [{ path: a.yaml, manifest: { image: api, container: web } }, { path: b.yaml, image: api }]\n",
        EnvironmentHeader + "    pullRequest: true\n",
        EnvironmentHeader + "    pullRequest: false\n    commit: api\n",
        EnvironmentHeader + "    pullRequest: { autoMerge: null, draft: true, minApprovals: 100 }\n",
        EnvironmentHeader + "    pullRequest: { autoMerge: rebase, draft: false, labels: [a, b], reviewers: [alice, acme/sre] }\n",
        EnvironmentHeader + "    freeze: [{}, { days: [mon], start: \"9:00\", end: \"24:00\", timeZone: UTC }]\n",
        EnvironmentHeader + "    branch: main\n  prod:\n    promoteFrom: dev\n    soak: 1d12h\n    batchWindow: 0s\n",
        EnvironmentHeader + "    files: [{ path: a.yaml, image: api }]\n    pin: { api: v1.2.3_hotfix-1 }\n",
        EnvironmentHeader + "    pin: null\n",
        EnvironmentHeader + "    deploymentEnvironment: dev-eu\n  prod:\n    promoteFrom: dev\n    requireDeployment: true\n    deploymentEnvironment: null\n",
    ];

    public static TheoryData<string, string> InvalidSamples() => new()
    {
        { "version: 2\n", "unsupported version" },
        { "version: \"1\"\n", "version: expected 1" },
        { "discover: true\n", "missing required key \"version\"" },
        { "version: 1\nimagess: {}\n", "unknown key \"imagess\"" },
        { "version: 1\ndiscover: yes\n", "discover: expected true or false" },
        { "version: 1\nimages: []\n", "images: expected a mapping" },
        { "version: 1\nimages:\n  Api: { repository: x/y }\n", "invalid image alias" },
        { "version: 1\nimages:\n  api: {}\n", "missing required key \"repository\"" },
        { ImageHeader + "    tag: latest\n", "unknown key \"tag\" in images.api" },
        { ImageHeader + "    digest: pinned\n", "expected one of keep, pin, only" },
        { ImageHeader + "    digest: null\n", "expected one of keep, pin, only" },
        { "version: 1\nimages:\n  api: { repository: \"ghcr.io/acme/api:1\" }\n", "includes a tag" },
        { "version: 1\nimages:\n  api: { repository: \"ghcr.io/Acme/api\" }\n", "lower-case" },
        { "version: 1\nimages:\n  api: { repository: 42 }\n", "expected a string" },
        { ImageHeader + "    policy: {}\n", "set one of semver, pattern or any" },
        { ImageHeader + "    policy: { semver: \"^1\", any: true }\n", "cannot be combined" },
        { ImageHeader + "    policy: { semver: 1 }\n", "expected a string" },
        { ImageHeader + "    policy: { pattern: '^v' }\n", "missing required key \"order\"" },
        { ImageHeader + "    policy: { pattern: '^v', order: newest }\n", "expected one of numerical, alphabetical" },
        { ImageHeader + "    policy: { any: false }\n", "must be true" },
        { ImageHeader + "    policy: { any: true, prerelease: true }\n", "only allowed together with semver" },
        { ImageHeader + "    policy: semver\n", "expected a mapping" },
        { ImageHeader + "    fluxPolicy: api\n", "expected namespace:name" },
        { ImageHeader + "    sources: []\n", "must not be an empty list" },
        { ImageHeader + "    sources: github\n", "expected a list" },
        { ImageHeader + "    sources: [github, github]\n", "duplicate entry" },
        { ImageHeader + "    ci: { repository: acme/api }\n", "missing required key \"tag\"" },
        { ImageHeader + "    ci: { repository: acme//api, tag: x }\n", "expected owner/name" },
        { ImageHeader + "    ci: { repository: acme/api, tag: \"{foo}\" }\n", "unknown placeholder" },
        { ImageHeader + "    ci: { repository: acme/api, tag: \"a b\" }\n", "cannot appear in an image tag" },
        { ImageHeader + "    ci: { repository: acme/api, tag: x, verify: \"false\" }\n", "expected true or false" },
        { ImageHeader + "    ci: { repository: acme/api, tag: x, branches: [\"a..b\"] }\n", "not a valid branch name" },
        { ImageHeader + "    ci: { repository: acme/api, tag: x, trigger: push }\n", "unknown key \"trigger\"" },
        { "version: 1\nenvironments: []\n", "environments: expected a mapping" },
        { "version: 1\nenvironments:\n  Dev: {}\n", "invalid environment name" },
        { "version: 1\nenvironments:\n  dev: main\n", "expected a mapping" },
        { EnvironmentHeader + "    brnach: main\n", "did you mean \"branch\"" },
        { EnvironmentHeader + "    branch: \"a..b\"\n", "not a valid branch name" },
        { EnvironmentHeader + "    commit: svn\n", "expected one of git, api" },
        { EnvironmentHeader + "    soak: 30m\n", "only allowed together with promoteFrom" },
        { EnvironmentHeader + "    requireDeployment: true\n", "only allowed together with promoteFrom" },
        { EnvironmentHeader + "    deploymentEnvironment: \"\"\n", "deploymentEnvironment: must not be empty" },
        { EnvironmentHeader + "    batchWindow: 30\n", "expected a duration" },
        { EnvironmentHeader + "    batchWindow: 30min\n", "expected a duration" },
        { EnvironmentHeader + "    files: { path: a.yaml }\n", "expected a list of file targets" },
        { EnvironmentHeader + "    files: [{ image: api }]\n", "missing required key \"path\"" },
        { EnvironmentHeader + "    files: [{ path: a.yaml }]\n", "set one of helm, kustomize, manifest or image" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, image: api, manifest: { image: api } }]\n", "cannot be combined" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, image: api, kind: auto }]\n", "unknown key \"kind\"" },
        { EnvironmentHeader + "    files: [{ path: /a.yaml, image: api }]\n", "is absolute" },
        { EnvironmentHeader + "    files: [{ path: ../a.yaml, image: api }]\n", "'..' segment" },
        { EnvironmentHeader + "    files: [{ path: .git/config, image: api }]\n", "points into .git" },
        { EnvironmentHeader + "    files: [{ path: 'a\\b.yaml', image: api }]\n", "backslash" },
        { EnvironmentHeader + "    files: [{ path: envs/, image: api }]\n", "ends with '/'" },
        { EnvironmentHeader + "    files: [{ path: \"C:/a.yaml\", image: api }]\n", "absolute" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, helm: { image: api } }]\n", "set path" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, helm: { image: api, repository: image.repository } }]\n", "set path" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, helm: { image: api, path: image, tag: image.tag } }]\n", "cannot be combined" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, helm: { path: image } }]\n", "missing required key \"image\"" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, helm: { image: api, tag: \"image..tag\" } }]\n", "invalid YAML path" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, kustomize: { image: api, name: \"api:1\" } }]\n", "without tag or digest" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, manifest: { image: api, container: Web } }]\n", "expected a container name" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, image: Api }]\n", "unknown image" },
        { EnvironmentHeader + "    freeze: { days: [sat] }\n", "expected a list of freeze windows" },
        { EnvironmentHeader + "    freeze: [{ days: [] }]\n", "must not be an empty list" },
        { EnvironmentHeader + "    freeze: [{ days: [saturday] }]\n", "expected one of mon" },
        { EnvironmentHeader + "    freeze: [{ days: [sat, sat] }]\n", "duplicate entry" },
        { EnvironmentHeader + "    freeze: [{ start: \"25:00\" }]\n", "expected a time HH:MM" },
        { EnvironmentHeader + "    freeze: [{ timeZone: \"Europe Berlin\" }]\n", "expected an IANA time zone" },
        { EnvironmentHeader + "    freeze: [{ from: \"08:00\" }]\n", "unknown key \"from\"" },
        { EnvironmentHeader + "    pullRequest: null\n", "expected false, true or a mapping" },
        { EnvironmentHeader + "    pullRequest: { autoMerge: yes }\n", "expected one of merge, squash, rebase" },
        { EnvironmentHeader + "    pullRequest: { autoMerge: squash, draft: true }\n", "cannot be combined with draft: true" },
        { EnvironmentHeader + "    pullRequest: { labels: env }\n", "expected a list" },
        { EnvironmentHeader + "    pullRequest: { labels: [\"\"] }\n", "must not be empty" },
        { EnvironmentHeader + $"    pullRequest: {{ labels: [{new string('x', 51)}] }}\n", "longer than GitHub's 50" },
        { EnvironmentHeader + "    pullRequest: { reviewers: [\"@alice\"] }\n", "without '@'" },
        { EnvironmentHeader + "    pullRequest: { reviewers: [alice, alice] }\n", "duplicate entry" },
        { EnvironmentHeader + "    pullRequest: { minApprovals: -1 }\n", "from 0 to 100" },
        { EnvironmentHeader + "    pullRequest: { minApprovals: 101 }\n", "from 0 to 100" },
        { EnvironmentHeader + "    pullRequest: { minApprovals: \"1\" }\n", "from 0 to 100" },
        { EnvironmentHeader + "    pullRequest: { assignees: [alice] }\n", "unknown key \"assignees\"" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, image: api }]\n    pin: [api]\n", "pin: expected a mapping" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, image: api }]\n    pin: { api: 1 }\n", "expected a string" },
        { EnvironmentHeader + "    files: [{ path: a.yaml, image: api }]\n    pin: { api: \"1.2:3\" }\n", "is not a version" },
    };

    [Fact]
    public void Schema_IsEmbeddedAndValidAgainstDraft202012()
    {
        using var document = JsonDocument.Parse(SchemaText.Value);

        var result = MetaSchemas.Draft202012.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", document.RootElement.GetProperty("$schema").GetString());
        Assert.Equal("https://gitops-bridge.dev/schemas/gitops-bridge.schema.json", document.RootElement.GetProperty("$id").GetString());
    }

    [Theory]
    [MemberData(nameof(ConfigTestFiles.ExampleNames), MemberType = typeof(ConfigTestFiles))]
    public void Example_PassesSchemaAndParser(string name)
    {
        AssertValidForBoth(ConfigTestFiles.Example(name));
    }

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void ValidSample_PassesSchemaAndParser(string yaml)
    {
        AssertValidForBoth(yaml);
    }

    [Theory]
    [MemberData(nameof(InvalidSamples))]
    public void InvalidSample_FailsSchemaAndParser(string yaml, string parserMessage)
    {
        var result = Evaluate(yaml);
        var errors = ConfigParser.Validate(yaml);

        Assert.False(result.IsValid, "The schema accepts what the parser rejects: " + string.Join("; ", errors));
        Assert.Contains(errors, error => error.Message.Contains(parserMessage, StringComparison.Ordinal));
    }

    /// <summary>Every complete example (a yaml block with "version: 1") in docs/configuration.md is valid.</summary>
    [Fact]
    public void ConfigurationReference_CompleteExamples_PassSchemaAndParser()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "docs", "configuration.md")))
        {
            directory = directory.Parent;
        }

        Assert.True(directory is not null, "docs/configuration.md not found above " + AppContext.BaseDirectory);
        var markdown = File.ReadAllText(Path.Combine(directory.FullName, "docs", "configuration.md"));
        var blocks = markdown.Split("```yaml\n").Skip(1).Select(block => block[..block.IndexOf("```", StringComparison.Ordinal)]);
        var complete = blocks.Where(block => block.Split('\n').Contains("version: 1")).ToList();

        Assert.NotEmpty(complete);
        Assert.All(complete, AssertValidForBoth);
    }

    /// <summary>The patterns are duplicated in the schema; they must be the same text as the parser's.</summary>
    [Theory]
    [InlineData("/properties/images/propertyNames/pattern", ConfigSyntax.AliasPattern)]
    [InlineData("/properties/environments/propertyNames/pattern", ConfigSyntax.NamePattern)]
    [InlineData("/$defs/image/properties/repository/pattern", ConfigSyntax.RepositoryPattern)]
    [InlineData("/$defs/image/properties/fluxPolicy/pattern", ConfigSyntax.FluxPolicyPattern)]
    [InlineData("/$defs/image/properties/sources/items/pattern", ConfigSyntax.NamePattern)]
    [InlineData("/$defs/ci/properties/repository/pattern", ConfigSyntax.CiRepositoryPattern)]
    [InlineData("/$defs/ci/properties/branches/items/pattern", ConfigSyntax.BranchPattern)]
    [InlineData("/$defs/ci/properties/tag/pattern", ConfigSyntax.TagTemplatePattern)]
    [InlineData("/$defs/environment/properties/branch/pattern", ConfigSyntax.BranchPattern)]
    [InlineData("/$defs/environment/properties/promoteFrom/pattern", ConfigSyntax.NamePattern)]
    [InlineData("/$defs/environment/properties/soak/pattern", ConfigSyntax.DurationPattern)]
    [InlineData("/$defs/environment/properties/batchWindow/pattern", ConfigSyntax.DurationPattern)]
    [InlineData("/$defs/fileTarget/properties/image/pattern", ConfigSyntax.AliasPattern)]
    [InlineData("/$defs/helmTarget/properties/image/pattern", ConfigSyntax.AliasPattern)]
    [InlineData("/$defs/kustomizeTarget/properties/name/pattern", ConfigSyntax.KustomizeNamePattern)]
    [InlineData("/$defs/manifestTarget/properties/container/pattern", ConfigSyntax.ContainerPattern)]
    [InlineData("/$defs/yamlPath/pattern", ConfigSyntax.YamlPathPattern)]
    [InlineData("/$defs/freezeWindow/properties/start/pattern", ConfigSyntax.TimeOfDayPattern)]
    [InlineData("/$defs/freezeWindow/properties/end/pattern", ConfigSyntax.TimeOfDayPattern)]
    [InlineData("/$defs/freezeWindow/properties/timeZone/pattern", ConfigSyntax.TimeZonePattern)]
    [InlineData("/$defs/pullRequest/properties/reviewers/items/pattern", ConfigSyntax.ReviewerPattern)]
    public void SchemaPattern_EqualsParserPattern(string pointer, string pattern)
    {
        Assert.Equal(pattern, Select(pointer)?.GetValue<string>());
    }

    [Theory]
    [InlineData("/$defs/image/properties/repository/maxLength", ConfigSyntax.RepositoryMaxLength)]
    [InlineData("/$defs/pullRequest/properties/labels/items/maxLength", ConfigSyntax.LabelMaxLength)]
    [InlineData("/$defs/pullRequest/properties/minApprovals/maximum", ConfigSyntax.MaxApprovals)]
    public void SchemaLimit_EqualsParserLimit(string pointer, int limit)
    {
        Assert.Equal(limit, Select(pointer)?.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(RepositoryPathSamples))]
    public void SchemaPathPattern_AgreesWithRepositoryPaths(string path)
    {
        var accepted = RepositoryPaths.TryNormalize(path, out _, out var error);
        var yaml = $"{EnvironmentHeader}    files: [{{ path: {JsonSerializer.Serialize(path)}, image: api }}]\n";

        Assert.True(accepted == Evaluate(yaml).IsValid, $"RepositoryPaths says {(accepted ? "valid" : error)}, the schema disagrees");
    }

    public static TheoryData<string> RepositoryPathSamples() =>
    [
        "envs/dev/values.yaml", "./envs/dev/values.yaml", "a//b.yaml", ".argocd-source-api.yaml", ".github/x.yml", "a..b.yaml", ".gitignore", "dév.yaml", "ab:c.yaml",
        "", " ", "/a.yaml", "\\a.yaml", "\\\\server\\x", "C:\\a.yaml", "C:/a.yaml", "c:a.yaml", "a\\b.yaml", "..", "../a.yaml", "a/../b.yaml", "a/..",
        ".git", ".git/config", ".Git/config", "a/.git/config", "envs/", ".", "./", "a\u0000b", "a\tb.yaml", "a\u0085b",
    ];

    /// <summary>Editors complete from descriptions and defaults: every key documents itself.</summary>
    [Fact]
    public void SchemaProperties_HaveDescriptionsAndDefaults()
    {
        // Required keys have no default; these optional keys have a default that depends on other values.
        string[] computedDefaults = ["/$defs/image/properties/sources", "/$defs/kustomizeTarget/properties/name", "/$defs/manifestTarget/properties/container"];
        var missing = new List<string>();
        var root = JsonNode.Parse(SchemaText.Value)!.AsObject();
        foreach (var (pointer, owner) in ObjectsWithProperties(root, string.Empty))
        {
            var required = owner["required"]?.AsArray().Select(item => item!.GetValue<string>()).ToHashSet() ?? [];
            foreach (var (key, property) in owner["properties"]!.AsObject())
            {
                var path = $"{pointer}/properties/{key}";
                var target = property!["$ref"] is { } reference ? Select(reference.GetValue<string>()[1..])! : property;
                if (property["description"] is null && target["description"] is null)
                {
                    missing.Add(path + ": description");
                }

                // Keys of a "one of these" object (file target kinds, helm forms) have no default either.
                if (!required.Contains(key) && !property.AsObject().ContainsKey("default") && !computedDefaults.Contains(path) && owner["oneOf"] is null)
                {
                    missing.Add(path + ": default");
                }
            }
        }

        Assert.Empty(missing);
    }

    private static IEnumerable<(string Pointer, JsonObject Owner)> ObjectsWithProperties(JsonNode node, string pointer)
    {
        if (node is JsonObject obj)
        {
            if (obj["properties"] is JsonObject && obj["additionalProperties"] is JsonValue additional)
            {
                Assert.False(additional.GetValue<bool>(), pointer);
                yield return (pointer, obj);
            }
            else if (obj["properties"] is JsonObject)
            {
                Assert.Fail($"{pointer} has properties but not additionalProperties: false");
            }

            foreach (var (key, child) in obj)
            {
                // Conditions (if/then/not) constrain objects defined elsewhere; they define no keys.
                if (child is not null && key is not ("properties" or "if" or "then" or "else" or "not"))
                {
                    foreach (var found in ObjectsWithProperties(child, $"{pointer}/{key}"))
                    {
                        yield return found;
                    }
                }
            }

            if (obj["properties"] is JsonObject properties)
            {
                foreach (var (key, child) in properties)
                {
                    foreach (var found in ObjectsWithProperties(child!, $"{pointer}/properties/{key}"))
                    {
                        yield return found;
                    }
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var index = 0; index < array.Count; index++)
            {
                foreach (var found in ObjectsWithProperties(array[index]!, $"{pointer}/{index}"))
                {
                    yield return found;
                }
            }
        }
    }

    private static void AssertValidForBoth(string yaml)
    {
        var errors = ConfigParser.Validate(yaml);
        Assert.True(errors.Count == 0, "Parser: " + string.Join(Environment.NewLine, errors));
        var result = Evaluate(yaml);
        Assert.True(result.IsValid, "Schema: " + Describe(result));
    }

    private static EvaluationResults Evaluate(string yaml) =>
        Schema.Value.Evaluate(YamlJson.ToJson(yaml), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static JsonNode? Select(string pointer)
    {
        JsonNode? node = JsonNode.Parse(SchemaText.Value);
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonArray array ? array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)] : node?[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return node;
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(detail => detail.Errors is not null).SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation} {error.Key}: {error.Value}")));
}
