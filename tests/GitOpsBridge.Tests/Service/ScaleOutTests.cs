using System.Diagnostics;
using System.Globalization;
using System.Net;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Tests.Service;

/// <summary>
/// Issue 6, scale-out acceptance: two real service processes (<c>gitops-bridge serve</c>) share one
/// PostgreSQL database. A burst of 500 signed registry_package deliveries for 20 GitOps repositories
/// is posted half to each; every delivery ends once, each target gets exactly one pull request, and
/// the emulator's write log shows no repository written by both processes at once (each process
/// writes with its own installation token, which is how the log tells them apart). Then one process
/// is killed with SIGKILL while it holds a target's lease, and the other finishes the work once the
/// lease has expired.
/// </summary>
public sealed class ScaleOutTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    private const string Account = "codertocat";
    private const int RepositoryCount = 20;
    private const int BurstSize = 500;
    private const int SecondBurstSize = 100;
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);

    private static string RepositoryName(int i) => $"gitops-{i:00}";

    private static string Package(int i) => $"app-{i:00}";

    private static Dictionary<string, string> RepositoryFiles(int i) => new()
    {
        [".github/gitops-bridge.yml"] = $$"""
            version: 1
            images:
              app:
                repository: ghcr.io/{{Account}}/{{Package(i)}}
                policy: { semver: ">=1.0.0" }
            environments:
              dev:
                files:
                  - { path: envs/dev/values.yaml, helm: { image: app, path: image } }
            """,
        ["envs/dev/values.yaml"] = $"image:\n  repository: ghcr.io/{Account}/{Package(i)}\n  tag: 1.0.0\n",
    };

    [SkippableFact]
    public async Task TwoProcessesOnOneDatabase_BurstThenOneKilled_EachDeliveryOnceOnePullRequestPerTargetOneWriterPerRepository()
    {
        var connectionString = await database.CreateSchemaAsync();
        var clock = Stopwatch.StartNew();
        var github = await BridgeServer.StartEmulatorAsync(BridgeServer.FreePort());
        var dataDirs = new[] { Directory.CreateTempSubdirectory("gitops-bridge-scale-a-"), Directory.CreateTempSubdirectory("gitops-bridge-scale-b-") };
        var processes = new List<BridgeProcess>();
        await using var store = new PostgresBridgeStore(connectionString, TimeProvider.System);
        try
        {
            for (var i = 0; i < RepositoryCount; i++)
            {
                await github.CreateRepositoryAsync(Account, RepositoryName(i), RepositoryFiles(i));
            }

            var installation = github.CreateInstallation(Account, [.. Enumerable.Range(0, RepositoryCount).Select(RepositoryName)]);
            var settings = new Dictionary<string, string>
            {
                ["Storage__Provider"] = StorageProviders.Postgres,
                ["Storage__ConnectionString"] = connectionString,
                ["Worker__LeaseDuration"] = LeaseDuration.ToString("c", CultureInfo.InvariantCulture),
            };

            // Both start at once on an empty database: their migrations meet.
            processes.AddRange(await Task.WhenAll(dataDirs.Select(d => BridgeProcess.StartAsync(github, BridgeServer.FreePort(), d.FullName, settings))));
            var (a, b) = (processes[0], processes[1]);
            await ResilienceTests.WaitUntilAsync(
                async () => (await store.ListRepositoriesAsync(installation.Id)).Count(r => r.ConfigYaml is not null) == RepositoryCount,
                TimeSpan.FromSeconds(60));
            var startedUp = clock.Elapsed;

            // ---- a burst of 500, half to each process ----
            var burst = Enumerable.Range(0, BurstSize).Select(n => (Id: $"burst-{n}", Repository: n % RepositoryCount, Tag: $"1.0.{(n / RepositoryCount) + 1}")).ToArray();
            new Random(6).Shuffle(burst);
            var statuses = await PostAllAsync(burst.Select((d, n) => (n % 2 == 0 ? a : b, d.Id, ResilienceTests.PackageEvent(installation.Id, d.Tag, Package(d.Repository)))));
            await WaitUntilSettledAsync(store, connectionString, burst.Select(d => d.Id), processes, TimeSpan.FromSeconds(90));
            var burstDone = clock.Elapsed;

            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
            await AssertEachDeliveryEndedOnceAsync(store, connectionString, burst.Select(d => d.Id).ToList());
            await AssertOnePullRequestPerTargetAtAsync(github, "1.0.25");
            var firstWriters = github.Writes.All.Select(w => w.Client).Distinct().Count();
            Assert.True(firstWriters >= 2, $"both processes should have written; the write log names {firstWriters} client(s)");
            Assert.Empty(github.Writes.ConcurrentWritesByDifferentClients());

            // ---- a second burst, to b only; a is killed while it holds a target's lease ----
            var second = Enumerable.Range(0, SecondBurstSize).Select(n => (Id: $"second-{n}", Repository: n % RepositoryCount, Tag: $"1.1.{(n / RepositoryCount) + 1}")).ToArray();
            var posting = PostAllAsync(second.Select(d => (b, d.Id, ResilienceTests.PackageEvent(installation.Id, d.Tag, Package(d.Repository)))));
            var ownerOfA = $"%:{a.ProcessId}:%";
            long heldUntil = 0;
            await ResilienceTests.WaitUntilAsync(
                async () =>
                {
                    // A lease taken (or renewed) in the last 200 ms: the reconcile has fetching, pushing
                    // and the pull request still ahead of it, so it cannot finish before the kill lands.
                    var fresh = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)LeaseDuration.TotalMilliseconds - 200;
                    var expiry = await PostgresDatabaseFixture.ScalarAsync(connectionString,
                        $"SELECT MAX(lease_expires_at) FROM jobs WHERE kind = 'target' AND lease_owner LIKE '{ownerOfA}' AND lease_expires_at > {fresh};");
                    heldUntil = expiry is long value ? value : 0;
                    return heldUntil > 0;
                },
                TimeSpan.FromSeconds(30));
            a.Kill();
            var killedAt = DateTimeOffset.UtcNow;
            var heldAtKill = (long)(await PostgresDatabaseFixture.ScalarAsync(connectionString, $"SELECT COUNT(*) FROM jobs WHERE lease_owner LIKE '{ownerOfA}';"))!;
            Assert.All(await posting, s => Assert.Equal(HttpStatusCode.Accepted, s));
            await WaitUntilSettledAsync(store, connectionString, second.Select(d => d.Id), [b], TimeSpan.FromSeconds(60));
            var allDone = DateTimeOffset.UtcNow;

            Assert.True(heldAtKill > 0, "the killed process held no lease");
            Assert.True(allDone.ToUnixTimeMilliseconds() >= heldUntil, "the jobs the killed process held were finished before its lease expired");
            await AssertEachDeliveryEndedOnceAsync(store, connectionString, second.Select(d => d.Id).ToList());
            await AssertOnePullRequestPerTargetAtAsync(github, "1.1.5");
            var overlaps = github.Writes.ConcurrentWritesByDifferentClients();
            Assert.True(overlaps.Count == 0, "concurrent writers:\n" + string.Join('\n', overlaps.Take(5).Select(o => $"{o.First}\n  and {o.Second}")));
            github.AssertNoSpecViolations();

            // For the report: how long each phase took on this machine.
            Console.WriteLine(
                $"scale-out: start-up and indexing {startedUp.TotalSeconds:F1} s, burst of {BurstSize} {(burstDone - startedUp).TotalSeconds:F1} s, "
                + $"kill to done {(allDone - killedAt).TotalSeconds:F1} s (lease {LeaseDuration.TotalSeconds} s), {github.Writes.All.Count} writes, total {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            await github.DisposeAsync();
            foreach (var dir in dataDirs)
            {
                dir.Delete(recursive: true);
            }
        }
    }

    /// <summary>Posts every delivery to its process, a few at a time, and returns the statuses.</summary>
    private static async Task<HttpStatusCode[]> PostAllAsync(IEnumerable<(BridgeProcess Process, string Id, string Body)> deliveries)
    {
        using var gate = new SemaphoreSlim(32);
        return await Task.WhenAll(deliveries.Select(async d =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await d.Process.PostAsync("registry_package", d.Body, d.Id);
                return response.StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>Waits until none of the deliveries is pending and the queue is empty.</summary>
    private static async Task WaitUntilSettledAsync(IBridgeStore store, string connectionString, IEnumerable<string> ids, IReadOnlyList<BridgeProcess> alive, TimeSpan timeout)
    {
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var pending = (await store.ListDeliveriesAsync(BurstSize + SecondBurstSize)).Count(d => wanted.Contains(d.Id) && d.Status == DeliveryStatus.Pending);
            var stored = (await store.ListDeliveriesAsync(BurstSize + SecondBurstSize)).Count(d => wanted.Contains(d.Id));
            var jobs = (long)(await PostgresDatabaseFixture.ScalarAsync(connectionString, "SELECT COUNT(*) FROM jobs;"))!;
            if (stored == wanted.Count && pending == 0 && jobs == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"after {timeout.TotalSeconds} s: {wanted.Count - stored} not stored, {pending} pending, {jobs} jobs left\n" + string.Join("\n----\n", alive.Select(p => p.Output[^Math.Min(4000, p.Output.Length)..])));
            Assert.All(alive, p => Assert.False(p.HasExited, p.Output));
            await Task.Delay(200);
        }
    }

    /// <summary>Each delivery done or skipped as superseded, with exactly one outcome: the one for its repository.</summary>
    private static async Task AssertEachDeliveryEndedOnceAsync(IBridgeStore store, string connectionString, IReadOnlyList<string> ids)
    {
        var deliveries = (await store.ListDeliveriesAsync(BurstSize + SecondBurstSize)).Where(d => ids.Contains(d.Id)).ToList();
        Assert.Equal(ids.Count, deliveries.Count);
        var unexpected = deliveries.Where(d => !(d.Status == DeliveryStatus.Done || (d.Status == DeliveryStatus.Skipped && d.ReasonCode is "downgrade" or "already-current"))).ToList();
        Assert.True(unexpected.Count == 0, string.Join(", ", unexpected.Take(5).Select(d => $"{d.Id}: {d.Status}/{d.ReasonCode} {d.Reason}")));
        var list = string.Join(",", ids.Select(id => $"'{id}'"));
        var outcomes = (long)(await PostgresDatabaseFixture.ScalarAsync(connectionString, $"SELECT COUNT(*) FROM delivery_targets WHERE delivery_id IN ({list});"))!;
        var claims = (long)(await PostgresDatabaseFixture.ScalarAsync(connectionString, $"SELECT COUNT(*) FROM image_events WHERE delivery_id IN ({list});"))!;
        Assert.Equal((ids.Count, ids.Count), ((int)outcomes, (int)claims));
    }

    /// <summary>Each repository has exactly one pull request, open, whose branch sets <paramref name="tag"/> and is one commit on main.</summary>
    private static async Task AssertOnePullRequestPerTargetAtAsync(GitHubEmulator.GitHubEmulator github, string tag)
    {
        for (var i = 0; i < RepositoryCount; i++)
        {
            var pr = Assert.Single(github.GetPullRequests(Account, RepositoryName(i)));
            Assert.Equal("open", pr.State);
            var values = (await github.ReadFilesAsync(Account, RepositoryName(i), pr.Head))["envs/dev/values.yaml"];
            Assert.Equal($"image:\n  repository: ghcr.io/{Account}/{Package(i)}\n  tag: {tag}\n", values);
            var head = (await github.GetCommitsAsync(Account, RepositoryName(i), pr.Head))[0];
            Assert.Equal(await github.GetBranchShaAsync(Account, RepositoryName(i), "main"), Assert.Single(head.Parents));
        }
    }
}
