-- Attachments: photos an applicant sends with a message. The name and the
-- content are sealed under the case key; only the type (sniffed from the
-- content) and the size are plain. Nothing is ever written to a file.

-- +goose Up
CREATE TABLE attachments (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    message_id  TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    -- The order the applicant sent the message's files in, from 0.
    position    INTEGER NOT NULL,
    type        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    sealed_name BYTEA NOT NULL,
    sealed_data BYTEA NOT NULL
);
CREATE INDEX attachments_request ON attachments (request_id, created_at, message_id, position);
CREATE INDEX attachments_message ON attachments (message_id);

-- +goose Down
DROP TABLE attachments;
