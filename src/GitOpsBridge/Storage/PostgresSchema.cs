namespace GitOpsBridge.Storage;

/// <summary>
/// The PostgreSQL schema as numbered migrations: <c>Migrations[i]</c> takes the database from version
/// <c>i</c> to <c>i + 1</c>. Append only; never edit a migration that has shipped. The tables mirror
/// <see cref="SqliteSchema"/>; times are unix milliseconds (BIGINT), as there, so both backends keep
/// exactly the caller's and the clock's millisecond. Text that is sorted or compared is
/// <c>COLLATE "C"</c>: byte order, as SQLite sorts, whatever locale the cluster was created with.
/// </summary>
internal static class PostgresSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE deliveries (
            id              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            source          TEXT   NOT NULL,
            event           TEXT   NOT NULL,
            received_at     BIGINT NOT NULL,
            status          TEXT   NOT NULL,
            reason_code     TEXT,
            reason          TEXT,
            body_sha256     TEXT   NOT NULL,
            installation_id BIGINT,
            trace_id        TEXT,
            headers         TEXT,
            body            TEXT   NOT NULL,
            -- Insertion order, which breaks ties of received_at as SQLite's rowid does.
            seq             BIGINT GENERATED ALWAYS AS IDENTITY
        );
        CREATE INDEX deliveries_received_at ON deliveries (received_at, seq);

        CREATE TABLE delivery_targets (
            delivery_id TEXT COLLATE "C" NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
            repository  TEXT COLLATE "C" NOT NULL,
            environment TEXT COLLATE "C" NOT NULL,
            status      TEXT   NOT NULL,
            reason_code TEXT,
            reason      TEXT,
            pr_number   INTEGER,
            pr_url      TEXT,
            pr_action   TEXT,
            recorded_at BIGINT NOT NULL,
            PRIMARY KEY (delivery_id, repository, environment)
        );
        CREATE INDEX delivery_targets_pending ON delivery_targets (repository, environment, status);

        -- A missing tag or digest is stored as '', as in SQLite: NULLs never collide in a key.
        CREATE TABLE image_events (
            installation_id BIGINT NOT NULL,
            image_name      TEXT COLLATE "C" NOT NULL,
            tag             TEXT COLLATE "C" NOT NULL,
            digest          TEXT COLLATE "C" NOT NULL,
            delivery_id     TEXT   NOT NULL,
            claimed_at      BIGINT NOT NULL,
            PRIMARY KEY (installation_id, image_name, tag, digest)
        );

        CREATE TABLE desired_images (
            installation_id   BIGINT NOT NULL,
            repository        TEXT COLLATE "C" NOT NULL,
            base_branch       TEXT COLLATE "C" NOT NULL,
            environment       TEXT COLLATE "C" NOT NULL,
            image_name        TEXT COLLATE "C" NOT NULL,
            tag               TEXT,
            digest            TEXT,
            delivery_id       TEXT COLLATE "C" NOT NULL,
            source_repository TEXT,
            source_commit     TEXT,
            run_url           TEXT,
            actor             TEXT,
            updated_at        BIGINT NOT NULL,
            PRIMARY KEY (installation_id, repository, base_branch, environment, image_name)
        );
        CREATE INDEX desired_images_repository ON desired_images (repository);

        -- An identity is never reused, so a stale lease (id, owner, attempt) can never name a later job.
        CREATE TABLE jobs (
            id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind             TEXT COLLATE "C" NOT NULL,
            key              TEXT COLLATE "C" NOT NULL,
            lock_key         TEXT COLLATE "C" NOT NULL,
            attempt          INTEGER NOT NULL DEFAULT 0,
            trace_id         TEXT,
            not_before       BIGINT  NOT NULL,
            last_error       TEXT,
            lease_owner      TEXT,
            lease_expires_at BIGINT,
            enqueued_at      BIGINT  NOT NULL
        );
        CREATE INDEX jobs_due ON jobs (not_before, id);
        CREATE INDEX jobs_kind_key ON jobs (kind, key);
        CREATE INDEX jobs_lock_key ON jobs (lock_key, lease_expires_at);

        CREATE TABLE installations (
            id         BIGINT NOT NULL PRIMARY KEY,
            account    TEXT   NOT NULL,
            updated_at BIGINT NOT NULL
        );

        -- No foreign key to installations: GitHub does not promise the installation event
        -- arrives before the repository events.
        CREATE TABLE repositories (
            repository      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            installation_id BIGINT NOT NULL,
            default_branch  TEXT,
            config_yaml     TEXT,
            config_error    TEXT,
            updated_at      BIGINT NOT NULL
        );
        CREATE INDEX repositories_installation ON repositories (installation_id);

        CREATE TABLE repository_images (
            repository TEXT COLLATE "C" NOT NULL REFERENCES repositories (repository) ON DELETE CASCADE,
            image_name TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (repository, image_name)
        );
        CREATE INDEX repository_images_image ON repository_images (image_name);

        CREATE TABLE pull_requests (
            installation_id BIGINT  NOT NULL,
            repository      TEXT COLLATE "C" NOT NULL,
            base_branch     TEXT COLLATE "C" NOT NULL,
            environment     TEXT COLLATE "C" NOT NULL,
            number          INTEGER NOT NULL,
            url             TEXT    NOT NULL,
            head_branch     TEXT    NOT NULL,
            state           TEXT    NOT NULL,
            updated_at      BIGINT  NOT NULL,
            PRIMARY KEY (installation_id, repository, base_branch, environment)
        );
        CREATE INDEX pull_requests_number ON pull_requests (repository, number);
        """,
        """
        CREATE TABLE target_controls (
            installation_id BIGINT NOT NULL,
            repository      TEXT COLLATE "C" NOT NULL,
            base_branch     TEXT COLLATE "C" NOT NULL,
            environment     TEXT COLLATE "C" NOT NULL,
            kind            TEXT COLLATE "C" NOT NULL,
            image_name      TEXT COLLATE "C" NOT NULL,
            tag             TEXT,
            digest          TEXT,
            actor           TEXT,
            created_at      BIGINT NOT NULL,
            PRIMARY KEY (installation_id, repository, base_branch, environment, kind, image_name)
        );
        """,
    ];
}
