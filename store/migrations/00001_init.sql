-- The first schema. Types are spelled so that SQLite and PostgreSQL both
-- read them: TEXT, BIGINT (times in microseconds since 1970, UTC), BYTEA
-- (sealed values), BOOLEAN. Columns named sealed_* hold only ciphertext.

-- +goose Up
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE staff (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL,
    intake         BOOLEAN NOT NULL,
    active         BOOLEAN NOT NULL,
    public_key     TEXT NOT NULL,
    kdf            TEXT NOT NULL,
    salt           BYTEA NOT NULL,
    sealed_private BYTEA NOT NULL,
    sealed_totp    BYTEA,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL
);

CREATE TABLE sessions (
    id                  TEXT PRIMARY KEY,
    staff_id            TEXT NOT NULL REFERENCES staff (id),
    stage               TEXT NOT NULL,
    sealed_identity     BYTEA NOT NULL,
    sealed_pending_totp BYTEA,
    created_at          BIGINT NOT NULL,
    last_seen_at        BIGINT NOT NULL
);
CREATE INDEX sessions_staff ON sessions (staff_id);

CREATE TABLE requests (
    id                TEXT PRIMARY KEY,
    ref               TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL,
    situation         TEXT NOT NULL,
    channel           TEXT NOT NULL,
    stage             TEXT NOT NULL,
    urgency           INTEGER NOT NULL,
    created_at        BIGINT NOT NULL,
    last_applicant_at BIGINT NOT NULL DEFAULT 0,
    last_staff_at     BIGINT NOT NULL DEFAULT 0,
    sealed_contact    BYTEA NOT NULL
);
CREATE INDEX requests_inbox ON requests (urgency DESC, created_at DESC);

CREATE TABLE messages (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    author      TEXT NOT NULL,
    staff_id    TEXT REFERENCES staff (id),
    created_at  BIGINT NOT NULL,
    sealed_body BYTEA NOT NULL
);
CREATE INDEX messages_request ON messages (request_id, created_at);

-- A row here is access: the case key wrapped to one holder (a staff id, or
-- 'recovery'). Revoking access is deleting the row.
CREATE TABLE key_wraps (
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    holder     TEXT NOT NULL,
    wrapped    BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (request_id, holder)
);
CREATE INDEX key_wraps_holder ON key_wraps (holder, request_id);

CREATE TABLE receipts (
    lookup     TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    kdf        TEXT NOT NULL,
    salt       BYTEA NOT NULL,
    verifier   BYTEA NOT NULL,
    sealed_key BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX receipts_request ON receipts (request_id);

-- The audit log outlives the requests it names, so request_id is no
-- foreign key; '' means none.
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    request_id TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  BYTEA NOT NULL,
    hash       BYTEA NOT NULL
);

-- One row that every append updates first, so that appends from any number
-- of connections or nodes take turns.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE receipts;
DROP TABLE key_wraps;
DROP TABLE messages;
DROP TABLE requests;
DROP TABLE sessions;
DROP TABLE staff;
DROP TABLE settings;
