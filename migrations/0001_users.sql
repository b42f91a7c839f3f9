-- Users: accounts, roles and password hashes with their parameters.
CREATE TABLE users (
  id TEXT PRIMARY KEY,                       -- random 128-bit hex, never sequential
  email TEXT NOT NULL UNIQUE,                -- normalised: trimmed, NFC, lower case
  display_name TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
  password_algorithm TEXT NOT NULL,
  password_iterations INTEGER NOT NULL,
  password_salt TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  session_epoch INTEGER NOT NULL DEFAULT 0,  -- bumped by password change, disable, role change
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE INDEX users_by_created ON users (created_at, id);
