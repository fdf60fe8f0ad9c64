-- The team on the web. A staff member added on the web, or whose password
-- was reset, has no key pair until they choose a password with their
-- enrolment code: their public_key is '' and their sealed private key
-- empty until then.
--
-- regrants lists the cases a staff member held when a password reset
-- destroyed their keys, for someone who can open each to wrap its key to
-- their new one. It says in clear which staff member held which case, as
-- key_wraps said before the reset; a row goes when the case is re-granted,
-- deleted, or its staff member deactivated.

-- +goose Up
CREATE TABLE regrants (
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    PRIMARY KEY (staff_id, request_id)
);
CREATE INDEX regrants_request ON regrants (request_id);

-- The enrolment code a session's staff member chose their password with,
-- under the session key.
ALTER TABLE sessions ADD COLUMN sealed_enrol_code BYTEA;

-- +goose Down
ALTER TABLE sessions DROP COLUMN sealed_enrol_code;
DROP TABLE regrants;
