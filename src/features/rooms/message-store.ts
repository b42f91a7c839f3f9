// A room's messages in its Durable Object's SQLite: ids that only grow, idempotent client ids, retention.
// A new message writes two rows (itself and its client-id index entry).
import type { ChatMessage } from "./rooms.schema";

type MessageRow = {
  id: number;
  user_id: string;
  display_name: string;
  text: string;
  client_id: string | null;
  created_at: number;
};

function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    userId: row.user_id,
    displayName: row.display_name,
    text: row.text,
    clientMessageId: row.client_id,
    createdAt: new Date(row.created_at).toISOString(),
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
const CREATE_CLIENT_INDEX =
  "CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client ON messages (user_id, client_id) WHERE client_id IS NOT NULL";

/**
 * Creates the messages table, or moves one made with AUTOINCREMENT (before issue 16) to the plain rowid table.
 * Ids still never repeat: a new id is one more than the largest, and retention deletes only the oldest rows while
 * keeping at least 100, so the largest is never deleted. AUTOINCREMENT wrote a third row per message (its counter
 * in sqlite_sequence) to guarantee what retention already does.
 */
function createMessages(storage: Pick<DurableObjectStorage, "sql" | "transactionSync">): void {
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
  sql.exec(CREATE_CLIENT_INDEX);
}

export class MessageStore {
  readonly #sql: SqlStorage;

  constructor(storage: Pick<DurableObjectStorage, "sql" | "transactionSync">) {
    this.#sql = storage.sql;
    createMessages(storage);
  }

  /**
   * Stores a message once per (user, client id); a retry returns the stored one with `duplicate: true`.
   * Two rows written per new message (the row and its client-id index entry) in one statement; a duplicate
   * writes nothing and costs a second statement.
   */
  insert(input: { userId: string; displayName: string; text: string; clientMessageId?: string; now: number }) {
    const clientId = input.clientMessageId ?? null;
    const inserted = this.#sql
      .exec<MessageRow>(
        "INSERT OR IGNORE INTO messages (user_id, display_name, text, client_id, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
        input.userId,
        input.displayName,
        input.text,
        clientId,
        input.now,
      )
      .toArray()[0];
    if (inserted) return { message: toMessage(inserted), duplicate: false };
    const existing = this.#sql
      .exec<MessageRow>("SELECT * FROM messages WHERE user_id = ? AND client_id = ?", input.userId, clientId)
      .one();
    return { message: toMessage(existing), duplicate: true };
  }

  /** Messages after `lastId`, oldest first, at most `limit`. */
  after(lastId: number, limit: number): ChatMessage[] {
    return this.#sql
      .exec<MessageRow>("SELECT * FROM messages WHERE id > ? ORDER BY id LIMIT ?", lastId, limit)
      .toArray()
      .map(toMessage);
  }

  /** A page before `before` (newest page when absent), returned oldest first. */
  page(before: number | undefined, limit: number): { messages: ChatMessage[]; nextBefore: number | null } {
    const rows = this.#sql
      .exec<MessageRow>(
        "SELECT * FROM messages WHERE id < ? ORDER BY id DESC LIMIT ?",
        before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit).reverse();
    const first = page[0];
    return { messages: page.map(toMessage), nextBefore: rows.length > limit && first ? first.id : null };
  }

  /** The newest id (0 when none): never deleted by retention, so ids only grow. */
  lastId(): number {
    return this.#sql.exec<{ id: number | null }>("SELECT max(id) AS id FROM messages").one().id ?? 0;
  }

  /** The oldest id still kept (0 when empty). */
  firstId(): number {
    return this.#sql.exec<{ id: number | null }>("SELECT min(id) AS id FROM messages").one().id ?? 0;
  }

  /** How many messages after `lastReadId` someone other than `userId` sent: exact, within what is kept. */
  unreadSince(lastReadId: number, userId: string): number {
    return this.#sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM messages WHERE id > ? AND user_id <> ?", lastReadId, userId)
      .one().n;
  }

  lastMessageAt(): number | null {
    return this.#sql.exec<{ at: number | null }>("SELECT max(created_at) AS at FROM messages").one().at;
  }

  /** Deletes everything older than the newest `keep` messages (at least the newest is kept: ids never repeat). */
  enforceRetention(keep: number): number {
    const cutoff = this.lastId() - Math.max(1, keep);
    if (cutoff <= 0) return 0;
    return this.#sql.exec("DELETE FROM messages WHERE id <= ?", cutoff).rowsWritten;
  }

  /**
   * Messages containing any of `terms` (case-insensitive substring match), most matching terms first, then
   * newest. Terms are bound as LIKE patterns with their wildcards escaped; at most 8 terms.
   */
  search(terms: readonly string[], limit: number): ChatMessage[] {
    const usable = terms.filter((term) => term.length > 0).slice(0, 8);
    if (usable.length === 0) return [];
    const patterns = usable.map((term) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const score = patterns.map(() => "(CASE WHEN text LIKE ? ESCAPE '\\' THEN 1 ELSE 0 END)").join(" + ");
    return this.#sql
      .exec<MessageRow & { score: number }>(
        `SELECT * FROM (SELECT *, ${score} AS score FROM messages) WHERE score > 0 ORDER BY score DESC, id DESC LIMIT ?`,
        ...patterns,
        Math.max(1, Math.min(limit, 20)),
      )
      .toArray()
      .map(toMessage);
  }
}
