namespace GitOpsBridge.Registries;

/// <summary>Reading registry responses without trusting their size.</summary>
internal static class RegistryHttp
{
    /// <summary>Reads at most <paramref name="limit"/> bytes of <paramref name="content"/>.</summary>
    /// <exception cref="RegistryException">The body is larger than <paramref name="limit"/>.</exception>
    public static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, string host, string what, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } length && length > limit)
        {
            throw TooLarge(host, what, limit);
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(host, what, limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static RegistryException TooLarge(string host, string what, int limit) =>
        new(host, 0, $"{what} for {host} sent more than {limit / 1024} KiB; the answer was not read.");
}
