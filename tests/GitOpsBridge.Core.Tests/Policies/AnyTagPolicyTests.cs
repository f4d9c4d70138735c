using GitOpsBridge.Core.Policies;

namespace GitOpsBridge.Core.Tests.Policies;

public sealed class AnyTagPolicyTests
{
    [Theory]
    [InlineData("latest")]
    [InlineData("1.2.3")]
    [InlineData("sha-abcdef0")]
    public void Evaluate_AnyTag_IsAdmitted(string tag)
    {
        // Act
        PolicyVerdict verdict = TagPolicy.Any.Evaluate(tag);

        // Assert
        Assert.Equal(new PolicyVerdict(true, null), verdict);
    }

    [Theory]
    [InlineData("1.2.3", "1.2.4", null)]
    [InlineData("sha-abcdef0", "sha-1234567", null)]
    [InlineData("1.2.3", "1.2.3", 0)]
    public void Compare_TwoTags_OrdersNone(string a, string b, int? expected)
    {
        // Act
        int? order = TagPolicy.Any.Compare(a, b);

        // Assert
        Assert.Equal(expected, order);
    }

    [Fact]
    public void Describe_Any_IsAny()
    {
        // Act
        string description = TagPolicy.Any.Describe();

        // Assert
        Assert.Equal("any", description);
        Assert.IsType<AnyTagPolicy>(TagPolicy.Any);
    }
}
