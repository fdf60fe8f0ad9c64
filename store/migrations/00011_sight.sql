-- Nothing out of sight: a closed case the applicant writes to is flagged
-- to the people who held it; a closed case's deadlines no longer order the
-- queue; the audit log is read on the web by person, case and date.

-- +goose Up
-- The day the applicant last wrote to the case after it was closed; 0
-- when he did not, or someone acted on it since.
ALTER TABLE requests ADD COLUMN flagged_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX requests_flagged ON requests (flagged_at, id);
-- A closed case's open deadlines are paused: its due time is none until
-- it is reopened.
UPDATE requests SET due_at = 9223372036854775807 WHERE closed_at <> 0;

-- Whether the open case is unowned (tropa.QueueFilter.Unowned): no owner,
-- and past intake or held by no staff member. The store sets it with every
-- change to the request or its keys (store/queue.go, unownedValue), so
-- that the coordinators' inbox reads it off an index.
ALTER TABLE requests ADD COLUMN unowned BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE requests SET unowned = (requests.closed_at = 0 AND requests.owner_id = '' AND (requests.disposition = 'case'
    OR NOT EXISTS (SELECT 1 FROM key_wraps u WHERE u.request_id = requests.id AND u.holder <> 'recovery')));
CREATE INDEX requests_unowned ON requests (unowned, due_at, urgency DESC, created_at DESC, id);

-- The audit page reads the log newest first, by person, by case or both.
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_request ON audit_log (request_id, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- +goose Down
DROP INDEX audit_log_at;
DROP INDEX audit_log_request;
DROP INDEX audit_log_actor;
DROP INDEX requests_unowned;
ALTER TABLE requests DROP COLUMN unowned;
DROP INDEX requests_flagged;
ALTER TABLE requests DROP COLUMN flagged_at;
