using GitOpsBridge.GitHub;
using GitOpsBridge.GitHubEmulator;

namespace GitOpsBridge.Tests.GitHub;

public sealed class GitHubApiHookDeliveryTests
{
    private const string Payload = """{"action":"published","registry_package":{"name":"api"},"installation":{"id":7}}""";

    [Fact]
    public async Task ListHookDeliveries_SinceATime_PagesByCursorAndStopsAtOlderOnes()
    {
        var time = FakeTime.AtWholeSecond();
        await using var scenario = await GitHubScenario.StartAsync(time, pageSize: 2);
        var github = scenario.Emulator;
        var now = time.GetUtcNow();
        github.AddFailedDelivery("push", """{"ref":"refs/heads/main"}""", deliveredAt: now.AddHours(-5));
        github.AddFailedDelivery("push", """{"ref":"refs/heads/main"}""", deliveredAt: now.AddHours(-4));
        var recent = Enumerable.Range(1, 3).Reverse().Select(i => github.AddFailedDelivery("registry_package", Payload, statusCode: 500 + i, deliveredAt: now.AddMinutes(-10 * i))).Reverse().ToList();
        github.Calls.Reset();

        var deliveries = await scenario.Api.ListHookDeliveriesAsync(now.AddHours(-1));

        Assert.Equal(recent.Select(d => d.Id), deliveries.Select(d => d.Id));
        var first = deliveries[0];
        Assert.Equal(new HookDeliveryInfo(recent[0].Id, recent[0].Guid, "registry_package", "Invalid HTTP Response: 501", 501, false, now.AddMinutes(-10)), first);
        Assert.Equal(2, github.Calls[GitHubRoutes.ListHookDeliveries]); // the second page reaches back past `since`
        github.AssertNoSpecViolations();
    }

    [Fact]
    public async Task ListHookDeliveries_ManyPages_StopsAtTheBound()
    {
        await using var scenario = await GitHubScenario.StartAsync(pageSize: 1);
        for (var i = 0; i < 12; i++)
        {
            scenario.Emulator.AddFailedDelivery("push", """{"ref":"refs/heads/main"}""");
        }

        scenario.Emulator.Calls.Reset();

        var deliveries = await scenario.Api.ListHookDeliveriesAsync(DateTimeOffset.UnixEpoch);

        Assert.Equal(scenario.Api.MaxHookDeliveryPages, deliveries.Count);
        Assert.Equal(scenario.Api.MaxHookDeliveryPages, scenario.Emulator.Calls[GitHubRoutes.ListHookDeliveries]);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Redeliver_AsksGitHubToSendItAgain()
    {
        await using var scenario = await GitHubScenario.StartAsync();
        var failed = scenario.Emulator.AddFailedDelivery("registry_package", Payload);

        await scenario.Api.RedeliverAsync(failed.Id);
        var redelivery = await scenario.Emulator.WaitForRedeliveryAsync(failed.Id).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(redelivery.Redelivery);
        Assert.Equal(failed.Guid, redelivery.Guid);
        Assert.Equal(1, scenario.Emulator.Calls[GitHubRoutes.RedeliverHookDelivery]);
        scenario.Emulator.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Redeliver_UnknownDelivery_Fails404()
    {
        await using var scenario = await GitHubScenario.StartAsync();

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => scenario.Api.RedeliverAsync(424242));

        Assert.Equal(404, error.StatusCode);
        scenario.Emulator.AssertNoSpecViolations();
    }
}
