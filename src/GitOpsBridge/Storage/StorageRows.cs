using System.Data.Common;

namespace GitOpsBridge.Storage;

/// <summary>
/// Reads the storage records from rows, for every backend: both stores select the same columns in
/// the same order, so one mapping serves SQLite and PostgreSQL alike.
/// </summary>
internal static class StorageRows
{
    /// <summary>The columns <see cref="Delivery"/> reads, in its order.</summary>
    public const string DeliveryColumns =
        "id, source, event, received_at, status, reason_code, reason, body_sha256, installation_id, trace_id, headers";

    /// <summary>The columns <see cref="Outcome"/> reads, in its order.</summary>
    public const string OutcomeColumns = "repository, environment, status, reason_code, reason, pr_number, pr_url, pr_action";

    /// <summary>The columns <see cref="DesiredImage"/> reads, in its order.</summary>
    public const string DesiredImageColumns = "image_name, tag, digest, delivery_id, source_repository, source_commit, run_url, actor, updated_at";

    /// <summary>The columns <see cref="PullRequest"/> reads, in its order.</summary>
    public const string PullRequestColumns = "installation_id, repository, base_branch, environment, number, url, head_branch, state, updated_at";

    /// <summary>
    /// Repositories with their tracked images, one row per (repository, image); a repository that
    /// tracks nothing comes as one row with a NULL image. Fold the rows, ordered by repository.
    /// </summary>
    public const string RepositorySelect =
        """
        SELECT r.repository, r.installation_id, r.default_branch, r.config_yaml, r.config_error, r.updated_at, i.image_name
        FROM repositories AS r
        LEFT JOIN repository_images AS i ON i.repository = r.repository
        """;

    /// <summary>The columns <see cref="Job"/> reads, in its order.</summary>
    public const string JobColumns = "id, kind, key, lock_key, attempt, trace_id, not_before, last_error";

    public static string? GetNullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? GetNullableInt64(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static int? GetNullableInt32(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    /// <summary>Times are stored as unix milliseconds by every backend.</summary>
    public static DateTimeOffset GetTime(this DbDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static DeliveryRecord Delivery(DbDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetTime(3),
            StorageText.ToDeliveryStatus(reader.GetString(4)),
            reader.GetNullableString(5),
            reader.GetNullableString(6),
            reader.GetString(7),
            reader.GetNullableInt64(8),
            reader.GetNullableString(9))
        {
            Headers = reader.GetNullableString(10),
        };

    public static TargetOutcome Outcome(DbDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            StorageText.ToDeliveryStatus(reader.GetString(2)),
            reader.GetNullableString(3),
            reader.GetNullableString(4),
            reader.GetNullableInt32(5),
            reader.GetNullableString(6),
            reader.GetNullableString(7));

    public static DesiredImage DesiredImage(DbDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetNullableString(1),
            reader.GetNullableString(2),
            reader.GetString(3),
            new Provenance(reader.GetNullableString(4), reader.GetNullableString(5), reader.GetNullableString(6), reader.GetNullableString(7)),
            reader.GetTime(8));

    /// <summary>Every desired image with its target, for the "what is where" view; read by <see cref="TargetImage(DbDataReader)"/>.</summary>
    public const string ListDesiredImagesSql =
        $"""
        SELECT {DesiredImageColumns}, installation_id, repository, base_branch, environment
        FROM desired_images
        ORDER BY image_name, repository, environment, installation_id, base_branch;
        """;

    public static TargetImage TargetImage(DbDataReader reader) =>
        new(new TargetKey(reader.GetInt64(9), reader.GetString(10), reader.GetString(11), reader.GetString(12)), DesiredImage(reader));

    public const string TargetControlColumns = "kind, image_name, tag, digest, actor, created_at";

    public const string UpsertTargetControlSql =
        """
        INSERT INTO target_controls
            (installation_id, repository, base_branch, environment, kind, image_name, tag, digest, actor, created_at)
        VALUES ({0}installation_id, {0}repository, {0}base_branch, {0}environment, {0}kind, {0}image_name, {0}tag, {0}digest, {0}actor, {0}created_at)
        ON CONFLICT (installation_id, repository, base_branch, environment, kind, image_name) DO UPDATE SET
            tag = excluded.tag, digest = excluded.digest, actor = excluded.actor, created_at = excluded.created_at;
        """;

    public static TargetControl TargetControl(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetNullableString(2), reader.GetNullableString(3), reader.GetNullableString(4), reader.GetTime(5));

    public static PullRequestRecord PullRequest(DbDataReader reader) =>
        new(
            new TargetKey(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)),
            reader.GetInt32(4),
            reader.GetString(5),
            reader.GetString(6),
            reader.GetString(7),
            reader.GetTime(8));

    /// <summary>A job as stored; its attempt is the stored one, before the lease that reads it counts.</summary>
    public static Job Job(DbDataReader reader) =>
        new(
            reader.GetInt64(0),
            StorageText.ToJobKind(reader.GetString(1)),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetInt32(4),
            reader.GetNullableString(5),
            reader.GetTime(6),
            reader.GetNullableString(7));
}
