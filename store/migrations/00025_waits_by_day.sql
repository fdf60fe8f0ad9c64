-- The waits to first reply and to outcome, counted in day_counts as
-- requests are written, like every other figure, rather than only when
-- retention deletes a request: reading them from the requests themselves
-- scanned every request for each month shown. what is 'reply_wait' (on
-- the UTC day of the first reply) or 'outcome_wait' (on the UTC day a case
-- closed with an outcome); key is the whole days since the request's day.
-- Only requests whose times count (timed) are counted.

-- +goose Up
INSERT INTO day_counts (day, what, key, n)
SELECT day, what, key, SUM(n) FROM (
    SELECT first_reply_at - (first_reply_at % 86400000000 + 86400000000) % 86400000000 AS day,
        'reply_wait' AS what, CAST((first_reply_at - created_at) / 86400000000 AS TEXT) AS key, COUNT(*) AS n
        FROM requests WHERE timed AND first_reply_at <> 0 GROUP BY 1, 3
    UNION ALL SELECT closed_at - (closed_at % 86400000000 + 86400000000) % 86400000000,
        'outcome_wait', CAST((closed_at - created_at) / 86400000000 AS TEXT), COUNT(*)
        FROM requests WHERE timed AND closed_at <> 0 AND disposition = 'case' AND outcome <> '' GROUP BY 1, 3
    UNION ALL SELECT day, CASE what WHEN 'reply' THEN 'reply_wait' ELSE 'outcome_wait' END,
        CAST(days AS TEXT), n FROM reply_times
) AS waited GROUP BY day, what, key;

DROP TABLE reply_times;
DROP INDEX requests_first_reply;

-- +goose Down
-- reply_times held only the waits of deleted requests: those of the
-- requests still here go back to being read from them.
CREATE TABLE reply_times (
    day  BIGINT NOT NULL,
    what TEXT NOT NULL,
    days BIGINT NOT NULL,
    n    BIGINT NOT NULL,
    PRIMARY KEY (day, what, days)
);
CREATE INDEX requests_first_reply ON requests (first_reply_at);

INSERT INTO reply_times (day, what, days, n)
SELECT day, what, days, SUM(n) FROM (
    SELECT day, CASE what WHEN 'reply_wait' THEN 'reply' ELSE 'outcome' END AS what,
        CAST(key AS BIGINT) AS days, n FROM day_counts WHERE what IN ('reply_wait', 'outcome_wait')
    UNION ALL SELECT first_reply_at - (first_reply_at % 86400000000 + 86400000000) % 86400000000,
        'reply', (first_reply_at - created_at) / 86400000000, -COUNT(*)
        FROM requests WHERE timed AND first_reply_at <> 0 GROUP BY 1, 3
    UNION ALL SELECT closed_at - (closed_at % 86400000000 + 86400000000) % 86400000000,
        'outcome', (closed_at - created_at) / 86400000000, -COUNT(*)
        FROM requests WHERE timed AND closed_at <> 0 AND disposition = 'case' AND outcome <> '' GROUP BY 1, 3
) AS waited GROUP BY day, what, days HAVING SUM(n) <> 0;

DELETE FROM day_counts WHERE what IN ('reply_wait', 'outcome_wait');
