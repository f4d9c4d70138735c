using System.Globalization;

namespace GitOpsBridge.Storage;

public sealed partial class SqliteBridgeStore
{
    /// <inheritdoc />
    public async Task SetTargetControlAsync(TargetKey target, TargetControl control, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(control);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = WithTarget(connection.Command(string.Format(CultureInfo.InvariantCulture, StorageRows.UpsertTargetControlSql, "$")), target)
            .With("$kind", control.Kind)
            .With("$image_name", control.ImageName)
            .With("$tag", control.Tag)
            .With("$digest", control.Digest)
            .With("$actor", control.Actor)
            .With("$created_at", control.CreatedAt.ToUnixMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TargetControl>> GetTargetControlsAsync(TargetKey target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = WithTarget(connection.Command(
            $"SELECT {StorageRows.TargetControlColumns} FROM target_controls WHERE {TargetFilter} ORDER BY kind, image_name;"), target);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var controls = new List<TargetControl>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            controls.Add(StorageRows.TargetControl(reader));
        }

        return controls;
    }

    /// <inheritdoc />
    public async Task<int> RemoveTargetControlsAsync(TargetKey target, string kind, string? imageName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = WithTarget(connection.Command(
            $"DELETE FROM target_controls WHERE {TargetFilter} AND kind = $kind AND ($image_name IS NULL OR image_name = $image_name);"), target)
            .With("$kind", kind)
            .With("$image_name", imageName);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
