-- Series published by others, month by month, charted beside the
-- organization's own figures: a court's or a ministry's counts, which name
-- no one the organization helps. They are public figures, so they are kept
-- in clear and published as they are, never suppressed
-- (docs/security.md, "Published series"). Retention deletes cases, not
-- series.

-- +goose Up
CREATE TABLE series (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    -- Where the series was published: an address, a note.
    source      TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);

CREATE TABLE series_values (
    series_id TEXT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    -- The month, 2023-09.
    month     TEXT NOT NULL,
    value     BIGINT NOT NULL,
    PRIMARY KEY (series_id, month)
);

-- +goose Down
DROP TABLE series_values;
DROP TABLE series;
