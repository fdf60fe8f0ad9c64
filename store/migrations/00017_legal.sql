-- The legal process of people who are out: asylum, refugee status,
-- humanitarian visas, residence permits. Procedure, decision and the day of
-- the decision are in clear for the figures; the country, the lawyer or
-- partner organization, every exact time and every note are sealed under
-- the case key.

-- +goose Up
CREATE TABLE legal_processes (
    id             TEXT PRIMARY KEY,
    request_id     TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    -- The order processes of a case were started in: 0 for the first.
    position       INTEGER NOT NULL,
    procedure      TEXT NOT NULL,
    decision       TEXT NOT NULL,
    -- The UTC day of the decision; 0 while none was taken.
    decided_on     BIGINT NOT NULL DEFAULT 0,
    sealed_country BYTEA NOT NULL,
    sealed_helper  BYTEA NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX legal_processes_request ON legal_processes (request_id);
CREATE INDEX legal_processes_decided ON legal_processes (decided_on);

CREATE TABLE legal_steps (
    id          TEXT PRIMARY KEY,
    process_id  TEXT NOT NULL REFERENCES legal_processes (id) ON DELETE CASCADE,
    request_id  TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    sealed_step BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX legal_steps_request ON legal_steps (request_id);

-- +goose Down
DROP TABLE legal_steps;
DROP TABLE legal_processes;
