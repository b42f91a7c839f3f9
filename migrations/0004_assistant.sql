-- The assistant: full-text search over analysed files, and stored conversations.

-- One row per analysed file: its name, summary and keywords, searchable with FTS5 (bm25 ranking).
CREATE VIRTUAL TABLE file_search USING fts5(
  file_id UNINDEXED,
  owner_id UNINDEXED,
  name,
  summary,
  keywords,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE assistant_conversations (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX assistant_conversations_by_owner ON assistant_conversations (owner_id, updated_at DESC, id DESC);

CREATE TABLE assistant_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content TEXT NOT NULL,
  citations TEXT,                 -- JSON array, validated before it is stored
  status TEXT NOT NULL CHECK (status IN ('complete', 'stopped', 'failed')),
  created_at TEXT NOT NULL
);
CREATE INDEX assistant_messages_by_conversation ON assistant_messages (conversation_id, id);
