using System.Text.RegularExpressions;

namespace GitOpsBridge.Deploy.Tests.Container;

/// <summary>
/// The two ways to build the image (the Dockerfile, and the SDK's `dotnet publish -t:PublishContainer`)
/// agree with each other and with the Kubernetes manifests on port, user and command. Neither
/// image can be built here (no Docker engine, no base-image registry), but the SDK's own
/// ComputeContainerConfig target evaluates the container settings offline.
/// </summary>
public sealed partial class ContainerImageTests
{
    private const string AppUid = "1654";

    private static readonly Lazy<Task<JsonObject>> SdkConfig = new(ComputeSdkConfigAsync);

    [Fact]
    public async Task SdkContainer_PortAndUser_MatchTheDockerfile()
    {
        var config = await SdkConfig.Value;
        var dockerfile = await ReadDockerfileAsync();

        var port = Assert.Single(config["Items"]!["ContainerPort"]!.AsArray())!;
        Assert.Equal(DockerInstruction(dockerfile, "EXPOSE"), (string)port["Identity"]!);
        Assert.Equal("tcp", (string)port["Type"]!);
        Assert.Equal(AppUid, (string)config["Properties"]!["ContainerUser"]!);
        // The Dockerfile says $APP_UID, which the ASP.NET runtime image defines as 1654.
        Assert.Equal("$APP_UID", DockerInstruction(dockerfile, "USER"));
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", (string)config["Properties"]!["ContainerBaseImage"]!);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SdkContainer_Command_RunsServeLikeTheDockerfile()
    {
        var config = await SdkConfig.Value;
        var dockerfile = await ReadDockerfileAsync();

        var command = config["Items"]!["ContainerAppCommand"]!.AsArray().Select(i => (string)i!["Identity"]!).ToList();
        var args = config["Items"]!["ContainerAppCommandArgs"]!.AsArray().Select(i => (string)i!["Identity"]!).ToList();
        Assert.Equal(["dotnet", "/app/gitops-bridge.dll"], command);
        Assert.Equal(["serve"], args);
        Assert.Equal("""["/app/gitops-bridge", "serve"]""", DockerInstruction(dockerfile, "ENTRYPOINT"));
    }

    [Fact]
    public async Task SdkContainer_Environment_MatchesTheDockerfile()
    {
        var config = await SdkConfig.Value;
        var dockerfile = await ReadDockerfileAsync();

        var environment = config["Items"]!["ContainerEnvironmentVariables"]!.AsArray()
            .ToDictionary(i => (string)i!["Identity"]!, i => (string)i!["Value"]!);
        Assert.Equal("8080", environment["ASPNETCORE_HTTP_PORTS"]);
        foreach (var (name, value) in environment)
        {
            Assert.Matches($@"\b{Regex.Escape(name)}={Regex.Escape(value)}\b", dockerfile);
        }
    }

    [KustomizeFact]
    public async Task Manifests_UserAndPort_MatchTheImage()
    {
        var config = await SdkConfig.Value;
        var objects = await Overlays.RenderAsync(Overlays.Single);

        Assert.Equal(AppUid, ((int)objects.PodSpec()["securityContext"]!["runAsUser"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var port = (string)config["Items"]!["ContainerPort"]![0]!["Identity"]!;
        Assert.Equal(port, ((int)objects.Container()["ports"]![0]!["containerPort"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task DockerIgnore_KeepsWhatTheBuildCopies()
    {
        var ignored = (await File.ReadAllLinesAsync(RepositoryPaths.Of(".dockerignore")))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.TrimEnd('/'))
            .ToHashSet();
        var dockerfile = await ReadDockerfileAsync();

        var copied = CopySources().Matches(dockerfile).SelectMany(m => m.Groups["sources"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.All(copied, source =>
        {
            var top = source.TrimEnd('/').Split('/')[0];
            Assert.DoesNotContain(top, ignored);
            Assert.True(File.Exists(RepositoryPaths.Of(source)) || Directory.Exists(RepositoryPaths.Of(source)), $"{source} is copied but missing");
        });
        Assert.Contains("tests", ignored);
    }

    private static async Task<JsonObject> ComputeSdkConfigAsync()
    {
        var project = RepositoryPaths.Of("src", "GitOpsBridge", "GitOpsBridge.csproj");
        var result = await ProcessRunner.RunAsync(
            "dotnet",
            RepositoryPaths.Root,
            ["msbuild", project, "-nologo", "-t:ComputeContainerConfig",
             "-getProperty:ContainerUser", "-getProperty:ContainerBaseImage", "-getProperty:ContainerRepository",
             "-getItem:ContainerPort", "-getItem:ContainerAppCommand", "-getItem:ContainerAppCommandArgs",
             "-getItem:ContainerEnvironmentVariables"],
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.Output);
        return JsonNode.Parse(result.StdOut)!.AsObject();
    }

    private static Task<string> ReadDockerfileAsync() => File.ReadAllTextAsync(RepositoryPaths.Of("Dockerfile"));

    private static string DockerInstruction(string dockerfile, string instruction) =>
        Assert.Single(dockerfile.Split('\n'), l => l.StartsWith(instruction + " ", StringComparison.Ordinal))[(instruction.Length + 1)..].Trim();

    // COPY lines that read from the build context (not --from=build); the last word is the target.
    [GeneratedRegex(@"^COPY (?!--from)(?<sources>.+) \S+$", RegexOptions.Multiline)]
    private static partial Regex CopySources();
}
