-- Where each user may hold a room socket or an unused room ticket: written when a ticket is issued and before a
-- signed-in upgrade reaches the room (once per connect, never per message). When a session ends, the Worker
-- tells exactly these rooms to close its sockets (4401) and void its tickets; a room that reports nothing left
-- of the user is forgotten again. No foreign key to rooms: a row is written before the first join creates one.
CREATE TABLE room_connections (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  room TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, room)
) WITHOUT ROWID;
