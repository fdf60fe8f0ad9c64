-- Contact details under a key of their own: the contact key, sealed under
-- the case key, is destroyed when the contact is erased, so that a copy of
-- the sealed contact that outlives the erasure (in a backup, a disk image
-- or the write-ahead log) cannot be opened with the case key, which lives
-- on for as long as the case.

-- +goose Up
-- NULL for a contact sealed under the case key itself, as requests made
-- before this column were, and once the contact is erased.
ALTER TABLE requests ADD COLUMN sealed_contact_key BYTEA;

-- +goose Down
ALTER TABLE requests DROP COLUMN sealed_contact_key;
