-- The room directory: every room that has been joined, for GET /api/rooms. Messages live in each room's
-- ChatRoom Durable Object.
CREATE TABLE rooms (
  name TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
