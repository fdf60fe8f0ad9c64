-- Safe-surrender meetings. A meeting belongs to a case; its window, place,
-- recognition sign, code phrase and the steps of its history (who, exactly
-- when, why) are sealed under the case key. In clear: the state, the UTC day
-- its window starts (the day board reads a few days off an index and opens
-- only what the viewer holds the key to), the UTC day it was closed and its
-- final state (the figures count them without opening anything), and the
-- staff member responsible. Its end is a deadline of kind "meeting" with the
-- meeting's id, which orders the queue.

-- +goose Up
CREATE TABLE meetings (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    state       TEXT NOT NULL,
    day         BIGINT NOT NULL,
    closed_day  BIGINT NOT NULL DEFAULT 0,
    responsible TEXT NOT NULL,
    sealed      BYTEA NOT NULL
);
CREATE INDEX meetings_day ON meetings (day, request_id);
CREATE INDEX meetings_request ON meetings (request_id);
CREATE INDEX meetings_closed ON meetings (closed_day, state);

-- +goose Down
DROP INDEX meetings_closed;
DROP INDEX meetings_request;
DROP INDEX meetings_day;
DROP TABLE meetings;
