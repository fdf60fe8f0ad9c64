-- Local time. A staff member may choose the time zone in which they type
-- and read times (an IANA name such as Europe/Kyiv); "" leaves them in the
-- organization's, which is a setting. Kept in clear: the server must read it
-- on every page, and it is a staff member's, not an applicant's.

-- +goose Up
ALTER TABLE staff ADD COLUMN zone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE staff DROP COLUMN zone;
