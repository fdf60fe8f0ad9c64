-- Audit signatures: staff sign the audit log's head at every login, so
-- that rewriting the log before a signature needs the signer's key, which
-- no one holding only the database has.

-- +goose Up
-- Every key a staff member has signed with: one per identity they held,
-- since a new key pair brings a new signing key. The fingerprint is what
-- the audit entry that registered the key names. The public key is in
-- clear because checking needs nothing secret; it tells no more than the
-- staff table's public key already does.
CREATE TABLE audit_signing_keys (
    fingerprint TEXT PRIMARY KEY,
    staff_id    TEXT NOT NULL,
    public_key  BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX audit_signing_keys_staff ON audit_signing_keys (staff_id);

-- A signature of the head as it was at seq: of tropa.HeadMessage(seq,
-- hash of entry seq). Like the log, it names no foreign key, so that it
-- outlives what it names.
CREATE TABLE audit_signatures (
    seq         BIGINT NOT NULL,
    fingerprint TEXT NOT NULL,
    at          BIGINT NOT NULL,
    signature   BYTEA NOT NULL,
    PRIMARY KEY (seq, fingerprint)
);

-- +goose Down
DROP TABLE audit_signatures;
DROP TABLE audit_signing_keys;
