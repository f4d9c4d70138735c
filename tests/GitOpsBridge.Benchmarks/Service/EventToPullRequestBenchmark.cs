using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator;
using GitOpsBridge.Hosting;
using GitOpsBridge.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GitOpsBridge.Benchmarks.Service;

/// <summary>
/// <c>dotnet run -c Release --project tests/GitOpsBridge.Benchmarks -- latency [--events N] [--poll-interval-ms MS] [--spacing-ms MS]</c>:
/// the real service in process against the GitHub emulator (spec validation off), fed signed
/// <c>registry_package</c> deliveries one after another, each a newer tag. For each event it
/// times the POST until the delivery is <c>done</c> (the commit is pushed and the pull request
/// opened or updated), then checks, untimed, that the pull request's head holds the new tag. It
/// counts the REST calls and git smart-HTTP requests each event cost, from the emulator's counters.
/// </summary>
internal static class EventToPullRequestBenchmark
{
    private const string Owner = "acme";
    private const string Secret = "latency-webhook-secret";
    private const string AdminToken = "latency-admin-token";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var events = IntOption(args, "--events") ?? 100;
        var pollInterval = IntOption(args, "--poll-interval-ms");
        var spacing = TimeSpan.FromMilliseconds(IntOption(args, "--spacing-ms") ?? 0);
        var template = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "scripts", "bench", "registry_package.json")))!.AsObject();
        var data = Directory.CreateTempSubdirectory("gitops-bridge-latency-");
        string key;
        using (var rsa = RSA.Create(2048))
        {
            key = rsa.ExportRSAPrivateKeyPem();
        }

        var bridgePort = FreePort();
        await using var github = await GitHubEmulator.GitHubEmulator.StartAsync(new GitHubEmulatorOptions
        {
            ValidateAgainstSpec = false,
            PrivateKeyPem = key,
            WebhookSecret = Secret,
            WebhookUrl = new Uri($"http://127.0.0.1:{bridgePort}/api/github/webhooks"),
        });
        await github.CreateRepositoryAsync(Owner, "gitops", GitOpsFiles("api"));
        await github.CreateRepositoryAsync(Owner, "warmup", GitOpsFiles("warm"));
        var installation = github.CreateInstallation(Owner, "gitops", "warmup");

        var app = await StartBridgeAsync(github, key, bridgePort, Path.Combine(data.FullName, "bridge.db"), pollInterval);
        try
        {
            var store = app.Services.GetRequiredService<IBridgeStore>();
            await WaitForIndexAsync(store, $"{Owner}/gitops");
            await WaitForIndexAsync(store, $"{Owner}/warmup");
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{bridgePort}") };
            var run = new Runner(github, store, client, template, installation.Id);

            // Warm-up on another repository of the same installation (JIT, pools, the token cache),
            // so the measured repository's first event is a new PR on a warm service.
            for (var i = 1; i <= 3; i++)
            {
                await run.SendAsync("warmup", "warm", $"1.0.{i}");
            }

            var samples = new List<Sample>();
            var pace = Stopwatch.StartNew();
            for (var i = 1; i <= events; i++)
            {
                // --spacing-ms: events start at least this far apart, e.g. to stay under GitHub's
                // 80 content-creating requests a minute, which the bridge's budget enforces.
                if (pace.Elapsed < spacing * (i - 1))
                {
                    await Task.Delay((spacing * (i - 1)) - pace.Elapsed);
                }

                samples.Add(await run.SendAsync("gitops", "api", $"1.0.{i}"));
            }

            Report(output, events, pollInterval, spacing, samples);
            return samples.All(s => s.Verified) ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    private static async Task<WebApplication> StartBridgeAsync(GitHubEmulator.GitHubEmulator github, string key, int port, string dbPath, int? pollIntervalMs)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var settings = new Dictionary<string, string?>
        {
            ["GitHub:AppId"] = github.AppId.ToString(CultureInfo.InvariantCulture),
            ["GitHub:PrivateKey"] = key,
            ["GitHub:WebhookSecret"] = Secret,
            ["GitHub:ApiUrl"] = github.BaseAddress.ToString().TrimEnd('/'),
            ["Admin:Token"] = AdminToken,
            ["Storage:Path"] = dbPath,

            // Warnings only: one event at a time, so logging costs little, but it would bury the report.
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (pollIntervalMs is { } poll)
        {
            settings["Worker:PollInterval"] = TimeSpan.FromMilliseconds(poll).ToString("c", CultureInfo.InvariantCulture);
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddGitOpsBridge();
        var app = builder.Build();
        app.UseGitOpsBridge();
        await app.Services.GetRequiredService<IBridgeStore>().InitializeAsync();
        await app.StartAsync();
        return app;
    }

    private static async Task WaitForIndexAsync(IBridgeStore store, string repository)
    {
        var deadline = Stopwatch.StartNew();
        while ((await store.GetRepositoryAsync(repository))?.ConfigYaml is null)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"the bridge did not index {repository} within 60 s");
            }

            await Task.Delay(20);
        }
    }

    private static Dictionary<string, string> GitOpsFiles(string image) => new()
    {
        [".github/gitops-bridge.yml"] = $$"""
            version: 1
            images:
              {{image}}:
                repository: ghcr.io/{{Owner}}/{{image}}
                policy: { semver: ">=1.0.0" }
            environments:
              dev:
                files:
                  - { path: envs/dev/values.yaml, helm: { image: {{image}}, path: image } }
                pullRequest: { labels: [env/dev] }
              prod:
                promoteFrom: dev
                files:
                  - { path: envs/prod/values.yaml, helm: { image: {{image}}, path: image } }
            """,
        ["envs/dev/values.yaml"] = Values(image, replicas: 1),
        ["envs/prod/values.yaml"] = Values(image, replicas: 3),
        ["README.md"] = "# GitOps\n\nDeployed by Argo CD from this repository.\n",
    };

    private static string Values(string image, int replicas) => $"""
        # Values for the {image} chart.
        replicaCount: {replicas}
        image:
          repository: ghcr.io/{Owner}/{image}
          tag: 1.0.0 # managed by gitops-bridge
          pullPolicy: IfNotPresent
        service:
          type: ClusterIP
          port: 8080
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 256Mi
        ingress:
          enabled: true
          hosts:
            - host: {image}.example.com
              paths:
                - path: /
                  pathType: Prefix

        """;

    private static void Report(TextWriter output, int events, int? pollIntervalMs, TimeSpan spacing, List<Sample> samples)
    {
        var all = samples.Select(s => s.Done.TotalMilliseconds).ToList();
        var updates = samples.Skip(1).ToList();
        var first = samples[0];
        output.WriteLine($"Event to pull request: {events} events one after another{(spacing > TimeSpan.Zero ? $", starting at least {spacing.TotalMilliseconds:F0} ms apart" : "")}; worker poll interval {(pollIntervalMs is { } p ? p + " ms" : "default")}");
        output.WriteLine($"  verified (delivery done, one open PR, its head holds the tag): {samples.Count(s => s.Verified)}/{samples.Count}");
        foreach (var failure in samples.Where(s => !s.Verified).Take(5))
        {
            output.WriteLine($"    {failure.Tag}: {failure.Problem}");
        }

        output.WriteLine($"  POST to done, all {all.Count}: {Summary(all)}");
        output.WriteLine($"  POST to done, updates ({updates.Count}): {Summary(updates.Select(s => s.Done.TotalMilliseconds).ToList())}");
        output.WriteLine($"  POST to done, first event (opens the PR): {first.Done.TotalMilliseconds:F0} ms");
        output.WriteLine($"  POST answered (202): {Summary(samples.Select(s => s.Answered.TotalMilliseconds).ToList())}");
        var timed = samples.Where(s => s.FirstGit is not null && s.Push is not null && s.FirstRest is not null).ToList();
        output.WriteLine($"  phases, medians over {timed.Count} events (from the emulator's counters, polled every 2 ms):");
        output.WriteLine($"    POST to the first git request (queue, delivery job, target job start): {Median(timed.Select(s => s.FirstGit!.Value.TotalMilliseconds)):F0} ms");
        output.WriteLine($"    first git request to the push (ls-remote, fetch, plan, commit): {Median(timed.Select(s => (s.Push!.Value - s.FirstGit!.Value).TotalMilliseconds)):F0} ms");
        output.WriteLine($"    push to the first REST call (receive-pack): {Median(timed.Select(s => (s.FirstRest!.Value - s.Push!.Value).TotalMilliseconds)):F0} ms");
        output.WriteLine($"    first REST call to done (find and update the PR, outcome stored): {Median(timed.Select(s => (s.Done - s.FirstRest!.Value).TotalMilliseconds)):F0} ms");
        foreach (var slow in samples.Where(s => s.Done > TimeSpan.FromSeconds(2)))
        {
            output.WriteLine($"  slow: {slow.Tag} took {slow.Done.TotalMilliseconds:F0} ms; pushed after {slow.Push?.TotalMilliseconds:F0} ms; REST {slow.RestCalls}; git {slow.GitCalls.Total}");
        }

        output.WriteLine($"  REST calls, new PR: {first.RestCalls}");
        output.WriteLine($"  REST calls per update: {Counts(updates.Select(s => s.RestCalls.Total))}; typical: {Typical(updates, s => s.RestCalls)}");
        output.WriteLine($"  git smart-HTTP requests, new PR: {first.GitCalls}");
        output.WriteLine($"  git smart-HTTP requests per update: {Counts(updates.Select(s => s.GitCalls.Total))}; typical: {Typical(updates, s => s.GitCalls)}");
        output.WriteLine($"  REST calls summed over all {samples.Count} events: {Sum(samples.Select(s => s.RestCalls))}");
    }

    private static CallSnapshot Sum(IEnumerable<CallSnapshot> snapshots)
    {
        var byRoute = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (route, count) in snapshots.SelectMany(s => s.ByRoute))
        {
            byRoute[route] = byRoute.GetValueOrDefault(route) + count;
        }

        return new CallSnapshot(byRoute.Values.Sum(), byRoute);
    }

    private static string Summary(List<double> values)
    {
        if (values.Count == 0)
        {
            return "none";
        }

        var sorted = values.Order().ToList();
        double Rank(double percent) => sorted[Math.Max(0, (int)Math.Ceiling(percent / 100 * sorted.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {Rank(50):F0} ms, p95 {Rank(95):F0} ms, p99 {Rank(99):F0} ms, max {sorted[^1]:F0} ms, min {sorted[0]:F0} ms, mean {sorted.Average():F0} ms");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[(sorted.Count - 1) / 2];
    }

    private static string Counts(IEnumerable<int> totals) =>
        string.Join(", ", totals.GroupBy(t => t).OrderBy(g => g.Key).Select(g => $"{g.Key} calls ×{g.Count()}"));

    private static CallSnapshot Typical(List<Sample> samples, Func<Sample, CallSnapshot> pick) =>
        samples.Select(pick).GroupBy(c => c.ToString()).OrderByDescending(g => g.Count()).First().First();

    private static int? IntOption(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GitOpsBridge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("GitOpsBridge.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>One event's timings and costs.</summary>
    private sealed record Sample(
        string Tag, TimeSpan Answered, TimeSpan Done, TimeSpan? FirstGit, TimeSpan? Push, TimeSpan? FirstRest, CallSnapshot RestCalls, CallSnapshot GitCalls, bool Verified, string? Problem);

    /// <summary>A counter's total and per-route counts at one moment.</summary>
    private sealed record CallSnapshot(int Total, IReadOnlyDictionary<string, int> ByRoute)
    {
        public static CallSnapshot Of(CallCounter counter) => new(counter.Total, counter.ByRoute);

        public override string ToString() =>
            $"{Total} ({string.Join(", ", ByRoute.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} ×{r.Value}"))})";
    }

    /// <summary>Sends one signed delivery and waits for its outcome.</summary>
    private sealed class Runner(GitHubEmulator.GitHubEmulator github, IBridgeStore store, HttpClient client, JsonObject template, long installationId)
    {
        private int _sequence;

        public async Task<Sample> SendAsync(string repository, string image, string tag)
        {
            var id = $"latency-{++_sequence}";
            var body = Payload(image, tag);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-GitHub-Event", "registry_package");
            request.Headers.Add("X-GitHub-Delivery", id);
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)));

            github.Calls.Reset();
            github.GitCalls.Reset();
            var clock = Stopwatch.StartNew();
            using (var response = await client.SendAsync(request))
            {
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"delivery {id} got HTTP {(int)response.StatusCode}");
                }
            }

            var answered = clock.Elapsed;
            TimeSpan? firstGit = null;
            TimeSpan? push = null;
            TimeSpan? firstRest = null;
            DeliveryRecord? delivery;
            while ((delivery = await store.GetDeliveryAsync(id))?.Status is null or DeliveryStatus.Pending)
            {
                // The first time each milestone is seen; the counters are reset per event.
                firstGit ??= github.GitCalls.Total > 0 ? clock.Elapsed : null;
                push ??= github.GitCalls[GitHubRoutes.GitReceivePack] > 0 ? clock.Elapsed : null;
                firstRest ??= github.Calls.Total > 0 ? clock.Elapsed : null;
                if (clock.Elapsed > TimeSpan.FromSeconds(90))
                {
                    break;
                }

                await Task.Delay(2);
            }

            var done = clock.Elapsed;
            var rest = CallSnapshot.Of(github.Calls);
            var git = CallSnapshot.Of(github.GitCalls);
            var problem = await CheckAsync(repository, tag, delivery);
            return new Sample(tag, answered, done, firstGit, push, firstRest, rest, git, problem is null, problem);
        }

        private async Task<string?> CheckAsync(string repository, string tag, DeliveryRecord? delivery)
        {
            if (delivery?.Status != DeliveryStatus.Done)
            {
                return $"delivery is {delivery?.Status.ToString() ?? "missing"}: {delivery?.Reason}";
            }

            var open = github.GetPullRequests(Owner, repository).Where(p => p.State == "open").ToList();
            if (open.Count != 1)
            {
                return $"{open.Count} open pull requests";
            }

            var files = await github.ReadFilesAsync(Owner, repository, open[0].Head);
            return files["envs/dev/values.yaml"].Contains($"tag: {tag} #", StringComparison.Ordinal) ? null : "the head does not hold the tag";
        }

        private byte[] Payload(string image, string tag)
        {
            var json = template.DeepClone().AsObject();
            var package = json["registry_package"]!;
            package["name"] = image;
            package["owner"]!["login"] = Owner;
            var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(image + ":" + tag)));
            package["package_version"]!["version"] = digest;
            package["package_version"]!["container_metadata"]!["tag"] = new JsonObject { ["name"] = tag, ["digest"] = digest };
            json["repository"]!["full_name"] = $"{Owner}/{image}";
            json["installation"] = new JsonObject { ["id"] = installationId };
            return Encoding.UTF8.GetBytes(json.ToJsonString());
        }
    }
}
