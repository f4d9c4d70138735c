using System.CommandLine;
using System.Text.Json;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Planning;
using GitOpsBridge.Repositories;

namespace GitOpsBridge.Cli;

/// <summary>
/// The command line: <c>plan</c>, <c>apply</c> and <c>validate</c>. Exit codes: 0 when the run
/// completed (even if every target was refused), 1 on invalid config, an unreadable repository or a
/// bad image reference, 2 on a usage error.
/// </summary>
internal static class CliApplication
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // "serve" is the default: no arguments, or only ASP.NET options such as --urls.
        if (args.Length == 0 || (args[0].StartsWith('-') && args[0] is not ("--help" or "-h" or "-?" or "--version")))
        {
            args = ["serve", .. args];
        }

        var root = BuildCommands(stdout, stderr);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                stderr.WriteLine($"error: {error.Message}");
            }

            stderr.WriteLine("Run 'gitops-bridge --help' for usage.");
            return Usage;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static RootCommand BuildCommands(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("GitOps Bridge: turns \"a new container image exists\" into a pull request that moves exactly that image's tag or digest.");
        root.Subcommands.Add(PlanCommand("plan", "Show what would change for a new image: a unified diff on stdout, one line per target on stderr.", apply: false, stdout, stderr));
        root.Subcommands.Add(PlanCommand("apply", "Make the changes that 'plan' shows, in the files under --repo.", apply: true, stdout, stderr));
        root.Subcommands.Add(ValidateCommand(stderr));
        var serve = new Command("serve", "Run the webhook service (the default command). ASP.NET Core options such as --urls pass through.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        serve.SetAction((result, cancellationToken) => Hosting.ServiceHost.RunAsync([.. result.UnmatchedTokens], stderr, cancellationToken));
        root.Subcommands.Add(serve);
        return root;
    }

    private static Command PlanCommand(string name, string description, bool apply, TextWriter stdout, TextWriter stderr)
    {
        var repo = new Option<DirectoryInfo>("--repo") { Description = "The GitOps repository's working folder.", Required = true };
        var image = new Option<string>("--image") { Description = "The new image: repo:tag, repo@sha256:… or repo:tag@sha256:…", Required = true };
        var environment = new Option<string?>("--environment") { Description = "Only this environment of the config." };
        var discover = new Option<bool>("--discover") { Description = "Bump every reference to the image found in the repository, not only the config's targets." };
        var format = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory = _ => "diff" };
        format.AcceptOnlyFromAmong("diff", "json");

        var command = new Command(name, description) { repo, image, environment, discover, format };
        command.SetAction(result =>
        {
            var dir = result.GetValue(repo)!;
            return Plan(dir.FullName, result.GetValue(image)!, result.GetValue(environment), result.GetValue(discover), result.GetValue(format)!, apply, stdout, stderr);
        });
        return command;
    }

    private static Command ValidateCommand(TextWriter stderr)
    {
        var repo = new Option<DirectoryInfo>("--repo") { Description = "The GitOps repository's working folder.", Required = true };
        var command = new Command("validate", $"Check {RepositoryConfig.FilePath}: prints file:line:column: message for each error; exit 0 when valid.") { repo };
        command.SetAction(result => Validate(result.GetValue(repo)!.FullName, stderr));
        return command;
    }

    private static int Plan(string repoDir, string imageText, string? environment, bool discover, string format, bool apply, TextWriter stdout, TextWriter stderr)
    {
        if (!ImageReference.TryParse(imageText, out var image, out var imageError))
        {
            stderr.WriteLine($"error: --image: {imageError}");
            return Failed;
        }

        if (image.Tag is null && image.Digest is null)
        {
            stderr.WriteLine($"error: --image: {image} names no tag or digest to move to");
            return Failed;
        }

        DirectoryFiles files;
        RepositoryConfig? config;
        try
        {
            files = new DirectoryFiles(repoDir);
            config = LoadConfig(files, stderr, out var configFailed);
            if (configFailed)
            {
                return Failed;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: cannot read the repository: {ex.Message}");
            return Failed;
        }

        if (environment is not null && (config is null || !config.Environments.ContainsKey(environment)))
        {
            stderr.WriteLine(config is null
                ? $"error: --environment {environment}: the repository has no {RepositoryConfig.FilePath}"
                : $"error: --environment {environment}: no such environment in {RepositoryConfig.FilePath} (have: {string.Join(", ", config.Environments.Keys)})");
            return Failed;
        }

        var plan = Planner.Create(new PlanRequest(image, config, environment, discover), files);
        foreach (var line in Explain(plan))
        {
            stderr.WriteLine(line);
        }

        if (apply)
        {
            var clash = plan.Edits.GroupBy(e => e.File).FirstOrDefault(g => g.Count() > 1);
            if (clash is not null)
            {
                stderr.WriteLine($"error: {clash.Key} is changed by several environments ({string.Join(", ", clash.Select(e => e.Environment))}); choose one with --environment");
                return Failed;
            }

            foreach (var edit in plan.Edits)
            {
                files.Write(edit.File, edit.NewText);
            }
        }

        if (format == "json")
        {
            stdout.WriteLine(JsonSerializer.Serialize(ToJson(plan), Json));
        }
        else if (!apply)
        {
            foreach (var edit in plan.Edits)
            {
                stdout.Write(UnifiedDiff.Format(edit.File, edit.OldText, edit.NewText));
            }
        }

        return Ok;
    }

    private static RepositoryConfig? LoadConfig(DirectoryFiles files, TextWriter stderr, out bool failed)
    {
        failed = false;
        var file = files.Read(RepositoryConfig.FilePath);
        if (file is null)
        {
            return null;
        }

        if (file.Text is null)
        {
            stderr.WriteLine($"{RepositoryConfig.FilePath}:1:1: {file.Problem}");
            failed = true;
            return null;
        }

        try
        {
            return ConfigParser.Parse(file.Text);
        }
        catch (ConfigException ex)
        {
            foreach (var error in ex.Errors)
            {
                stderr.WriteLine(error.ToString());
            }

            failed = true;
            return null;
        }
    }

    private static int Validate(string repoDir, TextWriter stderr)
    {
        DirectoryFiles files;
        try
        {
            files = new DirectoryFiles(repoDir);
        }
        catch (IOException ex)
        {
            stderr.WriteLine($"error: cannot read the repository: {ex.Message}");
            return Failed;
        }

        var file = files.Read(RepositoryConfig.FilePath);
        if (file?.Text is null)
        {
            stderr.WriteLine($"{RepositoryConfig.FilePath}:1:1: {file?.Problem ?? "the file does not exist"}");
            return Failed;
        }

        var errors = ConfigParser.Validate(file.Text).ToList();
        if (errors.Count == 0)
        {
            // The file parses; every target must also name a real file inside the repository.
            var config = ConfigParser.Parse(file.Text);
            foreach (var env in config.Environments.Values)
            {
                foreach (var target in env.Files)
                {
                    var read = RepositoryPaths.TryNormalize(target.Path, out var normalized, out _) ? files.Read(normalized) : null;
                    var problem = read is null ? $"environments.{env.Name}: {target.Path} does not exist" : read.Text is null ? $"environments.{env.Name}: {read.Problem}" : null;
                    if (problem is not null)
                    {
                        errors.Add(new ConfigError(RepositoryConfig.FilePath, target.Position.Line, target.Position.Column, problem));
                    }
                }
            }
        }

        foreach (var error in errors)
        {
            stderr.WriteLine(error.ToString());
        }

        return errors.Count == 0 ? Ok : Failed;
    }

    /// <summary>One human-readable line per target.</summary>
    internal static IEnumerable<string> Explain(Plan plan)
    {
        foreach (var c in plan.Changes)
        {
            yield return $"{c.Environment ?? "discovered"}: {c.File}:{c.Line} {c.YamlPath}: {Show(c.Old)} → {Show(c.New)}";
        }

        foreach (var s in plan.Skipped)
        {
            var where = s.File is null ? "" : $" {s.File}" + (s.YamlPath is null ? "" : $" {s.YamlPath}");
            yield return $"{s.Environment ?? (s.File is null ? "plan" : "discovered")}:{where}: skipped ({s.ReasonCode}): {s.Reason}";
        }

        if (plan.Changes.Count == 0 && plan.Skipped.Count == 0)
        {
            yield return "nothing references this image";
        }
    }

    private static string Show(string value) => value.Length == 0 ? "\"\"" : value;

    private static object ToJson(Plan plan) => new
    {
        changes = plan.Changes.Select(c => new { environment = c.Environment, file = c.File, yamlPath = c.YamlPath, line = c.Line, old = c.Old, @new = c.New }),
        skipped = plan.Skipped.Select(s => new { environment = s.Environment, file = s.File, yamlPath = s.YamlPath, reasonCode = s.ReasonCode, reason = s.Reason }),
    };
}
