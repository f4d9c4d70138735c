using System.Globalization;

namespace GitOpsBridge.Storage;

public sealed partial class PostgresBridgeStore
{
    /// <inheritdoc />
    public Task SetTargetControlAsync(TargetKey target, TargetControl control, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(control);
        return ExecuteAsync(
            string.Format(CultureInfo.InvariantCulture, StorageRows.UpsertTargetControlSql, "@"),
            c => WithTarget(c, target)
                .With("kind", control.Kind)
                .With("image_name", control.ImageName)
                .With("tag", control.Tag)
                .With("digest", control.Digest)
                .With("actor", control.Actor)
                .With("created_at", control.CreatedAt.ToUnixTimeMilliseconds()),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TargetControl>> GetTargetControlsAsync(TargetKey target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return await QueryAsync(
            $"SELECT {StorageRows.TargetControlColumns} FROM target_controls WHERE {TargetFilter} ORDER BY kind, image_name;",
            c => WithTarget(c, target),
            StorageRows.TargetControl,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<int> RemoveTargetControlsAsync(TargetKey target, string kind, string? imageName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return ExecuteAsync(
            $"DELETE FROM target_controls WHERE {TargetFilter} AND kind = @kind AND (@image_name::text IS NULL OR image_name = @image_name);",
            c => WithTarget(c, target).With("kind", kind).With("image_name", imageName),
            cancellationToken);
    }
}
