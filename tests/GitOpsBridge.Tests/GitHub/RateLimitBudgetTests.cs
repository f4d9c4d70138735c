using System.Globalization;
using GitOpsBridge.GitHub;

namespace GitOpsBridge.Tests.GitHub;

public sealed class RateLimitBudgetTests
{
    private const long Installation = 7;

    [Fact]
    public async Task Observe_403WithRetryAfter_BlocksThatLongAndWaitAsyncParksUntilThen()
    {
        var time = FakeTime.AtWholeSecond();
        var budget = new RateLimitBudget(time);

        budget.Observe(Installation, 403, new Dictionary<string, string> { ["Retry-After"] = "30", ["x-ratelimit-remaining"] = "4000" });
        var wait = budget.WaitAsync(Installation, contentCreating: false).AsTask();
        await time.WaitForTimerAsync();
        time.Advance(TimeSpan.FromSeconds(29));
        var stillWaiting = !wait.IsCompleted;
        time.Advance(TimeSpan.FromSeconds(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(stillWaiting);
        Assert.Equal(TimeSpan.Zero, budget.DelayFor(Installation, contentCreating: false));
        Assert.Equal(TimeSpan.Zero, budget.DelayFor(Installation + 1, contentCreating: false));
    }

    [Fact]
    public void Observe_RemainingZero_WaitsForTheReset()
    {
        var time = FakeTime.AtWholeSecond();
        var budget = new RateLimitBudget(time);
        var reset = time.GetUtcNow().AddMinutes(42);

        budget.Observe(Installation, 200, Headers(remaining: 0, reset));
        var blocked = budget.DelayFor(Installation, contentCreating: false);
        time.Advance(TimeSpan.FromMinutes(42));

        Assert.Equal(TimeSpan.FromMinutes(42), blocked);
        Assert.Equal(0, budget.Remaining(Installation));
        Assert.Equal(TimeSpan.Zero, budget.DelayFor(Installation, contentCreating: false));
    }

    [Fact]
    public void Observe_403PrimaryLimitWithoutRetryAfter_WaitsForTheReset()
    {
        var time = FakeTime.AtWholeSecond();
        var budget = new RateLimitBudget(time);

        budget.Observe(Installation, 403, Headers(remaining: 0, time.GetUtcNow().AddSeconds(90)));

        Assert.Equal(TimeSpan.FromSeconds(90), budget.DelayFor(Installation, contentCreating: true));
    }

    [Fact]
    public void Observe_429WithoutHeaders_WaitsAMinute()
    {
        var time = FakeTime.AtWholeSecond();
        var budget = new RateLimitBudget(time);

        budget.Observe(Installation, 429, new Dictionary<string, string>());

        Assert.Equal(TimeSpan.FromMinutes(1), budget.DelayFor(Installation, contentCreating: false));
    }

    [Fact]
    public void Observe_RetryAfterAsHttpDateAndAnyHeaderCase_IsRead()
    {
        var time = FakeTime.AtWholeSecond();
        var budget = new RateLimitBudget(time);

        budget.Observe(Installation, 429, new Dictionary<string, string> { ["RETRY-AFTER"] = time.GetUtcNow().AddSeconds(75).ToString("r", CultureInfo.InvariantCulture) });

        Assert.Equal(TimeSpan.FromSeconds(75), budget.DelayFor(Installation, contentCreating: false));
    }

    [Fact]
    public void Observe_SuccessWithRetryAfter_DoesNotBlock()
    {
        var time = FakeTime.AtWholeSecond();
        var budget = new RateLimitBudget(time);

        budget.Observe(Installation, 202, new Dictionary<string, string> { ["Retry-After"] = "30", ["x-ratelimit-remaining"] = "12" });

        Assert.Equal(TimeSpan.Zero, budget.DelayFor(Installation, contentCreating: false));
        Assert.Equal(12, budget.Remaining(Installation));
    }

    [Fact]
    public async Task WaitAsync_ContentCreating_AtMost80AMinuteWhileReadsGoOn()
    {
        var time = FakeTime.AtWholeSecond();
        var budget = new RateLimitBudget(time);
        for (var i = 0; i < RateLimitBudget.ContentCreatingPerMinute; i++)
        {
            await budget.WaitAsync(Installation, contentCreating: true);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var readDelay = budget.DelayFor(Installation, contentCreating: false);
        var writeDelay = budget.DelayFor(Installation, contentCreating: true);
        var write = budget.WaitAsync(Installation, contentCreating: true).AsTask();
        await time.WaitForTimerAsync();
        time.Advance(writeDelay);
        await write.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.Zero, readDelay);
        Assert.Equal(TimeSpan.FromSeconds(60) - TimeSpan.FromMilliseconds(100 * RateLimitBudget.ContentCreatingPerMinute), writeDelay);
    }

    [Fact]
    public async Task WaitAsync_LetsCallsThrough_SpendsTheKnownRemaining()
    {
        var time = FakeTime.AtWholeSecond();
        var budget = new RateLimitBudget(time);
        budget.Observe(Installation, 200, Headers(remaining: 2, time.GetUtcNow().AddMinutes(10)));

        await budget.WaitAsync(Installation, contentCreating: false);
        await budget.WaitAsync(Installation, contentCreating: false);

        Assert.Equal(0, budget.Remaining(Installation));
        Assert.Equal(TimeSpan.FromMinutes(10), budget.DelayFor(Installation, contentCreating: false));
    }

    [Fact]
    public async Task WaitAsync_Cancelled_StopsWaiting()
    {
        var time = FakeTime.AtWholeSecond();
        var budget = new RateLimitBudget(time);
        budget.Observe(Installation, 429, new Dictionary<string, string> { ["Retry-After"] = "600" });
        using var cancellation = new CancellationTokenSource();

        var wait = budget.WaitAsync(Installation, contentCreating: false, cancellation.Token).AsTask();
        await time.WaitForTimerAsync();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    private static Dictionary<string, string> Headers(int remaining, DateTimeOffset reset) => new()
    {
        ["x-ratelimit-limit"] = "5000",
        ["x-ratelimit-remaining"] = remaining.ToString(CultureInfo.InvariantCulture),
        ["x-ratelimit-reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
    };
}
