-- Several nodes share one Telegram bot. Only the node holding the lease
-- named 'telegram' polls Telegram; holder is a random id each node makes
-- when it starts (never a host name or an address) and expires_at, in
-- microseconds since 1970, is when another node may take the lease.
--
-- telegram_updates holds the update_id of every update a node took in the
-- last day, so that an update delivered again, to this node or another, is
-- answered once. An update_id is Telegram's counter of the bot's updates:
-- it names no user. seen_at is kept to the hour, and rows older than a day
-- are deleted.

-- +goose Up
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE telegram_updates (
    update_id BIGINT PRIMARY KEY,
    seen_at   BIGINT NOT NULL
);
CREATE INDEX telegram_updates_seen ON telegram_updates (seen_at);

-- +goose Down
DROP TABLE telegram_updates;
DROP TABLE leases;
