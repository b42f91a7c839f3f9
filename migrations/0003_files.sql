-- Files: metadata of objects in R2 FILES, their multipart parts, the event outbox, share links and the
-- dead letters of the file-events queue. Bytes live only in R2; names live only here.
CREATE TABLE files (
  id TEXT PRIMARY KEY,                        -- random 128-bit hex, never sequential
  owner_id TEXT NOT NULL,
  object_key TEXT NOT NULL UNIQUE,            -- f/<owner>/<random>: never built from the file name
  name TEXT NOT NULL,                         -- sanitised original name, for display and downloads only
  content_type TEXT NOT NULL,                 -- sniffed from the first bytes and checked against an allow-list
  size INTEGER NOT NULL CHECK (size >= 0),    -- bytes (declared total while a multipart upload is open)
  sha256 TEXT,                                -- hex; computed while streaming, or by the analysis for multipart
  status TEXT NOT NULL CHECK (status IN ('uploading', 'stored', 'analysing', 'ready', 'failed', 'skipped', 'deleting')),
  upload_mode TEXT NOT NULL CHECK (upload_mode IN ('single', 'multipart')),
  multipart_id TEXT,                          -- R2's upload id while a multipart upload is open
  part_size INTEGER,                          -- every part but the last has exactly this size
  analysis TEXT,                              -- JSON, validated before it is stored
  error TEXT,                                 -- why the file is `failed`, safe to show
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX files_by_owner ON files (owner_id, created_at DESC, id DESC);
CREATE INDEX files_by_status ON files (status, updated_at);

CREATE TABLE file_parts (
  file_id TEXT NOT NULL,
  part_number INTEGER NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
  etag TEXT NOT NULL,
  size INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (file_id, part_number)
);

-- Events written in the same batch as the state change they announce, sent to the queue afterwards and
-- deleted once sent; the sweeper re-sends what is left (a queue outage delays analysis, never loses it).
CREATE TABLE file_outbox (
  file_id TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('file.stored', 'file.deleted')),
  owner_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (file_id, event)
);

CREATE TABLE share_links (
  id TEXT PRIMARY KEY,
  file_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX share_links_by_file ON share_links (file_id, created_at DESC);

-- What the dead-letter consumer received after file-events gave up on a message.
CREATE TABLE file_dead_letters (
  message_id TEXT PRIMARY KEY,
  file_id TEXT,
  event TEXT,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX file_dead_letters_by_time ON file_dead_letters (received_at DESC);

-- Text embeddings of analysed files, for the assistant's retrieval. `lexical` marks the offline provider's
-- hashed bag-of-words vectors, which are not semantic.
CREATE TABLE file_embeddings (
  file_id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  lexical INTEGER NOT NULL CHECK (lexical IN (0, 1)),
  dimensions INTEGER NOT NULL,
  vector TEXT NOT NULL,                       -- JSON array of numbers
  created_at TEXT NOT NULL
);
