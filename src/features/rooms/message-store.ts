// A room's messages in its Durable Object's SQLite: ids from the room's one log (room-history.ts), idempotent client
// ids, the current state of each message (edited text, deleted tombstone, thread summary), pages and retention.
// A new message writes two rows (itself and its client-id index entry); a thread reply also writes its entry in
// the replies index and updates its root. Reactions live in reaction-store.ts and are added by the caller.
import { createMessages, type MessageRow, toMessage } from "./message-schema";
import type { ChatMessage, Member, MessageAttachment } from "./rooms.schema";

export interface NewMessage {
  userId: string;
  displayName: string;
  text: string;
  clientMessageId?: string;
  now: number;
  /** The log id (the room's next); absent only in tests of the store alone (then one more than the largest). */
  id?: number;
  threadRootId?: number | null;
  attachments?: MessageAttachment[];
  mentions?: Member[];
  mentionsRoom?: boolean;
}

const json = (value: unknown[] | undefined): string | null =>
  value && value.length > 0 ? JSON.stringify(value) : null;

/** SQLite refuses a LIKE pattern over 50 bytes: a term's escaped form, cut to 48 UTF-8 bytes on a character. */
const LIKE_TERM_BYTES = 48;
function likeTerm(term: string): string {
  const encoder = new TextEncoder();
  let out = "";
  let bytes = 0;
  for (const char of term) {
    const escaped = /[\\%_]/.test(char) ? `\\${char}` : char;
    const size = encoder.encode(escaped).length;
    if (bytes + size > LIKE_TERM_BYTES) break;
    out += escaped;
    bytes += size;
  }
  return out;
}

export class MessageStore {
  readonly #sql: SqlStorage;

  constructor(storage: Pick<DurableObjectStorage, "sql" | "transactionSync">) {
    this.#sql = storage.sql;
    createMessages(storage);
  }

  /**
   * Stores a message once per (user, client id); a retry returns the stored one with `duplicate: true`.
   * Two rows written per new message (the row and its client-id index entry) in one statement, three for a
   * thread reply (its replies-index entry); a duplicate writes nothing and costs a second statement.
   */
  insert(input: NewMessage): { message: ChatMessage; duplicate: boolean } {
    const clientId = input.clientMessageId ?? null;
    const inserted = this.#sql
      .exec<MessageRow>(
        `INSERT OR IGNORE INTO messages (id, user_id, display_name, text, client_id, created_at, thread_root,
           attachments, mentions, mentions_room) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        input.id ?? null,
        input.userId,
        input.displayName,
        input.text,
        clientId,
        input.now,
        input.threadRootId ?? null,
        json(input.attachments),
        json(input.mentions),
        input.mentionsRoom ? 1 : 0,
      )
      .toArray()[0];
    if (inserted) return { message: toMessage(inserted), duplicate: false };
    const existing = this.#sql
      .exec<MessageRow>("SELECT * FROM messages WHERE user_id = ? AND client_id = ?", input.userId, clientId)
      .one();
    return { message: toMessage(existing), duplicate: true };
  }

  get(id: number): ChatMessage | null {
    const row = this.#sql.exec<MessageRow>("SELECT * FROM messages WHERE id = ?", id).toArray()[0];
    return row ? toMessage(row) : null;
  }

  /** Counts a new reply on its root: one row updated. */
  noteReply(root: ChatMessage, reply: ChatMessage, repliers: Member[]): void {
    this.#sql.exec(
      "UPDATE messages SET reply_count = reply_count + 1, last_reply_at = ?, last_reply_id = ?, repliers = ? WHERE id = ?",
      Date.parse(reply.createdAt),
      reply.id,
      JSON.stringify(repliers),
      root.id,
    );
  }

  /** One row updated. */
  edit(id: number, text: string, at: number): void {
    this.#sql.exec("UPDATE messages SET text = ?, edited_at = ? WHERE id = ?", text, at, id);
  }

  /** The tombstone: one row updated (text, attachments and mentions go; the id and the thread summary stay). */
  delete(id: number, at: number): void {
    this.#sql.exec(
      "UPDATE messages SET text = '', attachments = NULL, mentions = NULL, mentions_room = 0, deleted_at = ? WHERE id = ?",
      at,
      id,
    );
  }

  /** Messages (replies included) after `lastId`, oldest first, at most `limit`. */
  after(lastId: number, limit: number): ChatMessage[] {
    return this.#sql
      .exec<MessageRow>("SELECT * FROM messages WHERE id > ? ORDER BY id LIMIT ?", lastId, limit)
      .toArray()
      .map(toMessage);
  }

  /** A page of the main timeline before `before` (newest page when absent), returned oldest first. */
  page(before: number | undefined, limit: number): { messages: ChatMessage[]; nextBefore: number | null } {
    const rows = this.#sql
      .exec<MessageRow>(
        "SELECT * FROM messages WHERE id < ? AND thread_root IS NULL ORDER BY id DESC LIMIT ?",
        before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit).reverse();
    const first = page[0];
    return { messages: page.map(toMessage), nextBefore: rows.length > limit && first ? first.id : null };
  }

  /** Main-timeline messages after `after`, oldest first, at most `limit` (and whether there are more). */
  newer(after: number, limit: number): { messages: ChatMessage[]; more: boolean } {
    const rows = this.#sql
      .exec<MessageRow>(
        "SELECT * FROM messages WHERE id > ? AND thread_root IS NULL ORDER BY id LIMIT ?",
        after,
        limit + 1,
      )
      .toArray();
    return { messages: rows.slice(0, limit).map(toMessage), more: rows.length > limit };
  }

  /** A root's replies after `after`, oldest first (through the replies index). */
  replies(rootId: number, after: number, limit: number): { replies: ChatMessage[]; nextAfter: number | null } {
    const rows = this.#sql
      .exec<MessageRow>(
        "SELECT * FROM messages WHERE thread_root = ? AND id > ? ORDER BY id LIMIT ?",
        rootId,
        after,
        limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { replies: page.map(toMessage), nextAfter: rows.length > limit && last ? last.id : null };
  }

  /** Who took part in a thread: the root's author and everyone who replied (for their notifications). */
  participants(rootId: number): Member[] {
    return this.#sql
      .exec<{ user_id: string; display_name: string }>(
        `SELECT user_id, max(display_name) AS display_name FROM messages
           WHERE id = ?1 OR (thread_root = ?1 AND id > ?1) GROUP BY user_id`,
        rootId,
      )
      .toArray()
      .map((r) => ({ userId: r.user_id, displayName: r.display_name }));
  }

  /** The newest message id (0 when none): never deleted by retention. */
  lastId(): number {
    return this.#sql.exec<{ id: number | null }>("SELECT max(id) AS id FROM messages").one().id ?? 0;
  }

  /** The oldest id still kept (0 when empty). */
  firstId(): number {
    return this.#sql.exec<{ id: number | null }>("SELECT min(id) AS id FROM messages").one().id ?? 0;
  }

  /** Main-timeline messages after `lastReadId` that someone other than `userId` sent (not deleted): exact. */
  unreadSince(lastReadId: number, userId: string): number {
    return this.#sql
      .exec<{ n: number }>(
        "SELECT count(*) AS n FROM messages WHERE id > ? AND user_id <> ? AND thread_root IS NULL AND deleted_at IS NULL",
        lastReadId,
        userId,
      )
      .one().n;
  }

  /** Of those, the ones that mention `userId` or @room. */
  mentionsSince(lastReadId: number, userId: string): number {
    return this.#sql
      .exec<{ n: number }>(
        `SELECT count(*) AS n FROM messages WHERE id > ?1 AND user_id <> ?2 AND thread_root IS NULL
           AND deleted_at IS NULL AND (mentions_room = 1 OR (mentions IS NOT NULL AND EXISTS
             (SELECT 1 FROM json_each(mentions) WHERE json_extract(value, '$.userId') = ?2)))`,
        lastReadId,
        userId,
      )
      .one().n;
  }

  lastMessageAt(): number | null {
    return this.#sql.exec<{ at: number | null }>("SELECT max(created_at) AS at FROM messages").one().at;
  }

  /** The id at and below which retention deletes to keep the newest `keep` messages (0: nothing to delete). */
  retentionCutoff(keep: number): number {
    const row = this.#sql
      .exec<{ id: number }>("SELECT id FROM messages ORDER BY id DESC LIMIT 1 OFFSET ?", Math.max(1, keep))
      .toArray()[0];
    return row?.id ?? 0;
  }

  /** Deletes everything older than the newest `keep` messages (at least the newest is kept). */
  enforceRetention(keep: number): number {
    const cutoff = this.retentionCutoff(keep);
    if (cutoff <= 0) return 0;
    return this.deleteUpTo(cutoff);
  }

  deleteUpTo(cutoff: number): number {
    return this.#sql.exec("DELETE FROM messages WHERE id <= ?", cutoff).rowsWritten;
  }

  /**
   * Messages containing any of `terms` (case-insensitive substring match), most matching terms first, then
   * newest; deleted ones never. Terms are bound as LIKE patterns with their wildcards escaped; at most 8 terms.
   */
  search(terms: readonly string[], limit: number): ChatMessage[] {
    const usable = terms.filter((term) => term.length > 0).slice(0, 8);
    if (usable.length === 0) return [];
    const patterns = usable.map((term) => `%${likeTerm(term)}%`);
    const score = patterns.map(() => "(CASE WHEN text LIKE ? ESCAPE '\\' THEN 1 ELSE 0 END)").join(" + ");
    return this.#sql
      .exec<MessageRow & { score: number }>(
        `SELECT * FROM (SELECT *, ${score} AS score FROM messages WHERE deleted_at IS NULL) WHERE score > 0
           ORDER BY score DESC, id DESC LIMIT ?`,
        ...patterns,
        Math.max(1, Math.min(limit, 20)),
      )
      .toArray()
      .map(toMessage);
  }
}
