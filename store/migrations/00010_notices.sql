-- Notices: staff are told that something needs them, by the channel they
-- choose, and told nothing else. What is kept here is what that needs: the
-- address a channel reaches them at (the one new thing in clear), what they
-- asked to be told, and per case the state they were last told of, so that
-- what is due is derived from the cases themselves and intake writes
-- nothing for it.

-- +goose Up
CREATE TABLE notice_prefs (
    staff_id      TEXT PRIMARY KEY REFERENCES staff (id),
    channel       TEXT NOT NULL,
    address       TEXT NOT NULL,
    -- Comma-separated tropa.NoticeEvent keys.
    events        TEXT NOT NULL,
    digest_s      BIGINT NOT NULL,
    lead_s        BIGINT NOT NULL,
    -- Minutes after local midnight; equal for no quiet hours.
    quiet_start   INTEGER NOT NULL,
    quiet_end     INTEGER NOT NULL,
    lang          TEXT NOT NULL,
    -- The times below are kept to the hour, but for retry_at, which is
    -- exact and kept only while sending fails, and claimed_until, which
    -- says how long a node holds the person's notices.
    digest_after  BIGINT NOT NULL DEFAULT 0,
    last_sent_at  BIGINT NOT NULL DEFAULT 0,
    failures      INTEGER NOT NULL DEFAULT 0,
    retry_at      BIGINT NOT NULL DEFAULT 0,
    failing_since BIGINT NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    claimed_until BIGINT NOT NULL DEFAULT 0
);

-- What each person was last told of each case: the case's state then.
-- Deleted with the case. Like key_wraps.holder, staff_id is no foreign key.
CREATE TABLE notice_marks (
    staff_id   TEXT NOT NULL,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    owner_id   TEXT NOT NULL,
    messages   INTEGER NOT NULL,
    due_at     BIGINT NOT NULL,
    -- Whether they were told that nobody owned it.
    unowned    BOOLEAN NOT NULL,
    PRIMARY KEY (staff_id, request_id)
);
CREATE INDEX notice_marks_request ON notice_marks (request_id);

-- +goose Down
DROP TABLE notice_marks;
DROP TABLE notice_prefs;
