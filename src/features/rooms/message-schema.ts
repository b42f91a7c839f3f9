// The messages table of a room's SQLite: its rows as ChatMessages (without reactions), and its creation and
// migrations (from AUTOINCREMENT before issue 16; the columns of issue 14 added to tables that exist).
import type { ChatMessage, Member, MessageAttachment } from "./rooms.schema";

export type MessageRow = {
  id: number;
  user_id: string;
  display_name: string;
  text: string;
  client_id: string | null;
  created_at: number;
  thread_root: number | null;
  edited_at: number | null;
  deleted_at: number | null;
  reply_count: number | null;
  last_reply_at: number | null;
  last_reply_id: number | null;
  repliers: string | null;
  attachments: string | null;
  mentions: string | null;
  mentions_room: number | null;
};

const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());
const list = <T>(json: string | null): T[] => (json ? (JSON.parse(json) as T[]) : []);

/** The stored message without its reactions (the caller adds them for its reader: `reactions: []` here). */
export function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    userId: row.user_id,
    displayName: row.display_name,
    text: row.text,
    clientMessageId: row.client_id,
    createdAt: new Date(row.created_at).toISOString(),
    threadRootId: row.thread_root,
    editedAt: iso(row.edited_at),
    deletedAt: iso(row.deleted_at),
    reactions: [],
    replyCount: row.reply_count ?? 0,
    lastReplyAt: iso(row.last_reply_at),
    lastReplyId: row.last_reply_id,
    repliers: list<Member>(row.repliers),
    attachments: list<MessageAttachment>(row.attachments),
    mentions: list<Member>(row.mentions),
    mentionsRoom: row.mentions_room === 1,
  };
}

const CREATE_MESSAGES = `CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  text TEXT NOT NULL,
  client_id TEXT,
  created_at INTEGER NOT NULL
)`;
/** Columns added by issue 14 (ALTER TABLE for rooms that exist: their rows read with the defaults). */
const ADDED_COLUMNS: [string, string][] = [
  ["thread_root", "INTEGER"],
  ["edited_at", "INTEGER"],
  ["deleted_at", "INTEGER"],
  ["reply_count", "INTEGER NOT NULL DEFAULT 0"],
  ["last_reply_at", "INTEGER"],
  ["last_reply_id", "INTEGER"],
  ["repliers", "TEXT"],
  ["attachments", "TEXT"],
  ["mentions", "TEXT"],
  ["mentions_room", "INTEGER NOT NULL DEFAULT 0"],
];
const CREATE_CLIENT_INDEX =
  "CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client ON messages (user_id, client_id) WHERE client_id IS NOT NULL";
/** Thread pages read a root's replies through this; main-timeline messages have no entry (no write for them). */
const CREATE_THREAD_INDEX =
  "CREATE INDEX IF NOT EXISTS messages_by_thread ON messages (thread_root, id) WHERE thread_root IS NOT NULL";

/**
 * Creates the messages table, or moves one made with AUTOINCREMENT (before issue 16) to the plain rowid table,
 * then adds the columns of issue 14 that an older table lacks.
 */
export function createMessages(storage: Pick<DurableObjectStorage, "sql" | "transactionSync">): void {
  const { sql } = storage;
  const existing = sql
    .exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'messages'")
    .toArray()[0];
  if (!existing) {
    sql.exec(CREATE_MESSAGES);
  } else if (/AUTOINCREMENT/i.test(existing.sql)) {
    storage.transactionSync(() => {
      sql.exec(CREATE_MESSAGES.replace("CREATE TABLE messages", "CREATE TABLE messages_next"));
      sql.exec(
        "INSERT INTO messages_next (id, user_id, display_name, text, client_id, created_at) " +
          "SELECT id, user_id, display_name, text, client_id, created_at FROM messages",
      );
      sql.exec("DROP TABLE messages");
      sql.exec("ALTER TABLE messages_next RENAME TO messages");
    });
  }
  const have = new Set(
    sql
      .exec<{ name: string }>("SELECT name FROM pragma_table_info('messages')")
      .toArray()
      .map((c) => c.name),
  );
  for (const [name, type] of ADDED_COLUMNS) {
    if (!have.has(name)) sql.exec(`ALTER TABLE messages ADD COLUMN ${name} ${type}`);
  }
  sql.exec(CREATE_CLIENT_INDEX);
  sql.exec(CREATE_THREAD_INDEX);
}
