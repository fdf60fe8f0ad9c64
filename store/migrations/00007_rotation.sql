-- Key rotation: a staff member's key pair is replaced, and every case key
-- wrapped to the old one is wrapped again to the new one, in batches.

-- +goose Up
-- The private key being replaced, sealed under the current password key,
-- while case keys are still wrapped to it; NULL once every one is moved.
ALTER TABLE staff ADD COLUMN sealed_private_old BYTEA;
-- Set by a TOTP reset or a suspected compromise: the next login makes a new
-- key pair before anything else.
ALTER TABLE staff ADD COLUMN rotate_at_login BOOLEAN NOT NULL DEFAULT FALSE;
-- The old private key under the session key, while the session's staff
-- member has case keys wrapped to it.
ALTER TABLE sessions ADD COLUMN sealed_old_identity BYTEA;

-- +goose Down
ALTER TABLE sessions DROP COLUMN sealed_old_identity;
ALTER TABLE staff DROP COLUMN rotate_at_login;
ALTER TABLE staff DROP COLUMN sealed_private_old;
