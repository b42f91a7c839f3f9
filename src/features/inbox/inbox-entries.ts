// One user's inbox entries in the Inbox object's SQLite: idempotent by (room, message, kind), the newest
// INBOX_KEEP kept, ids from AUTOINCREMENT (never reused, so a client's `before` cursor stays valid).
import { INBOX_KEEP, type InboxEntry, type InboxNotice, type InboxPage } from "./inbox.schema";

type Row = {
  id: number;
  kind: InboxEntry["kind"];
  room: string;
  message_id: number;
  thread_root_id: number | null;
  from_id: string;
  from_name: string;
  excerpt: string;
  created_at: string;
  received_at: number;
  read: number;
};

const COLUMNS =
  "id, kind, room, message_id, thread_root_id, from_id, from_name, excerpt, created_at, received_at, read";

const toEntry = (r: Row): InboxEntry => ({
  id: r.id,
  kind: r.kind,
  room: r.room,
  messageId: r.message_id,
  threadRootId: r.thread_root_id,
  from: { userId: r.from_id, displayName: r.from_name },
  excerpt: r.excerpt,
  createdAt: r.created_at,
  receivedAt: new Date(r.received_at).toISOString(),
  read: r.read === 1,
});

export class InboxEntries {
  readonly #sql: SqlStorage;
  readonly #keep: number;

  constructor(sql: SqlStorage, keep = INBOX_KEEP) {
    this.#sql = sql;
    this.#keep = keep;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
         room TEXT NOT NULL, message_id INTEGER NOT NULL, thread_root_id INTEGER, from_id TEXT NOT NULL,
         from_name TEXT NOT NULL, excerpt TEXT NOT NULL, created_at TEXT NOT NULL, received_at INTEGER NOT NULL,
         read INTEGER NOT NULL DEFAULT 0, UNIQUE (room, message_id, kind))`,
    );
    sql.exec("CREATE INDEX IF NOT EXISTS entries_unread ON entries (id) WHERE read = 0");
  }

  /** Inserts the notices not already here; returns the new entries, oldest first. Trims to the newest `keep`. */
  add(notices: readonly InboxNotice[], now: number): InboxEntry[] {
    const added: InboxEntry[] = [];
    for (const n of notices) {
      const row = this.#sql
        .exec<Row>(
          `INSERT INTO entries (kind, room, message_id, thread_root_id, from_id, from_name, excerpt, created_at,
             received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (room, message_id, kind) DO NOTHING RETURNING ${COLUMNS}`,
          n.kind,
          n.room,
          n.messageId,
          n.threadRootId,
          n.from.userId,
          n.from.displayName,
          n.excerpt,
          n.createdAt,
          now,
        )
        .toArray()[0];
      if (row) added.push(toEntry(row));
    }
    if (added.length > 0) this.#trim();
    // An entry trimmed in the same call (more than `keep` at once) is not announced.
    const oldestKept = this.#oldestId();
    return added.filter((e) => e.id >= oldestKept);
  }

  page(before: number | undefined, limit: number): InboxPage {
    const rows = this.#sql
      .exec<Row>(
        `SELECT ${COLUMNS} FROM entries WHERE id < ? ORDER BY id DESC LIMIT ?`,
        before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      )
      .toArray();
    const more = rows.length > limit;
    const entries = rows.slice(0, limit).map(toEntry);
    return { entries, unread: this.unread(), nextBefore: more ? (entries.at(-1)?.id ?? null) : null };
  }

  /** Marks the listed entries (or all) read; returns how many changed. */
  markRead(ids: readonly number[] | "all"): number {
    if (ids === "all")
      return this.#sql.exec("UPDATE entries SET read = 1 WHERE read = 0 RETURNING id").toArray().length;
    let changed = 0;
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 90) {
      const chunk = unique.slice(i, i + 90);
      changed += this.#sql
        .exec(
          `UPDATE entries SET read = 1 WHERE read = 0 AND id IN (${chunk.map(() => "?").join(", ")}) RETURNING id`,
          ...chunk,
        )
        .toArray().length;
    }
    return changed;
  }

  unread(): number {
    return this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM entries WHERE read = 0").one().n;
  }

  /** The distinct rooms of the newest `limit` entries, most recent first. */
  rooms(limit: number): string[] {
    return this.#sql
      .exec<{ room: string }>(
        `SELECT room FROM (SELECT room, id FROM entries ORDER BY id DESC LIMIT ?) GROUP BY room ORDER BY max(id) DESC`,
        limit,
      )
      .toArray()
      .map((r) => r.room);
  }

  forgetRooms(rooms: readonly string[]): number {
    let changed = 0;
    for (const room of new Set(rooms)) {
      changed += this.#sql.exec("DELETE FROM entries WHERE room = ? RETURNING id", room).toArray().length;
    }
    return changed;
  }

  #oldestId(): number {
    return this.#sql.exec<{ id: number | null }>("SELECT min(id) AS id FROM entries").one().id ?? 0;
  }

  #trim(): void {
    const cutoff = this.#sql
      .exec<{ id: number }>("SELECT id FROM entries ORDER BY id DESC LIMIT 1 OFFSET ?", this.#keep)
      .toArray()[0];
    if (cutoff) this.#sql.exec("DELETE FROM entries WHERE id <= ?", cutoff.id);
  }
}
