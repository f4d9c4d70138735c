using System.Net;
using GitOpsBridge.Tests.Service;
using Microsoft.Data.Sqlite;

namespace GitOpsBridge.Tests.Telemetry;

/// <summary>/readyz checks storage only: a GitHub outage keeps the pod in the Service, a broken database takes it out.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Readyz_GitHubDownThenDatabaseUnusable_StaysReadyThenNotReady()
    {
        var port = BridgeServer.FreePort();
        var github = await BridgeServer.StartEmulatorAsync(port);
        var dataDir = Directory.CreateTempSubdirectory("gitops-bridge-health-").FullName;
        var bridge = await BridgeServer.StartAsync(github, port, dataDir);
        try
        {
            await github.DisposeAsync();
            // GitHub is really gone: a call through the bridge's own client cannot reach it.
            Assert.False(await GitHubReachableAsync(bridge));

            using (var ready = await bridge.Client.GetAsync("/readyz"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            using (var live = await bridge.Client.GetAsync("/healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            }

            // The database file is replaced, in one rename, by bytes that are no database (the
            // worker keeps opening the path, so deleting it would only see it created again).
            var db = Path.Combine(dataDir, "bridge.db");
            var garbage = db + ".garbage";
            await File.WriteAllBytesAsync(garbage, Enumerable.Repeat((byte)'x', 8192).ToArray());
            SqliteConnection.ClearAllPools();
            File.Move(garbage, db, overwrite: true);
            SqliteConnection.ClearAllPools();
            using var notReady = await bridge.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Contains("storage unavailable", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await bridge.DisposeAsync();
            bridge.DeleteData();
        }
    }

    private static async Task<bool?> GitHubReachableAsync(BridgeServer bridge)
    {
        var api = (GitOpsBridge.GitHub.GitHubApi)bridge.Services.GetRequiredService<GitOpsBridge.GitHub.IGitHubApi>();
        try
        {
            await api.ListInstallationsAsync();
        }
        catch (GitOpsBridge.GitHub.GitHubApiException)
        {
            // Unreachable is reported as a GitHubApiException; Reachable says which kind.
        }

        return api.Reachable;
    }
}
