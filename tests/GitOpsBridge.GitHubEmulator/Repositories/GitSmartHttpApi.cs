using System.IO.Compression;
using System.Text;
using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>
/// Git smart HTTP at <c>/{owner}/{repo}.git</c>, served by <c>git http-backend</c> as a CGI child
/// process per request. Authentication has already happened (Basic, <c>x-access-token</c>).
/// https://git-scm.com/docs/git-http-backend
/// </summary>
internal static class GitSmartHttpApi
{
    public static void MapGitSmartHttp(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHub(GitHubRoutes.GitInfoRefs, Authentication.GitBasic, c => ServeAsync(c, c.State(), c.Value("owner"), c.Value("repo")));
        endpoints.MapGitHub(GitHubRoutes.GitUploadPack, Authentication.GitBasic, c => ServeAsync(c, c.State(), c.Value("owner"), c.Value("repo")));
        endpoints.MapGitHub(GitHubRoutes.GitReceivePack, Authentication.GitBasic, c => ServeAsync(c, c.State(), c.Value("owner"), c.Value("repo")));
    }

    private static async Task ServeAsync(HttpContext context, EmulatorState state, string owner, string repo)
    {
        var repository = state.FindRepository(owner, repo)!;
        var request = context.Request;
        var cancellationToken = context.RequestAborted;

        // Buffered whole: it lets a fetch be told apart from a protocol v2 ls-refs, and gives CONTENT_LENGTH.
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        var service = request.Path.Value!.EndsWith("/git-upload-pack", StringComparison.Ordinal) ? "git-upload-pack" : null;
        if (service is not null && IsFetch(body.ToArray(), request.Headers.ContentEncoding.ToString()))
        {
            context.Items[EmulatorRouteExtensions.GitFetchItem] = true;
        }

        var suffix = request.Path.Value![(request.Path.Value.IndexOf(".git/", StringComparison.Ordinal) + ".git".Length)..];
        var environment = new Dictionary<string, string>
        {
            ["GIT_PROJECT_ROOT"] = state.RepositoriesRoot,
            ["GIT_HTTP_EXPORT_ALL"] = "1",
            ["PATH_INFO"] = $"/{repository.Owner}/{repository.Name}.git{suffix}",
            ["REQUEST_METHOD"] = request.Method,
            ["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty,
            ["CONTENT_TYPE"] = request.ContentType ?? string.Empty,
            ["CONTENT_LENGTH"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["REMOTE_USER"] = "x-access-token",
            ["REMOTE_ADDR"] = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
            ["SERVER_PROTOCOL"] = request.Protocol,
            ["GATEWAY_INTERFACE"] = "CGI/1.1",
        };
        if (request.Headers.TryGetValue("Git-Protocol", out var protocol))
        {
            environment["GIT_PROTOCOL"] = protocol.ToString();
        }

        if (request.Headers.ContentEncoding.Count > 0)
        {
            environment["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();
        }

        using var process = GitCli.Start(["http-backend"], environment);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var writeBody = Task.Run(
            async () =>
            {
                body.Position = 0;
                await body.CopyToAsync(process.StandardInput.BaseStream, cancellationToken).ConfigureAwait(false);
                process.StandardInput.Close();
            },
            cancellationToken);

        var output = process.StandardOutput.BaseStream;
        await WriteCgiHeadersAsync(context.Response, output, cancellationToken).ConfigureAwait(false);
        if (request.Path.Value!.EndsWith("/git-receive-pack", StringComparison.Ordinal) && repository.HasProtection)
        {
            // The report is small; buffered so a protection refusal can read as GitHub's.
            using var report = new MemoryStream();
            await output.CopyToAsync(report, cancellationToken).ConfigureAwait(false);
            await context.Response.Body.WriteAsync(ReceivePackReport.Rewrite(report.ToArray()), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await output.CopyToAsync(context.Response.Body, cancellationToken).ConfigureAwait(false);
        }
        await writeBody.ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await stderr.ConfigureAwait(false);
    }

    /// <summary>Reads the CGI header block (up to the blank line) and applies it to the response.</summary>
    private static async Task WriteCgiHeadersAsync(HttpResponse response, Stream output, CancellationToken cancellationToken)
    {
        var header = new List<byte>();
        var one = new byte[1];
        while (await output.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1)
        {
            header.Add(one[0]);
            var count = header.Count;
            if ((count >= 2 && header[count - 1] == '\n' && header[count - 2] == '\n')
                || (count >= 4 && header[count - 1] == '\n' && header[count - 2] == '\r' && header[count - 3] == '\n'))
            {
                break;
            }
        }

        response.StatusCode = 200;
        foreach (var line in Encoding.ASCII.GetString([.. header]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }
    }

    /// <summary>A protocol v2 <c>ls-refs</c> only lists refs; anything else sent to upload-pack fetches objects.</summary>
    private static bool IsFetch(byte[] body, string contentEncoding)
    {
        try
        {
            var plain = body;
            if (contentEncoding.Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
                using var decompressed = new MemoryStream();
                gzip.CopyTo(decompressed);
                plain = decompressed.ToArray();
            }

            return !Encoding.ASCII.GetString(plain).Contains("command=ls-refs", StringComparison.Ordinal);
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }
}
