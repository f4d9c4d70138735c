using System.Globalization;
using System.Text;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>
/// Rewrites a receive-pack report so a refusal by the emulator's protection hook reads as GitHub's:
/// git reports <c>ng refs/heads/main pre-receive hook declined</c>, GitHub
/// <c>ng refs/heads/main protected branch hook declined</c>. The report is pkt-lines, wrapped in
/// side-band channel 1 when the client asked for side-band.
/// https://git-scm.com/docs/gitprotocol-pack#_report_status
/// </summary>
internal static class ReceivePackReport
{
    private const string GitDeclined = " pre-receive hook declined";
    private const string GitHubDeclined = " protected branch hook declined";

    public static byte[] Rewrite(byte[] response)
    {
        if (!Encoding.ASCII.GetString(response).Contains(GitDeclined, StringComparison.Ordinal))
        {
            return response;
        }

        var output = new MemoryStream();
        var position = 0;
        while (Next(response, ref position, out var payload))
        {
            if (payload is null)
            {
                output.Write("0000"u8);
                continue;
            }

            if (payload.Length > 0 && payload[0] == 1)
            {
                // Side-band channel 1 carries the report as pkt-lines of its own.
                var inner = Rewrite(payload[1..]);
                Write(output, [1, .. inner]);
            }
            else
            {
                Write(output, Line(payload));
            }
        }

        output.Write(response.AsSpan(position));
        return output.ToArray();
    }

    /// <summary>Reads one pkt-line: false at the end (or on a malformed length), a null payload for a flush.</summary>
    private static bool Next(byte[] data, ref int position, out byte[]? payload)
    {
        payload = null;
        if (position + 4 > data.Length
            || !int.TryParse(Encoding.ASCII.GetString(data, position, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var length)
            || (length >= 4 && position + length > data.Length) || length is > 0 and < 4)
        {
            return false;
        }

        if (length == 0)
        {
            position += 4;
            return true;
        }

        payload = data[(position + 4)..(position + length)];
        position += length;
        return true;
    }

    private static byte[] Line(byte[] payload)
    {
        var text = Encoding.UTF8.GetString(payload);
        return text.StartsWith("ng ", StringComparison.Ordinal) ? Encoding.UTF8.GetBytes(text.Replace(GitDeclined, GitHubDeclined, StringComparison.Ordinal)) : payload;
    }

    private static void Write(MemoryStream output, byte[] payload)
    {
        output.Write(Encoding.ASCII.GetBytes((payload.Length + 4).ToString("x4", CultureInfo.InvariantCulture)));
        output.Write(payload);
    }
}
