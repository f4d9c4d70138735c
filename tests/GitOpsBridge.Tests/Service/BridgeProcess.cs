using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GitOpsBridge.Webhooks;

namespace GitOpsBridge.Tests.Service;

/// <summary>
/// The service as a real child process, started the way an operator starts it:
/// <c>dotnet gitops-bridge.dll serve --urls http://127.0.0.1:PORT</c> with its settings as environment
/// variables. <see cref="Kill"/> is SIGKILL on Linux: no shutdown code runs, as in a crash.
/// Everything the process writes is kept for failure messages.
/// </summary>
internal sealed class BridgeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;
    private bool _disposed;

    private BridgeProcess(Process process, ConcurrentQueue<string> output, Uri address)
    {
        _process = process;
        _output = output;
        Client = new HttpClient { BaseAddress = address };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BridgeServer.AdminToken);
    }

    public HttpClient Client { get; }

    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    /// <summary>The service's process id, which its worker's lease owner names (<c>host:pid:guid</c>).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the service and waits until <c>/healthz</c> answers.</summary>
    public static async Task<BridgeProcess> StartAsync(GitHubEmulator.GitHubEmulator github, int port, string dataDir, IDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "gitops-bridge.dll"), "serve", "--urls", $"http://127.0.0.1:{port}"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDir,
        };
        var environment = new Dictionary<string, string>
        {
            ["GitHub__AppId"] = github.AppId.ToString(CultureInfo.InvariantCulture),
            ["GitHub__PrivateKey"] = BridgeServer.PrivateKeyPem,
            ["GitHub__WebhookSecret"] = BridgeServer.WebhookSecret,
            ["GitHub__ApiUrl"] = github.BaseAddress.ToString().TrimEnd('/'),
            ["Admin__Token"] = BridgeServer.AdminToken,
            ["Storage__Path"] = Path.Combine(dataDir, "bridge.db"),
            ["Worker__PollInterval"] = "00:00:00.050",
            ["Worker__InitialBackoff"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output.Enqueue("stderr: " + e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var bridge = new BridgeProcess(process, output, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await bridge.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));
            return bridge;
        }
        catch
        {
            await bridge.DisposeAsync();
            throw;
        }
    }

    /// <summary>Posts a payload signed exactly as GitHub signs it.</summary>
    public async Task<HttpResponseMessage> PostAsync(string eventName, string body, string deliveryId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.Add("X-Hub-Signature-256", WebhookSignature.Compute(BridgeServer.WebhookSecret, Encoding.UTF8.GetBytes(body)));
        return await Client.SendAsync(request);
    }

    /// <summary>Polls the deliveries API until the delivery is no longer pending; fails with the process output otherwise.</summary>
    public async Task<JsonElement> WaitForDeliveryAsync(string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await Client.GetAsync($"/api/deliveries/{Uri.EscapeDataString(id)}");
            if (response.IsSuccessStatusCode)
            {
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                if (doc.RootElement.GetProperty("status").GetString() != "pending")
                {
                    return doc.RootElement.Clone();
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"delivery {id} still pending after {timeout.TotalSeconds} s\n{Output}");
            Assert.False(_process.HasExited, $"the service exited with {(_process.HasExited ? _process.ExitCode : 0)}\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: no graceful shutdown, leases are left held, as when a machine dies.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Assert.False(_process.HasExited, $"the service exited with {(_process.HasExited ? _process.ExitCode : 0)} before it was healthy\n{Output}");
            try
            {
                using var response = await Client.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, $"the service did not answer /healthz within {timeout.TotalSeconds} s\n{Output}");
            await Task.Delay(100);
        }
    }
}
