namespace GitOpsBridge.Storage;

/// <summary>
/// The SQLite schema as numbered migrations: <c>Migrations[i]</c> takes the database from version
/// <c>i</c> to <c>i + 1</c>. Append only; never edit a migration that has shipped.
/// Times are unix milliseconds (INTEGER).
/// </summary>
internal static class SqliteSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE deliveries (
            id              TEXT    NOT NULL PRIMARY KEY,
            source          TEXT    NOT NULL,
            event           TEXT    NOT NULL,
            received_at     INTEGER NOT NULL,
            status          TEXT    NOT NULL,
            reason_code     TEXT,
            reason          TEXT,
            body_sha256     TEXT    NOT NULL,
            installation_id INTEGER,
            trace_id        TEXT,
            body            TEXT    NOT NULL
        );
        CREATE INDEX deliveries_received_at ON deliveries (received_at);

        CREATE TABLE delivery_targets (
            delivery_id TEXT    NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
            repository  TEXT    NOT NULL,
            environment TEXT    NOT NULL,
            status      TEXT    NOT NULL,
            reason_code TEXT,
            reason      TEXT,
            pr_number   INTEGER,
            pr_url      TEXT,
            pr_action   TEXT,
            recorded_at INTEGER NOT NULL,
            PRIMARY KEY (delivery_id, repository, environment)
        );

        -- A missing tag or digest is stored as '': NULLs never collide in a key, so
        -- (image, no tag, digest X) could otherwise be claimed twice.
        CREATE TABLE image_events (
            installation_id INTEGER NOT NULL,
            image_name      TEXT    NOT NULL,
            tag             TEXT    NOT NULL,
            digest          TEXT    NOT NULL,
            delivery_id     TEXT    NOT NULL,
            claimed_at      INTEGER NOT NULL,
            PRIMARY KEY (installation_id, image_name, tag, digest)
        );

        CREATE TABLE desired_images (
            installation_id   INTEGER NOT NULL,
            repository        TEXT    NOT NULL,
            base_branch       TEXT    NOT NULL,
            environment       TEXT    NOT NULL,
            image_name        TEXT    NOT NULL,
            tag               TEXT,
            digest            TEXT,
            delivery_id       TEXT    NOT NULL,
            source_repository TEXT,
            source_commit     TEXT,
            run_url           TEXT,
            actor             TEXT,
            updated_at        INTEGER NOT NULL,
            PRIMARY KEY (installation_id, repository, base_branch, environment, image_name)
        );
        CREATE INDEX desired_images_repository ON desired_images (repository);

        -- AUTOINCREMENT: ids are never reused, so a stale lease (id, owner, attempt) can never
        -- name a later job that happens to get the id of a deleted one.
        CREATE TABLE jobs (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            kind             TEXT    NOT NULL,
            key              TEXT    NOT NULL,
            lock_key         TEXT    NOT NULL,
            attempt          INTEGER NOT NULL DEFAULT 0,
            trace_id         TEXT,
            not_before       INTEGER NOT NULL,
            last_error       TEXT,
            lease_owner      TEXT,
            lease_expires_at INTEGER,
            enqueued_at      INTEGER NOT NULL
        );
        CREATE INDEX jobs_due ON jobs (not_before, id);
        CREATE INDEX jobs_kind_key ON jobs (kind, key);
        CREATE INDEX jobs_lock_key ON jobs (lock_key, lease_expires_at);

        CREATE TABLE installations (
            id         INTEGER NOT NULL PRIMARY KEY,
            account    TEXT    NOT NULL,
            updated_at INTEGER NOT NULL
        );

        -- No foreign key to installations: GitHub does not promise the installation event
        -- arrives before the repository events.
        CREATE TABLE repositories (
            repository      TEXT    NOT NULL PRIMARY KEY,
            installation_id INTEGER NOT NULL,
            default_branch  TEXT,
            config_yaml     TEXT,
            config_error    TEXT,
            updated_at      INTEGER NOT NULL
        );
        CREATE INDEX repositories_installation ON repositories (installation_id);

        CREATE TABLE repository_images (
            repository TEXT NOT NULL REFERENCES repositories (repository) ON DELETE CASCADE,
            image_name TEXT NOT NULL,
            PRIMARY KEY (repository, image_name)
        );
        CREATE INDEX repository_images_image ON repository_images (image_name);

        CREATE TABLE pull_requests (
            installation_id INTEGER NOT NULL,
            repository      TEXT    NOT NULL,
            base_branch     TEXT    NOT NULL,
            environment     TEXT    NOT NULL,
            number          INTEGER NOT NULL,
            url             TEXT    NOT NULL,
            head_branch     TEXT    NOT NULL,
            state           TEXT    NOT NULL,
            updated_at      INTEGER NOT NULL,
            PRIMARY KEY (installation_id, repository, base_branch, environment)
        );
        CREATE INDEX pull_requests_number ON pull_requests (repository, number);
        """,
        """
        ALTER TABLE deliveries ADD COLUMN headers TEXT;
        """,
        """
        CREATE TABLE target_controls (
            installation_id INTEGER NOT NULL,
            repository      TEXT    NOT NULL,
            base_branch     TEXT    NOT NULL,
            environment     TEXT    NOT NULL,
            kind            TEXT    NOT NULL,
            image_name      TEXT    NOT NULL,
            tag             TEXT,
            digest          TEXT,
            actor           TEXT,
            created_at      INTEGER NOT NULL,
            PRIMARY KEY (installation_id, repository, base_branch, environment, kind, image_name)
        );
        """,
    ];
}
