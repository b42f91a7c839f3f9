-- Read state per user per room: how far each user has read, as the id of the newest message they have
-- seen (ids only grow in a room). No row means the user has never visited the room; such a room shows no
-- unread messages. The count itself is made by the room's ChatRoom object, where the messages live.
CREATE TABLE room_reads (
  room TEXT NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  last_read_id INTEGER NOT NULL CHECK (last_read_id >= 0),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (room, user_id)
);
CREATE INDEX room_reads_by_user ON room_reads (user_id);
