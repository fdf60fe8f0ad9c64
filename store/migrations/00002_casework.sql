-- Casework: triage, stages and outcomes, owners, deadlines, history,
-- links between requests from the same person.

-- +goose Up
ALTER TABLE requests ADD COLUMN disposition TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
-- '' while nobody owns the case.
ALTER TABLE requests ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
-- The earliest open deadline; the largest BIGINT when there is none, so
-- that the queue's index orders cases with no deadline last.
ALTER TABLE requests ADD COLUMN due_at BIGINT NOT NULL DEFAULT 9223372036854775807;
-- 0 while the case is open.
ALTER TABLE requests ADD COLUMN closed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE requests ADD COLUMN sealed_details BYTEA;
-- Indexes for the queue. Each ends in the queue's order, id last, so that a
-- page is read off an index without sorting, however deep the page and
-- however few cases match: requests_queue for the whole queue,
-- requests_stage for one stage, requests_owner for one owner's cases (or
-- nobody's). requests_inbox served the inbox the queue replaced.
CREATE INDEX requests_queue ON requests (closed_at, due_at, urgency DESC, created_at DESC, id);
CREATE INDEX requests_owner ON requests (owner_id, closed_at, due_at, urgency DESC, created_at DESC, id);
CREATE INDEX requests_stage ON requests (stage, closed_at, due_at, urgency DESC, created_at DESC, id);
DROP INDEX requests_inbox;

ALTER TABLE key_wraps ADD COLUMN reason TEXT NOT NULL DEFAULT 'intake';

CREATE TABLE deadlines (
    id           TEXT PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    starts_at    BIGINT NOT NULL,
    due_at       BIGINT NOT NULL,
    sealed_label BYTEA NOT NULL,
    done_at      BIGINT NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX deadlines_request ON deadlines (request_id, due_at);

-- A case's history. from_value and to_value hold metadata only (stage
-- keys, staff ids); anything typed is in sealed_note.
CREATE TABLE case_events (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_value  TEXT NOT NULL,
    to_value    TEXT NOT NULL,
    sealed_note BYTEA
);
CREATE INDEX case_events_request ON case_events (request_id, at);

-- Requests marked as coming from the same person, one row each way.
CREATE TABLE case_links (
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    linked_id  TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (request_id, linked_id)
);

-- +goose Down
DROP TABLE case_links;
DROP TABLE case_events;
DROP TABLE deadlines;
CREATE INDEX requests_inbox ON requests (urgency DESC, created_at DESC);
DROP INDEX requests_stage;
DROP INDEX requests_owner;
DROP INDEX requests_queue;
ALTER TABLE key_wraps DROP COLUMN reason;
ALTER TABLE requests DROP COLUMN sealed_details;
ALTER TABLE requests DROP COLUMN version;
ALTER TABLE requests DROP COLUMN updated_at;
ALTER TABLE requests DROP COLUMN closed_at;
ALTER TABLE requests DROP COLUMN due_at;
ALTER TABLE requests DROP COLUMN owner_id;
ALTER TABLE requests DROP COLUMN outcome;
ALTER TABLE requests DROP COLUMN disposition;
