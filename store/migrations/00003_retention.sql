-- Retention: contacts erased before their case is deleted, and the
-- anonymous counts that keep the figures of deleted requests.

-- +goose Up
-- 0 while the contact is kept; when erased, sealed_contact is empty.
ALTER TABLE requests ADD COLUMN contact_erased_at BIGINT NOT NULL DEFAULT 0;

-- What the figures need of a deleted request and no more: how many
-- requests of each kind came by each channel on a UTC day (day is its
-- midnight), with what triage made of them...
CREATE TABLE received_counts (
    day         BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    channel     TEXT NOT NULL,
    disposition TEXT NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (day, kind, channel, disposition)
);

-- ...and how many cases were closed with each outcome on a UTC day.
CREATE TABLE closed_counts (
    day     BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (day, outcome)
);

-- Deleting a request deletes the links to it too: without this index each
-- deletion reads every link.
CREATE INDEX case_links_linked ON case_links (linked_id);

-- +goose Down
DROP INDEX case_links_linked;
DROP TABLE closed_counts;
DROP TABLE received_counts;
ALTER TABLE requests DROP COLUMN contact_erased_at;
