using System.Text.Json;

namespace GitOpsBridge.Secrets;

/// <summary>
/// The setup store of a single-node install: one JSON object in the data directory (next to the
/// SQLite database), readable by the service's user only (mode 0600). A save writes a new file
/// with that mode and renames it over the old one, so a crash never leaves half a file and the
/// secrets are never readable by others, not even for a moment.
/// </summary>
/// <param name="path">The file, e.g. <c>data/setup-secrets.json</c>.</param>
public sealed class FileSetupSecretStore(string path) : ISetupSecretStore
{
    /// <summary>The file name used in the data directory.</summary>
    public const string FileName = "setup-secrets.json";

    /// <summary>Owner read and write, nothing for group and others.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _snapshot;

    /// <summary>The file's full path.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <inheritdoc />
    public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read().Values.GetValueOrDefault(key));

    /// <inheritdoc />
    public async Task SaveAsync(IReadOnlyDictionary<string, string> secrets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var temporary = $"{Path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var merged = new Dictionary<string, string>(Read().Values, StringComparer.Ordinal);
            foreach (var (key, value) in secrets)
            {
                merged[key] = value;
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = Mode;
            }

            await using (var stream = new FileStream(temporary, options))
            {
                await JsonSerializer.SerializeAsync(stream, merged, cancellationToken: cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
            _snapshot = new Snapshot(merged, File.GetLastWriteTimeUtc(Path));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new SecretSourceException($"The setup secrets cannot be written to '{Path}': {exception.Message}", exception);
        }
        finally
        {
            File.Delete(temporary);
            _gate.Release();
        }
    }

    /// <summary>The file's contents, read again only when the file changed (an operator may edit or delete it).</summary>
    private Snapshot Read()
    {
        DateTime written;
        try
        {
            if (!File.Exists(Path))
            {
                return Snapshot.Empty;
            }

            written = File.GetLastWriteTimeUtc(Path);
            if (_snapshot is { } current && current.WrittenAt == written)
            {
                return current;
            }

            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path)) ?? [];
            return _snapshot = new Snapshot(values, written);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new SecretSourceException($"The setup secrets in '{Path}' cannot be read: {exception.GetType().Name}", exception);
        }
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, string> Values, DateTime WrittenAt)
    {
        public static readonly Snapshot Empty = new(new Dictionary<string, string>(), default);
    }
}
