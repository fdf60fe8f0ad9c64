-- The figures' counts, kept as requests are written rather than only when
-- retention deletes them: how many requests arrived on a UTC day (day is
-- its midnight) of each kind, by each channel, in each situation and with
-- each triage decision, and how many cases were closed on it with each
-- outcome. Each count is of one column alone, never of two together: the
-- figures show no table of kind by channel, so none is kept. The counts
-- of deleted requests stay; those of requests still here are what their
-- own columns in clear say.
--
-- what is kind, channel, situation, disposition (at the day received) or
-- outcome (at the day closed); key is the value counted. A situation of ''
-- counts requests deleted before situations were kept: retention did not
-- keep theirs.

-- +goose Up
CREATE TABLE day_counts (
    day  BIGINT NOT NULL,
    what TEXT NOT NULL,
    key  TEXT NOT NULL,
    n    BIGINT NOT NULL,
    PRIMARY KEY (day, what, key)
);

INSERT INTO day_counts (day, what, key, n)
SELECT day, what, key, SUM(n) FROM (
    SELECT created_at - (created_at % 86400000000 + 86400000000) % 86400000000 AS day,
        'kind' AS what, kind AS key, COUNT(*) AS n FROM requests GROUP BY 1, 3
    UNION ALL SELECT created_at - (created_at % 86400000000 + 86400000000) % 86400000000,
        'channel', channel, COUNT(*) FROM requests GROUP BY 1, 3
    UNION ALL SELECT created_at - (created_at % 86400000000 + 86400000000) % 86400000000,
        'situation', situation, COUNT(*) FROM requests GROUP BY 1, 3
    UNION ALL SELECT created_at - (created_at % 86400000000 + 86400000000) % 86400000000,
        'disposition', disposition, COUNT(*) FROM requests WHERE disposition <> '' GROUP BY 1, 3
    UNION ALL SELECT closed_at - (closed_at % 86400000000 + 86400000000) % 86400000000,
        'outcome', outcome, COUNT(*) FROM requests
        WHERE closed_at <> 0 AND disposition = 'case' AND outcome <> '' GROUP BY 1, 3
    UNION ALL SELECT day, 'kind', kind, SUM(n) FROM received_counts GROUP BY day, kind
    UNION ALL SELECT day, 'channel', channel, SUM(n) FROM received_counts GROUP BY day, channel
    UNION ALL SELECT day, 'situation', '', SUM(n) FROM received_counts GROUP BY day
    UNION ALL SELECT day, 'disposition', disposition, SUM(n) FROM received_counts
        WHERE disposition <> '' GROUP BY day, disposition
    UNION ALL SELECT day, 'outcome', outcome, SUM(n) FROM closed_counts GROUP BY day, outcome
) AS counted GROUP BY day, what, key;

DROP TABLE received_counts;
DROP TABLE closed_counts;

-- The cases open now, by stage, read from the index alone.
CREATE INDEX requests_open ON requests (stage) WHERE closed_at = 0;

-- +goose Down
-- The counts of deleted requests go back by kind alone, as of no channel
-- and no triage decision: which channel brought which kind was not kept.
DROP INDEX requests_open;

CREATE TABLE received_counts (
    day         BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    channel     TEXT NOT NULL,
    disposition TEXT NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (day, kind, channel, disposition)
);
CREATE TABLE closed_counts (
    day     BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (day, outcome)
);

INSERT INTO received_counts (day, kind, channel, disposition, n)
SELECT c.day, c.key, '', '', c.n - (SELECT COUNT(*) FROM requests r
    WHERE r.created_at >= c.day AND r.created_at < c.day + 86400000000 AND r.kind = c.key)
FROM day_counts c WHERE c.what = 'kind' AND c.n > (SELECT COUNT(*) FROM requests r
    WHERE r.created_at >= c.day AND r.created_at < c.day + 86400000000 AND r.kind = c.key);

INSERT INTO closed_counts (day, outcome, n)
SELECT c.day, c.key, c.n - (SELECT COUNT(*) FROM requests r
    WHERE r.closed_at >= c.day AND r.closed_at < c.day + 86400000000 AND r.disposition = 'case' AND r.outcome = c.key)
FROM day_counts c WHERE c.what = 'outcome' AND c.n > (SELECT COUNT(*) FROM requests r
    WHERE r.closed_at >= c.day AND r.closed_at < c.day + 86400000000 AND r.disposition = 'case' AND r.outcome = c.key);

DROP TABLE day_counts;
