-- What the figures need of the calls, meetings, stays and legal decisions
-- of a deleted case, and no more, as received_counts and closed_counts
-- keep what they need of its request: counts by the clear days the live
-- rows already give, naming no case, shelter or person. Without them the
-- figures of a past month would shrink when retention deletes its cases.

-- +goose Up
-- Calls taken per UTC day.
CREATE TABLE call_counts (
    day BIGINT PRIMARY KEY,
    n   BIGINT NOT NULL
);

-- Meetings closed per UTC day, by how they ended.
CREATE TABLE meeting_counts (
    day   BIGINT NOT NULL,
    state TEXT NOT NULL,
    n     BIGINT NOT NULL,
    PRIMARY KEY (day, state)
);

-- Stays (not cancelled) by their first night, the day after their last
-- and beds, as the figures count stays begun and beds held each night.
CREATE TABLE stay_counts (
    first_day BIGINT NOT NULL,
    end_day   BIGINT NOT NULL,
    beds      INTEGER NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (first_day, end_day, beds)
);

-- Legal decisions per UTC day, by procedure and decision.
CREATE TABLE decision_counts (
    day       BIGINT NOT NULL,
    procedure TEXT NOT NULL,
    decision  TEXT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (day, procedure, decision)
);

-- +goose Down
DROP TABLE decision_counts;
DROP TABLE stay_counts;
DROP TABLE meeting_counts;
DROP TABLE call_counts;
