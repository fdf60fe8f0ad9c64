-- The times from request to first reply and to outcome, for the figures:
-- the UTC day staff first wrote to the applicant, whether a request's
-- times count, and, for requests retention deleted, how many days they
-- took, by day, in anonymous counts.

-- +goose Up
-- The UTC day of staff's first message to the applicant; 0 until then.
ALTER TABLE requests ADD COLUMN first_reply_at BIGINT NOT NULL DEFAULT 0;
-- Whether the request's times count: true for requests that arrive from
-- now on, false for those before (their first reply was never noted) and
-- for imported history (received and closed on one day, never answered).
ALTER TABLE requests ADD COLUMN timed BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE requests SET timed = FALSE;
CREATE INDEX requests_first_reply ON requests (first_reply_at);

-- What the times need of a deleted request and no more: how many first
-- replies ('reply') or cases closed with an outcome ('outcome') on a UTC
-- day came a number of whole days after their request's day.
CREATE TABLE reply_times (
    day  BIGINT NOT NULL,
    what TEXT NOT NULL,
    days BIGINT NOT NULL,
    n    BIGINT NOT NULL,
    PRIMARY KEY (day, what, days)
);

-- +goose Down
DROP TABLE reply_times;
DROP INDEX requests_first_reply;
ALTER TABLE requests DROP COLUMN timed;
ALTER TABLE requests DROP COLUMN first_reply_at;
