-- Private rooms: a room is public (every signed-in user) or private (its members only). The creator of a
-- private room is its owner.
ALTER TABLE rooms ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private'));

CREATE TABLE room_members (
  room TEXT NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (room, user_id)
);
CREATE INDEX room_members_by_user ON room_members (user_id);
