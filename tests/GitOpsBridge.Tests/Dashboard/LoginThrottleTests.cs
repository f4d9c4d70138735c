using System.Net;
using GitOpsBridge.Dashboard;
using Microsoft.Extensions.Time.Testing;

namespace GitOpsBridge.Tests.Dashboard;

/// <summary>The dashboard login's guard against guessing the admin token, on a fake clock.</summary>
public sealed class LoginThrottleTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("192.0.2.7");
    private static readonly IPAddress Other = IPAddress.Parse("192.0.2.8");

    [Fact]
    public void RetryAfter_FewerFailuresThanTheLimit_AllowsTheNextAttempt()
    {
        var throttle = new LoginThrottle(new FakeTimeProvider());
        for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++)
        {
            throttle.Failed(Guesser);
        }

        Assert.Null(throttle.RetryAfter(Guesser));
    }

    [Fact]
    public void RetryAfter_LimitReached_BlocksThatAddressOnlyUntilItsOldestFailureExpires()
    {
        var time = new FakeTimeProvider();
        var throttle = new LoginThrottle(time);
        throttle.Failed(Guesser);
        time.Advance(TimeSpan.FromSeconds(20));
        for (var i = 1; i < LoginThrottle.MaxFailures; i++)
        {
            throttle.Failed(Guesser);
        }

        Assert.Equal(TimeSpan.FromSeconds(40), throttle.RetryAfter(Guesser));
        Assert.Null(throttle.RetryAfter(Other));

        time.Advance(TimeSpan.FromSeconds(40));
        Assert.Null(throttle.RetryAfter(Guesser));
    }
}
