using System.Text;
using GitOpsBridge.GitHubEmulator.Repositories;

namespace GitOpsBridge.GitHubEmulator.Tests.Repositories;

public sealed class ReceivePackReportTests
{
    [Fact]
    public void Rewrite_SideBandReport_NgLineReadsAsGitHubsWithFixedLengths()
    {
        var inner = Pkt("unpack ok\n") + Pkt("ng refs/heads/main pre-receive hook declined\n") + "0000";
        var report = Encoding.ASCII.GetBytes(Pkt("\u0002remote: error: GH006\n") + Pkt("\u0001" + inner) + "0000");

        var rewritten = Encoding.ASCII.GetString(ReceivePackReport.Rewrite(report));

        var expectedInner = Pkt("unpack ok\n") + Pkt("ng refs/heads/main protected branch hook declined\n") + "0000";
        Assert.Equal(Pkt("\u0002remote: error: GH006\n") + Pkt("\u0001" + expectedInner) + "0000", rewritten);
    }

    [Fact]
    public void Rewrite_PlainReport_OnlyNgLinesChange()
    {
        var report = Encoding.ASCII.GetBytes(Pkt("unpack ok\n") + Pkt("ok refs/heads/feature\n") + Pkt("ng refs/heads/main pre-receive hook declined\n") + "0000");

        var rewritten = Encoding.ASCII.GetString(ReceivePackReport.Rewrite(report));

        Assert.Equal(Pkt("unpack ok\n") + Pkt("ok refs/heads/feature\n") + Pkt("ng refs/heads/main protected branch hook declined\n") + "0000", rewritten);
    }

    [Fact]
    public void Rewrite_NoRefusal_ReturnsTheSameBytes()
    {
        var report = Encoding.ASCII.GetBytes(Pkt("unpack ok\n") + Pkt("ok refs/heads/main\n") + "0000");

        Assert.Same(report, ReceivePackReport.Rewrite(report));
    }

    private static string Pkt(string payload) => (payload.Length + 4).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) + payload;
}
