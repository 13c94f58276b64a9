import GRDB

/// The named, append-only migrations. A shipped migration is never edited: a change is a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: """
                CREATE TABLE instance_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    format INTEGER NOT NULL,
                    write_counter INTEGER NOT NULL,
                    audit_head BLOB NOT NULL
                );
                INSERT INTO instance_state (id, format, write_counter, audit_head) VALUES (1, 1, 0, zeroblob(32));

                CREATE TABLE principal (
                    id BLOB PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    salt BLOB NOT NULL,
                    scrypt_log2n INTEGER NOT NULL,
                    scrypt_r INTEGER NOT NULL,
                    scrypt_p INTEGER NOT NULL,
                    wrapped_root_pass BLOB NOT NULL,
                    wrapped_root_recovery BLOB NOT NULL,
                    x25519_public BLOB NOT NULL,
                    ed25519_public BLOB NOT NULL,
                    x25519_private BLOB NOT NULL,
                    ed25519_private BLOB NOT NULL
                );

                CREATE TABLE tacit_group (
                    id BLOB PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    facilitator_id BLOB REFERENCES principal(id),
                    created_at INTEGER NOT NULL
                );

                CREATE TABLE membership (
                    group_id BLOB NOT NULL REFERENCES tacit_group(id) ON DELETE CASCADE,
                    principal_id BLOB NOT NULL REFERENCES principal(id),
                    joined_at INTEGER NOT NULL,
                    PRIMARY KEY (group_id, principal_id)
                ) WITHOUT ROWID;
                CREATE INDEX membership_principal ON membership(principal_id);

                CREATE TABLE enrollment_code (
                    code_hash BLOB PRIMARY KEY,
                    name TEXT,
                    role TEXT NOT NULL,
                    group_id BLOB REFERENCES tacit_group(id) ON DELETE CASCADE,
                    expires_at INTEGER NOT NULL,
                    used_at INTEGER
                );

                CREATE TABLE cycle (
                    id BLOB PRIMARY KEY,
                    group_id BLOB NOT NULL REFERENCES tacit_group(id) ON DELETE CASCADE,
                    session1_at INTEGER NOT NULL,
                    session2_at INTEGER NOT NULL,
                    session_minutes INTEGER NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX cycle_group ON cycle(group_id);

                CREATE TABLE entry (
                    id BLOB PRIMARY KEY,
                    author_id BLOB NOT NULL REFERENCES principal(id),
                    group_id BLOB REFERENCES tacit_group(id),
                    cycle_id BLOB REFERENCES cycle(id),
                    kind TEXT NOT NULL,
                    iso_week TEXT NOT NULL,
                    size_bucket INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    ciphertext BLOB NOT NULL,
                    wrapped_key BLOB NOT NULL,
                    needs_rekey INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX entry_author ON entry(author_id);

                CREATE TABLE share (
                    id BLOB PRIMARY KEY,
                    entry_id BLOB NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
                    author_id BLOB NOT NULL REFERENCES principal(id),
                    group_id BLOB REFERENCES tacit_group(id),
                    audience BLOB NOT NULL,
                    version INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    commitment BLOB NOT NULL,
                    signature BLOB NOT NULL
                );
                CREATE INDEX share_entry ON share(entry_id);

                CREATE TABLE share_seal (
                    share_id BLOB NOT NULL REFERENCES share(id) ON DELETE CASCADE,
                    reader_id BLOB NOT NULL REFERENCES principal(id),
                    seal BLOB NOT NULL,
                    PRIMARY KEY (share_id, reader_id)
                ) WITHOUT ROWID;
                CREATE INDEX share_seal_reader ON share_seal(reader_id);

                CREATE TABLE share_read (
                    share_id BLOB NOT NULL REFERENCES share(id) ON DELETE CASCADE,
                    reader_id BLOB NOT NULL REFERENCES principal(id),
                    first_read_at INTEGER NOT NULL,
                    PRIMARY KEY (share_id, reader_id)
                ) WITHOUT ROWID;

                CREATE TABLE group_object (
                    id BLOB PRIMARY KEY,
                    group_id BLOB NOT NULL REFERENCES tacit_group(id) ON DELETE CASCADE,
                    cycle_id BLOB REFERENCES cycle(id) ON DELETE CASCADE,
                    author_id BLOB NOT NULL REFERENCES principal(id),
                    kind TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    ciphertext BLOB NOT NULL,
                    wrapped_key BLOB NOT NULL,
                    signature BLOB NOT NULL
                );

                CREATE TABLE group_object_seal (
                    object_id BLOB NOT NULL REFERENCES group_object(id) ON DELETE CASCADE,
                    member_id BLOB NOT NULL REFERENCES principal(id),
                    seal BLOB NOT NULL,
                    PRIMARY KEY (object_id, member_id)
                ) WITHOUT ROWID;

                CREATE TABLE jot (
                    id BLOB PRIMARY KEY,
                    principal_id BLOB NOT NULL REFERENCES principal(id),
                    box BLOB NOT NULL
                );

                CREATE TABLE pin (
                    owner_id BLOB NOT NULL REFERENCES principal(id),
                    peer_id BLOB NOT NULL REFERENCES principal(id),
                    x25519_public BLOB NOT NULL,
                    ed25519_public BLOB NOT NULL,
                    mac BLOB NOT NULL,
                    PRIMARY KEY (owner_id, peer_id)
                ) WITHOUT ROWID;

                CREATE TABLE manifest (
                    principal_id BLOB PRIMARY KEY REFERENCES principal(id),
                    counter INTEGER NOT NULL,
                    set_hash BLOB NOT NULL,
                    mac BLOB NOT NULL
                );

                CREATE TABLE audit_record (
                    sequence INTEGER PRIMARY KEY,
                    record BLOB NOT NULL,
                    hash BLOB NOT NULL
                );
                """)
        }
        // The daemon's capture tokens (jots without unlocking), and invitations that appoint a
        // facilitator at enrollment.
        migrator.registerMigration("v2-capture-tokens-facilitator-invites") { db in
            try db.execute(sql: """
                CREATE TABLE capture_token (
                    token_hash BLOB PRIMARY KEY,
                    principal_id BLOB NOT NULL REFERENCES principal(id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX capture_token_principal ON capture_token(principal_id);

                ALTER TABLE enrollment_code ADD COLUMN facilitator INTEGER NOT NULL DEFAULT 0;
                """)
        }
        // The compliance metrics' privacy budget: one append-only row per release, keyed by its
        // period and the day it was made, holding the release byte for byte.
        migrator.registerMigration("v3-metrics-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE metrics_ledger (
                    period TEXT NOT NULL,
                    day TEXT NOT NULL,
                    epsilon_numerator INTEGER NOT NULL,
                    epsilon_denominator INTEGER NOT NULL,
                    release BLOB NOT NULL,
                    population BLOB NOT NULL,
                    PRIMARY KEY (period, day)
                ) WITHOUT ROWID;
                """)
        }
        // A share to the group is marked so (its signature covers the mark, format v1 "Shares"):
        // what the session-2 agenda lists, whoever joined or left the group since.
        migrator.registerMigration("v4-group-shares") { db in
            try db.execute(sql: "ALTER TABLE share ADD COLUMN to_group INTEGER NOT NULL DEFAULT 0")
        }
        return migrator
    }
}
