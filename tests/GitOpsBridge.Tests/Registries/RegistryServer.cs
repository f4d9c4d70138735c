using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GitOpsBridge.Tests.Registries;

/// <summary>How <see cref="RegistryServer.StartAsync"/> configures the registry.</summary>
public sealed record RegistryServerOptions
{
    /// <summary>Where the registry sends notifications (<c>notifications.endpoints[0].url</c>); none when null.</summary>
    public Uri? NotificationUrl { get; init; }

    /// <summary>Headers on every notification, e.g. <c>Authorization: Bearer x</c>.</summary>
    public IReadOnlyDictionary<string, string> NotificationHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>Target media types whose events are not sent (<c>ignoredmediatypes</c>), e.g. <c>application/octet-stream</c> for blob events.</summary>
    public IReadOnlyList<string> IgnoredNotificationMediaTypes { get; init; } = [];

    /// <summary>Actions whose events are not sent (<c>ignore.actions</c>): <c>pull</c>, <c>push</c>, <c>delete</c>.</summary>
    public IReadOnlyList<string> IgnoredNotificationActions { get; init; } = [];

    /// <summary>Token authentication through a <see cref="RegistryTokenServer"/>; anonymous read-write when null.</summary>
    public RegistryTokenAuthOptions? TokenAuth { get; init; }
}

/// <summary>
/// Debian's <c>docker-registry</c> (CNCF distribution 2.8) on a free 127.0.0.1 port with its own
/// temporary storage, started from a generated <c>config.yml</c>, optionally with notifications
/// and token authentication. Images are pushed and pulled with <c>skopeo</c>, no Docker daemon.
/// Disposing kills the process and deletes the storage.
/// </summary>
/// <example>
/// <code>
/// await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions
/// {
///     NotificationUrl = new Uri("http://127.0.0.1:5123/api/registries/local"),
///     NotificationHeaders = new Dictionary&lt;string, string&gt; { ["Authorization"] = "Bearer secret" },
/// });
/// string digest = await registry.PushAsync("team/app", "1.2.3");   // sha256:…
/// await registry.PullManifestAsync("team/app", "1.2.3");           // a pull event
/// </code>
/// </example>
public sealed class RegistryServer : IAsyncDisposable
{
    /// <summary>The notification envelope media type distribution 2.8 sends (3.x sends <c>…events.v2+json</c>).</summary>
    public const string EnvelopeMediaType = "application/vnd.docker.distribution.events.v1+json";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SkopeoTimeout = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly string _root;
    private readonly StringBuilder _log;

    private RegistryServer(Process process, string root, StringBuilder log, int port, RegistryTokenServer? tokenServer)
    {
        _process = process;
        _root = root;
        _log = log;
        Host = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        BaseUri = new Uri($"http://{Host}/");
        TokenServer = tokenServer;
    }

    /// <summary><c>127.0.0.1:PORT</c>: the registry part of image references.</summary>
    public string Host { get; }

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The token server in front of the registry, when started with <see cref="RegistryServerOptions.TokenAuth"/>.</summary>
    public RegistryTokenServer? TokenServer { get; }

    /// <summary>What the registry has logged so far (its stderr).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the registry and waits until it listens and <c>/v2/</c> answers.</summary>
    /// <exception cref="InvalidOperationException">docker-registry is missing or did not start; the message holds its log.</exception>
    public static async Task<RegistryServer> StartAsync(RegistryServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var binary = RegistryTools.Registry;
        _ = RegistryTools.Skopeo;
        var tokenServer = options.TokenAuth is null ? null : await RegistryTokenServer.StartAsync(options.TokenAuth, cancellationToken);
        try
        {
            // A port picked by binding to 0 can be taken again before the registry binds it: retry on a fresh one.
            for (var attempt = 1; ; attempt++)
            {
                var root = Directory.CreateTempSubdirectory("registry-").FullName;
                var port = FreePort();
                var started = await TryStartAsync(binary, root, port, options, tokenServer, cancellationToken);
                if (started is { Server: { } server })
                {
                    return server;
                }

                Directory.Delete(root, recursive: true);
                if (started is { Failure: var failure })
                {
                    throw new InvalidOperationException(failure);
                }

                if (attempt == 3)
                {
                    throw new InvalidOperationException($"docker-registry could not bind a free port in {attempt} attempts");
                }
            }
        }
        catch
        {
            if (tokenServer is not null)
            {
                await tokenServer.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// Pushes a new image (or <paramref name="image"/>) to <paramref name="repository"/>:<paramref name="tag"/>
    /// with <c>skopeo copy</c> and returns the manifest digest the push produced.
    /// </summary>
    public async Task<string> PushAsync(string repository, string tag, OciImage? image = null, CancellationToken cancellationToken = default)
    {
        var layout = Path.Combine(_root, "layouts", Guid.NewGuid().ToString("n"));
        image ??= OciImage.Create(layout);
        var digestFile = Path.Combine(_root, "digest-" + Guid.NewGuid().ToString("n"));
        var args = new List<string> { "--insecure-policy", "copy", "--quiet", "--dest-tls-verify=false", "--digestfile", digestFile };
        args.AddRange(Credentials("--dest-creds"));
        if (image.IsIndex)
        {
            args.Add("--all");
        }

        args.Add($"oci:{image.Directory}:{OciImage.RefName}");
        args.Add($"docker://{Host}/{repository}:{tag}");
        await RunSkopeoAsync(args, cancellationToken);
        return (await File.ReadAllTextAsync(digestFile, cancellationToken)).Trim();
    }

    /// <summary>GETs the manifest with <c>skopeo inspect --raw</c> (a pull event) and returns it.</summary>
    public Task<string> PullManifestAsync(string repository, string reference, CancellationToken cancellationToken = default)
    {
        var args = new List<string> { "--insecure-policy", "inspect", "--raw", "--tls-verify=false" };
        args.AddRange(Credentials("--creds"));
        args.Add($"docker://{Host}/{repository}{(reference.Contains(':', StringComparison.Ordinal) ? "@" : ":")}{reference}");
        return RunSkopeoAsync(args, cancellationToken);
    }

    /// <summary>The digest skopeo reports for <paramref name="repository"/>:<paramref name="tag"/> (<c>skopeo inspect</c>; pulls the manifest and config).</summary>
    public async Task<string> InspectDigestAsync(string repository, string tag, CancellationToken cancellationToken = default)
    {
        var args = new List<string> { "--insecure-policy", "inspect", "--tls-verify=false", "--format", "{{.Digest}}" };
        args.AddRange(Credentials("--creds"));
        args.Add($"docker://{Host}/{repository}:{tag}");
        return (await RunSkopeoAsync(args, cancellationToken)).Trim();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or not reaped in time: the temp directory below is still removed.
        }

        _process.Dispose();
        if (TokenServer is not null)
        {
            await TokenServer.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }
    }

    private IEnumerable<string> Credentials(string flag) =>
        TokenServer is null ? [] : [flag, $"{TokenServer.Options.Username}:{TokenServer.Options.Password}"];

    private async Task<string> RunSkopeoAsync(List<string> args, CancellationToken cancellationToken)
    {
        try
        {
            return await RegistryTools.RunAsync(RegistryTools.Skopeo, args, SkopeoTimeout, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message}\n--- docker-registry log ---\n{Tail(Log)}", ex);
        }
    }

    /// <summary>Starts the process; null when the port was taken, a failure text when it died otherwise.</summary>
    private static async Task<(RegistryServer? Server, string Failure)?> TryStartAsync(
        string binary, string root, int port, RegistryServerOptions options, RegistryTokenServer? tokenServer, CancellationToken cancellationToken)
    {
        var config = Path.Combine(root, "config.yml");
        if (tokenServer is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(root, "token-bundle.pem"), tokenServer.CertificatePem, cancellationToken);
        }

        await File.WriteAllTextAsync(config, Config(root, port, options, tokenServer), cancellationToken);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);

        var log = new StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data.Contains("listening on ", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += collect;
        process.OutputDataReceived += collect;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("docker-registry exited"));
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new RegistryServer(process, root, log, port, tokenServer);
        try
        {
            await listening.Task.WaitAsync(StartTimeout, cancellationToken);
            await WaitForApiAsync(server, cancellationToken);
            return (server, string.Empty);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException)
        {
            var text = server.Log;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It has exited already.
            }

            process.Dispose();
            if (text.Contains("address already in use", StringComparison.Ordinal))
            {
                return null;
            }

            return (null, $"docker-registry did not start ({ex.Message}):\n{Tail(text)}");
        }
    }

    private static async Task WaitForApiAsync(RegistryServer server, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri(server.BaseUri, "v2/"), cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Unauthorized))
        {
            throw new InvalidOperationException($"/v2/ answered {(int)response.StatusCode}");
        }
    }

    private static string Config(string root, int port, RegistryServerOptions options, RegistryTokenServer? tokenServer)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 0.1");
        yaml.AppendLine("log:");
        yaml.AppendLine("  level: info");
        yaml.AppendLine("  formatter: text");
        yaml.AppendLine("storage:");
        yaml.AppendLine("  filesystem:");
        yaml.AppendLine($"    rootdirectory: {Quote(Path.Combine(root, "storage"))}");
        yaml.AppendLine("  delete:");
        yaml.AppendLine("    enabled: true");
        yaml.AppendLine("http:");
        yaml.AppendLine($"  addr: {Quote($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}")}");
        yaml.AppendLine($"  secret: {Quote(Guid.NewGuid().ToString("n"))}");
        if (tokenServer is not null)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  token:");
            yaml.AppendLine($"    realm: {Quote(tokenServer.Realm.ToString())}");
            yaml.AppendLine($"    service: {Quote(tokenServer.Options.Service)}");
            yaml.AppendLine($"    issuer: {Quote(tokenServer.Options.Issuer)}");
            yaml.AppendLine($"    rootcertbundle: {Quote(Path.Combine(root, "token-bundle.pem"))}");
        }

        if (options.NotificationUrl is not null)
        {
            // distribution 2.8 configuration.go: Endpoint {name, disabled, url, headers, timeout, threshold, backoff, ignoredmediatypes, ignore}.
            yaml.AppendLine("notifications:");
            yaml.AppendLine("  endpoints:");
            yaml.AppendLine("    - name: test");
            yaml.AppendLine($"      url: {Quote(options.NotificationUrl.ToString())}");
            yaml.AppendLine("      timeout: 2s");
            yaml.AppendLine("      threshold: 3");
            yaml.AppendLine("      backoff: 200ms");
            if (options.NotificationHeaders.Count > 0)
            {
                yaml.AppendLine("      headers:");
                foreach (var (name, value) in options.NotificationHeaders)
                {
                    yaml.AppendLine($"        {Quote(name)}: [{Quote(value)}]");
                }
            }

            if (options.IgnoredNotificationMediaTypes.Count > 0)
            {
                yaml.AppendLine($"      ignoredmediatypes: [{string.Join(", ", options.IgnoredNotificationMediaTypes.Select(Quote))}]");
            }

            if (options.IgnoredNotificationActions.Count > 0)
            {
                yaml.AppendLine("      ignore:");
                yaml.AppendLine($"        actions: [{string.Join(", ", options.IgnoredNotificationActions.Select(Quote))}]");
            }
        }

        return yaml.ToString();
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];
}
