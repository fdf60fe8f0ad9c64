-- Shelters and stays. A shelter's name, address and contact are sealed
-- under the shelter's own key, which is wrapped to each staff member who
-- may place people there (shelter_keys) and to the recovery key
-- (shelters.recovery_wrap); the server alone opens none of them. ref is a
-- short random reference staff use to name a shelter to each other.
--
-- A stay keeps in clear only what counting beds needs: its shelter, its
-- first night and the day it ends (UTC days, in microseconds), its beds
-- and its state; request_id links it to its case, so that the case page
-- shows it and deleting the case deletes it (docs/security.md, "Shelter").

-- +goose Up
CREATE TABLE shelters (
    id             TEXT PRIMARY KEY,
    ref            TEXT NOT NULL UNIQUE,
    beds           INTEGER NOT NULL,
    sealed_name    BYTEA NOT NULL,
    sealed_address BYTEA NOT NULL,
    sealed_contact BYTEA NOT NULL,
    recovery_wrap  BYTEA NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE shelter_keys (
    shelter_id TEXT NOT NULL REFERENCES shelters (id) ON DELETE CASCADE,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    wrapped    BYTEA NOT NULL,
    granted_by TEXT NOT NULL,
    PRIMARY KEY (shelter_id, staff_id)
);
CREATE INDEX shelter_keys_staff ON shelter_keys (staff_id);

CREATE TABLE stays (
    id         TEXT PRIMARY KEY,
    shelter_id TEXT NOT NULL REFERENCES shelters (id),
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    first_day  BIGINT NOT NULL,
    end_day    BIGINT NOT NULL,
    beds       INTEGER NOT NULL,
    state      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX stays_shelter ON stays (shelter_id, end_day);
CREATE INDEX stays_request ON stays (request_id);

-- +goose Down
DROP TABLE stays;
DROP TABLE shelter_keys;
DROP TABLE shelters;
