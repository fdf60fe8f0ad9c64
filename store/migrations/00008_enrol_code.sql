-- Enrolment codes. A staff member enrols TOTP with a one-time code shown to
-- whoever created or reset the account, not with the password alone. Only a
-- hash of the code is kept (the code is random, 80 bits: a hash of it tells
-- nothing), with the moment it stops being valid; both are cleared when it
-- is used.

-- +goose Up
ALTER TABLE staff ADD COLUMN enrol_code_hash BYTEA;
ALTER TABLE staff ADD COLUMN enrol_code_expires_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE staff DROP COLUMN enrol_code_expires_at;
ALTER TABLE staff DROP COLUMN enrol_code_hash;
