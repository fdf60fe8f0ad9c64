-- The call desk. A call is a phone call taken for a case: the one that
-- opened it, or a caller coming back with his receipt. calls keeps, in
-- clear, its case, who took it and its day (like every date of a case, to
-- the UTC day); its exact time is sealed under the case key, and who was
-- calling and what was said are in the case's history, sealed.
--
-- call_hours counts calls per UTC hour for the coordinators' surge view.
-- It names no case and no one who took a call, so an hour cannot be joined
-- back to a case through it, only guessed on a day with one call.

-- +goose Up
CREATE TABLE calls (
    id         TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    day        BIGINT NOT NULL,
    return_call BOOLEAN NOT NULL,
    sealed_at  BYTEA NOT NULL
);
CREATE INDEX calls_staff ON calls (staff_id, day);
CREATE INDEX calls_request ON calls (request_id);
CREATE INDEX calls_day ON calls (day);

CREATE TABLE call_hours (
    hour  BIGINT PRIMARY KEY,
    calls BIGINT NOT NULL
);

-- +goose Down
DROP TABLE call_hours;
DROP TABLE calls;
