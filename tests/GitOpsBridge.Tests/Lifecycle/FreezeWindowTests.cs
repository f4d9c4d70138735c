using GitOpsBridge.Storage;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Lifecycle;

/// <summary>
/// A freeze window of an environment, end to end on a fake clock (the service's and the
/// emulator's) with real events: changes are held during the freeze and flow when it ends.
/// </summary>
public sealed class FreezeWindowTests
{
    /// <summary>A Monday.</summary>
    private static readonly DateTimeOffset Monday0850 = new(2026, 11, 30, 8, 50, 0, TimeSpan.Zero);

    private static readonly string Config = LifecycleScenario.Config
        + "\n    freeze:\n      - { days: [mon], start: \"09:00\", end: \"09:30\", timeZone: Europe/London }\n";

    [SkippableFact]
    public async Task FreezeWindow_ChangesAccumulate_AndFlowWhenItEnds()
    {
        await using var pumped = new PumpedClock(Monday0850);
        var clock = pumped.Clock;
        await using var s = await LifecycleScenario.StartAsync(new Dictionary<string, string?> { ["Worker:PollInterval"] = "00:00:00.100" }, clock, Config);
        await s.PushImageAsync("hello-world-npm", "1.5.0", "before-freeze");
        var pr = s.SinglePullRequest("open");

        pumped.AdvanceTo(Monday0850.AddMinutes(10));
        await s.Bridge.PostAsync("registry_package", s.PackageEvent("hello-world-npm", "1.6.0"), "frozen-hello");
        await s.Bridge.PostAsync("registry_package", s.PackageEvent("web", "2.1.0"), "frozen-web");
        var hello = await WaitForOutcomeAsync(s, "frozen-hello", o => o.ReasonCode == "frozen");
        var web = await WaitForOutcomeAsync(s, "frozen-web", o => o.ReasonCode == "frozen");
        var whileFrozen = await s.GitHub.ReadFilesAsync(LifecycleScenario.Owner, LifecycleScenario.Name, pr.Head);

        Assert.Equal(DeliveryStatus.Pending, hello.Status);
        Assert.Equal(DeliveryStatus.Pending, web.Status);
        Assert.Contains("frozen until 2026-11-30 09:30 UTC", hello.Reason, StringComparison.Ordinal);
        Assert.Contains("tag: 1.5.0", whileFrozen["envs/dev/hello.yaml"], StringComparison.Ordinal);
        Assert.Contains("tag: 2.0.0", whileFrozen["envs/dev/web.yaml"], StringComparison.Ordinal);
        Assert.Equal(["1.6.0", "2.1.0"], (await s.Store.GetDesiredImagesAsync(s.Dev)).Select(d => d.Tag).Order(StringComparer.Ordinal));
        Assert.Contains(await s.Store.ListJobsAsync(10), j => j.Kind == JobKind.Target && j.NotBefore == new DateTimeOffset(2026, 11, 30, 9, 30, 0, TimeSpan.Zero));

        pumped.AdvanceTo(new DateTimeOffset(2026, 11, 30, 9, 30, 0, TimeSpan.Zero));

        Assert.Contains("tag: 1.6.0", await s.WaitForFileAsync(pr.Head, "envs/dev/hello.yaml", "tag: 1.6.0"), StringComparison.Ordinal);
        Assert.Contains("tag: 2.1.0", await s.WaitForFileAsync(pr.Head, "envs/dev/web.yaml", "tag: 2.1.0"), StringComparison.Ordinal);
        Assert.Equal("done", (await s.Bridge.WaitForDeliveryAsync("frozen-hello")).GetProperty("status").GetString());
        Assert.Equal("done", (await s.Bridge.WaitForDeliveryAsync("frozen-web")).GetProperty("status").GetString());
        Assert.Equal(pr.Number, s.SinglePullRequest("open").Number);
    }

    private static async Task<TargetOutcome> WaitForOutcomeAsync(LifecycleScenario s, string deliveryId, Func<TargetOutcome, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var outcome = (await s.Store.GetTargetOutcomesAsync(deliveryId)).FirstOrDefault();
            if ((outcome is not null && done(outcome)) || DateTime.UtcNow > deadline)
            {
                return outcome ?? throw new TimeoutException($"no outcome for {deliveryId}");
            }

            await Task.Delay(50);
        }
    }
}
