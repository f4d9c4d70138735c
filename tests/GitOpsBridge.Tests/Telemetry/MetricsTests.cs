using System.Globalization;
using System.Text.RegularExpressions;

namespace GitOpsBridge.Tests.Telemetry;

/// <summary>/metrics after a real webhook → pull request flow against the GitHub emulator.</summary>
public sealed partial class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterWebhookOpensPullRequest_CarriesEveryBridgeMetric()
    {
        await using var s = await PublishScenario.StartAsync(new Dictionary<string, string?> { ["Telemetry:QueueSampleInterval"] = "00:00:00.100" });
        var delivery = await s.PublishAsync("1.5.0", "metrics-1");
        Assert.Equal("done", delivery.GetProperty("status").GetString());

        var samples = await ScrapeUntilAsync(s.Bridge.Client, "gitops_bridge_queue_depth");

        Assert.Contains(samples, m => m.Name == "gitops_bridge_deliveries_total" && m.Labels.Contains("source=\"github\"", StringComparison.Ordinal) && m.Labels.Contains("outcome=\"done\"", StringComparison.Ordinal) && m.Value >= 1);
        var count = samples.Where(m => m.Name == "gitops_bridge_event_to_pr_seconds_count" && m.Labels.Contains("action=\"opened\"", StringComparison.Ordinal)).ToList();
        var sum = samples.Where(m => m.Name == "gitops_bridge_event_to_pr_seconds_sum" && m.Labels.Contains("action=\"opened\"", StringComparison.Ordinal)).ToList();
        Assert.Contains(count, m => m.Value >= 1);
        Assert.Contains(sum, m => m.Value is > 0 and < 60);
        Assert.Contains(samples, m => m.Name == "gitops_bridge_event_to_pr_seconds_bucket" && m.Labels.Contains("le=\"0.1\"", StringComparison.Ordinal));
        foreach (var state in new[] { "pending", "leased", "retrying" })
        {
            Assert.Contains(samples, m => m.Name == "gitops_bridge_queue_depth" && m.Labels.Contains($"state=\"{state}\"", StringComparison.Ordinal) && m.Value >= 0);
        }

        Assert.Contains(samples, m => m.Name == "gitops_bridge_queue_oldest_age_seconds" && m.Value >= 0);
        var installation = s.InstallationId.ToString(CultureInfo.InvariantCulture);
        Assert.Contains(samples, m => m.Name == "gitops_bridge_github_rate_limit_remaining" && m.Labels.Contains($"installation=\"{installation}\"", StringComparison.Ordinal) && m.Value is > 0 and <= 100_000);
        Assert.Contains(samples, m => m.Name == "gitops_bridge_github_reachable" && m.Value == 1);
        Assert.Contains(samples, m => m.Name == "gitops_bridge_git_push_retries_total" && m.Labels.Contains("reason=\"base-moved\"", StringComparison.Ordinal) && m.Value >= 0);
    }

    /// <summary>Scrapes until a metric appears (the queue gauges wait for the first sample), at most 15 s.</summary>
    internal static async Task<IReadOnlyList<Sample>> ScrapeUntilAsync(HttpClient client, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var response = await client.GetAsync("/metrics");
            response.EnsureSuccessStatusCode();
            var samples = Parse(await response.Content.ReadAsStringAsync());
            if (samples.Any(m => m.Name == name) || DateTime.UtcNow > deadline)
            {
                return samples;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The samples of a Prometheus text exposition: <c>name{labels} value</c>, comments skipped.</summary>
    internal static IReadOnlyList<Sample> Parse(string text) =>
        [.. text.Split('\n').Select(l => SampleLine().Match(l)).Where(m => m.Success)
            .Select(m => new Sample(m.Groups["name"].Value, m.Groups["labels"].Value, double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture)))];

    internal sealed record Sample(string Name, string Labels, double Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>[-+0-9.eE]+)(\s+\d+)?\s*$")]
    private static partial Regex SampleLine();
}
