using System.Text.Json;

namespace GitOpsBridge.Deploy.Tests.Azure;

/// <summary>infra/ compiles and lints cleanly with the real Bicep CLI, and says what it should.</summary>
public sealed class BicepTests
{
    private static readonly Lazy<Task<JsonObject>> MainTemplate = new(BuildMainAsync);

    public static readonly TheoryData<string> BicepFiles = new(
        Directory.EnumerateFiles(RepositoryPaths.Infra, "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryPaths.Infra, f))
            .Order(StringComparer.Ordinal));

    public static readonly TheoryData<string> Environments = new("dev", "prod");

    [Fact]
    public async Task Build_Main_CompilesWithoutDiagnostics()
    {
        var template = await MainTemplate.Value;

        Assert.Equal("https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", (string)template["$schema"]!);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Lint_EveryFile_IsClean(string file)
    {
        var result = await BicepCli.RunAsync(RepositoryPaths.Infra, ["lint", file]);

        Assert.True(BicepCli.IsClean(result), result.Output);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task BuildParams_EachEnvironment_CompilesWithSecretsFromTheEnvironment(string environment)
    {
        using var temp = new TempDirectory();
        var output = Path.Combine(temp.Path, $"{environment}.parameters.json");
        var file = Path.Combine("parameters", $"{environment}.bicepparam");

        var lint = await BicepCli.RunAsync(RepositoryPaths.Infra, ["lint", file], BicepCli.ParameterEnvironment);
        var build = await BicepCli.RunAsync(RepositoryPaths.Infra, ["build-params", file, "--outfile", output], BicepCli.ParameterEnvironment);

        Assert.True(BicepCli.IsClean(lint), lint.Output);
        Assert.True(BicepCli.IsClean(build), build.Output);
        var parameters = JsonNode.Parse(await File.ReadAllTextAsync(output))!["parameters"]!;
        Assert.Equal(BicepCli.ParameterEnvironment["GITOPS_BRIDGE_GITHUB_PRIVATE_KEY"], (string)parameters["githubPrivateKey"]!["value"]!);
        Assert.Equal(BicepCli.ParameterEnvironment["GITOPS_BRIDGE_GITHUB_WEBHOOK_SECRET"], (string)parameters["githubWebhookSecret"]!["value"]!);
        Assert.Equal(environment == "prod", (bool)parameters["deployPostgres"]!["value"]!);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task BuildParams_SecretsMissingFromTheEnvironment_Fails(string environment)
    {
        using var temp = new TempDirectory();
        var unset = BicepCli.ParameterEnvironment.ToDictionary(kv => kv.Key, _ => (string?)null);
        var file = Path.Combine("parameters", $"{environment}.bicepparam");

        var result = await BicepCli.RunAsync(RepositoryPaths.Infra, ["build-params", file, "--outfile", Path.Combine(temp.Path, "p.json")], unset);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("GITOPS_BRIDGE_GITHUB_PRIVATE_KEY\" does not exist", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_UnusedParameter_Fails()
    {
        using var temp = new TempDirectory();
        temp.CopyFrom(RepositoryPaths.Infra);
        await File.AppendAllTextAsync(Path.Combine(temp.Path, "main.bicep"), "\nparam leftOver string = 'unused'\n");

        var result = await BicepCli.RunAsync(temp.Path, ["lint", "main.bicep"]);

        Assert.False(BicepCli.IsClean(result));
        Assert.Contains("no-unused-params", result.Output, StringComparison.Ordinal);
        // bicepconfig.json makes it an error, so the exit code fails a pipeline too.
        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public void Config_EveryLinterRule_IsAnError()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Infra, "bicepconfig.json")))!;
        var rules = config["analyzers"]!["core"]!["rules"]!.AsObject();

        Assert.True((bool)config["analyzers"]!["core"]!["enabled"]!);
        Assert.Contains("no-unused-params", rules.Select(r => r.Key));
        Assert.All(rules, r => Assert.Equal("error", (string)r.Value!["level"]!));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Sources_EveryFile_UsesNoRegistryModule(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Infra, file));

        Assert.DoesNotContain("'br:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("'br/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("'ts:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_Main_SecretsAreSecureParametersWithoutValues()
    {
        var parameters = (await MainTemplate.Value)["parameters"]!.AsObject();

        string[] secrets = ["githubPrivateKey", "githubWebhookSecret", "postgresAdministratorPassword", "acrWebhookAuthorization"];
        Assert.All(secrets, name =>
        {
            Assert.Equal("securestring", (string)parameters[name]!["type"]!);
            Assert.True(parameters[name]!["defaultValue"] is null || (string)parameters[name]!["defaultValue"]! == "");
        });
        Assert.All(parameters.Where(p => !secrets.Contains(p.Key)), p => Assert.NotEqual("securestring", (string)p.Value!["type"]!));
    }

    [Fact]
    public async Task Build_Main_KeyVaultInRbacModeReadByTheAppIdentity()
    {
        var template = await MainTemplate.Value;
        var resources = Resources(template);

        var vault = resources.Single(r => (string)r["type"]! == "Microsoft.KeyVault/vaults");
        Assert.True((bool)vault["properties"]!["enableRbacAuthorization"]!);
        var secretNames = resources.Where(r => (string)r["type"]! == "Microsoft.KeyVault/vaults/secrets").Select(r => (string)r["name"]!).ToList();
        Assert.Contains(secretNames, n => n.Contains("github-private-key", StringComparison.Ordinal));
        Assert.Contains(secretNames, n => n.Contains("github-webhook-secret", StringComparison.Ordinal));

        // Key Vault Secrets User: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-secrets-user
        var role = resources.Single(r => (string)r["type"]! == "Microsoft.Authorization/roleAssignments");
        Assert.Equal("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('keyVaultSecretsUserRoleId'))]", (string)role["properties"]!["roleDefinitionId"]!);
        Assert.Equal("4633458b-17de-408a-b874-0445c86b69e6", (string)template["variables"]!["keyVaultSecretsUserRoleId"]!);
        Assert.Contains("Microsoft.KeyVault/vaults", (string)role["scope"]!, StringComparison.Ordinal);
        Assert.Contains("userAssignedIdentities", (string)role["properties"]!["principalId"]!, StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", (string)role["properties"]!["principalType"]!);
    }

    [Fact]
    public async Task Build_Main_ContainerAppRunsTheBridgeOnPort8080WithKeyVaultReferences()
    {
        var template = await MainTemplate.Value;
        var app = Resources(template).Single(r => (string)r["type"]! == "Microsoft.App/containerApps");
        var text = Text(app);

        Assert.Equal(8080, (int)app["properties"]!["configuration"]!["ingress"]!["targetPort"]!);
        Assert.Contains("UserAssigned", (string)app["identity"]!["type"]!, StringComparison.Ordinal);
        var container = Assert.Single(app["properties"]!["template"]!["containers"]!.AsArray())!;
        var probes = container["probes"]!.AsArray().ToDictionary(p => (string)p!["type"]!, p => (string)p!["httpGet"]!["path"]!);
        Assert.Equal("/healthz", probes["Liveness"]);
        Assert.Equal("/readyz", probes["Readiness"]);
        // Secrets are Key Vault references resolved with the identity, never inline values.
        Assert.Contains("keyVaultUrl", text, StringComparison.Ordinal);
        Assert.Contains("'github-webhook-secret'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("parameters('githubWebhookSecret')", text, StringComparison.Ordinal);
        Assert.DoesNotContain("parameters('githubPrivateKey')", text, StringComparison.Ordinal);
        foreach (var key in new[] { "GitHub__AppId", "GitHub__PrivateKeyPath", "GitHub__WebhookSecret" })
        {
            Assert.Contains($"'{key}'", text, StringComparison.Ordinal);
        }

        // The storage and telemetry settings depend on parameters, so they are template variables.
        var variables = Text(template["variables"]!);
        Assert.Contains("'Storage__Provider', 'value', 'postgres'", variables, StringComparison.Ordinal);
        Assert.Contains("'Storage__ConnectionString', 'secretRef', 'storage-connection-string'", variables, StringComparison.Ordinal);
        Assert.Contains("'OTEL_EXPORTER_OTLP_ENDPOINT'", variables, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_Main_PostgresAndAcrWebhookAreOptional()
    {
        var resources = Resources(await MainTemplate.Value);
        var deployments = resources.Where(r => (string)r["type"]! == "Microsoft.Resources/deployments").ToList();

        var postgres = deployments.Single(d => Text(d).Contains("Microsoft.DBforPostgreSQL/flexibleServers", StringComparison.Ordinal));
        Assert.Equal("[parameters('deployPostgres')]", (string)postgres["condition"]!);

        var webhookDeployment = deployments.Single(d => Text(d).Contains("Microsoft.ContainerRegistry/registries/webhooks", StringComparison.Ordinal));
        Assert.Equal("[not(empty(parameters('acrName')))]", (string)webhookDeployment["condition"]!);
        var passed = webhookDeployment["properties"]!["parameters"]!;
        Assert.Contains("/api/registries/acr", (string)passed["serviceUri"]!["value"]!, StringComparison.Ordinal);
        Assert.Equal("[parameters('acrWebhookAuthorization')]", (string)passed["authorization"]!["value"]!);
        var webhook = Resources(webhookDeployment["properties"]!["template"]!.AsObject()).Single(r => (string)r["type"]! == "Microsoft.ContainerRegistry/registries/webhooks");
        Assert.Equal("[parameters('authorization')]", (string)webhook["properties"]!["customHeaders"]!["Authorization"]!);
        Assert.Equal(["push"], webhook["properties"]!["actions"]!.AsArray().Select(a => (string)a!));
    }

    private static async Task<JsonObject> BuildMainAsync()
    {
        using var temp = new TempDirectory();
        var output = Path.Combine(temp.Path, "main.json");

        var result = await BicepCli.RunAsync(RepositoryPaths.Infra, ["build", "main.bicep", "--outfile", output]);

        Assert.True(BicepCli.IsClean(result), result.Output);
        return JsonNode.Parse(await File.ReadAllTextAsync(output))!.AsObject();
    }

    // Bicep emits resources as an array, or as an object keyed by symbolic name (languageVersion 2.0).
    private static List<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.Select(r => r!.AsObject()).ToList(),
        JsonObject map => map.Select(kv => kv.Value!.AsObject()).ToList(),
        _ => throw new JsonException("template has no resources"),
    };

    // ARM expressions quote with ', which the default encoder would escape.
    private static string Text(JsonNode node) =>
        node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
