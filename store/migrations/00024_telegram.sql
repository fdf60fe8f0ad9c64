-- A request that came by Telegram, or was later linked to a Telegram chat
-- by its receipt, keeps the chat it came from, the one way back to the
-- applicant, sealed like any contact: under a key of its own, sealed under
-- the case key, and both erased together when he asks. Nothing in clear,
-- not even a hash, lets a holder of the disk tell which chat it is
-- (docs/security.md, "Telegram").
--
-- What he writes later by Telegram is accepted by a node that holds no
-- case key: each such message is sealed under a message key of its own,
-- wrapped to the case's inbound public key, whose private half is sealed
-- under the case key. Staff open it with the case key like any other.

-- +goose Up
-- NULL when the request has no chat, and once its contact is erased.
ALTER TABLE requests ADD COLUMN sealed_chat BYTEA;
ALTER TABLE requests ADD COLUMN sealed_chat_key BYTEA;
-- The case's inbound key pair: the public half (age1...) and the private
-- half sealed under the case key. NULL for a request made without one, as
-- web requests made before this column were, until a chat is linked to it.
ALTER TABLE requests ADD COLUMN inbound_recipient TEXT;
ALTER TABLE requests ADD COLUMN sealed_inbound_identity BYTEA;
-- NULL for a message sealed under the case key; the message's key wrapped
-- to the inbound public key for one that arrived by the inbound key.
ALTER TABLE messages ADD COLUMN wrapped_key BYTEA;
-- How far a staff reply got to the applicant's chat: '' for one not sent
-- to a chat, 'pending', 'sent', or 'blocked' when he blocked the bot. What
-- waits to be sent is kept only in the memory of the node that sends it.
ALTER TABLE messages ADD COLUMN delivery TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE messages DROP COLUMN delivery;
ALTER TABLE messages DROP COLUMN wrapped_key;
ALTER TABLE requests DROP COLUMN sealed_inbound_identity;
ALTER TABLE requests DROP COLUMN inbound_recipient;
ALTER TABLE requests DROP COLUMN sealed_chat_key;
ALTER TABLE requests DROP COLUMN sealed_chat;
