-- A staff member links his own Telegram chat to his notices with a one-time
-- code shown on his account page and sent to the bot. What is kept of the
-- code is its hash alone, with whose it is and until when it is valid; one
-- code per person, deleted when used. The chat it links becomes his notice
-- address (notice_prefs.address, channel 'telegram'), in clear like an
-- e-mail address he chose.

-- +goose Up
CREATE TABLE staff_link_codes (
    staff_id   TEXT PRIMARY KEY REFERENCES staff (id),
    code_hash  BYTEA NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE staff_link_codes;
