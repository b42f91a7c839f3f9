// A room's messages in its Durable Object's SQLite: ids that only grow, idempotent client ids, retention.
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

export class MessageStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    // AUTOINCREMENT: ids are never reused, even after retention deletes the oldest rows.
    sql.exec(`CREATE TABLE IF NOT EXISTS messages (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      user_id TEXT NOT NULL,
      display_name TEXT NOT NULL,
      text TEXT NOT NULL,
      client_id TEXT,
      created_at INTEGER NOT NULL
    )`);
    sql.exec(
      "CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client ON messages (user_id, client_id) WHERE client_id IS NOT NULL",
    );
  }

  /** Stores a message once per (user, client id); a retry returns the stored one with `duplicate: true`. */
  insert(input: { userId: string; displayName: string; text: string; clientMessageId?: string; now: number }) {
    if (input.clientMessageId) {
      const existing = this.#sql
        .exec<MessageRow>(
          "SELECT * FROM messages WHERE user_id = ? AND client_id = ?",
          input.userId,
          input.clientMessageId,
        )
        .toArray()[0];
      if (existing) return { message: toMessage(existing), duplicate: true };
    }
    const row = this.#sql
      .exec<MessageRow>(
        "INSERT INTO messages (user_id, display_name, text, client_id, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
        input.userId,
        input.displayName,
        input.text,
        input.clientMessageId ?? null,
        input.now,
      )
      .one();
    return { message: toMessage(row), duplicate: false };
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

  lastId(): number {
    return (
      this.#sql.exec<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").toArray()[0]?.seq ?? 0
    );
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

  /** Deletes everything older than the newest `keep` messages. */
  enforceRetention(keep: number): number {
    const cutoff = this.lastId() - keep;
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
