// A room's events (edits, deletes, reaction changes) in its Durable Object's SQLite: one row per event, with its
// log id (shared with messages: room-log.ts), replayed to a client that resumes. Retention drops the events of
// the messages it drops.
import type { Member, RoomEvent } from "./rooms.schema";

type EventRow = {
  id: number;
  kind: RoomEvent["kind"];
  message_id: number;
  user_id: string;
  display_name: string;
  data: string;
  created_at: number;
};

function toEvent(row: EventRow): RoomEvent {
  const data = JSON.parse(row.data) as Record<string, unknown>;
  const at = new Date(row.created_at).toISOString();
  if (row.kind === "edit") {
    return { kind: "edit", id: row.id, messageId: row.message_id, text: String(data.text ?? ""), editedAt: at };
  }
  if (row.kind === "delete") {
    return { kind: "delete", id: row.id, messageId: row.message_id, deletedAt: at, by: row.user_id };
  }
  return {
    kind: "reaction",
    id: row.id,
    messageId: row.message_id,
    emoji: String(data.emoji ?? ""),
    member: { userId: row.user_id, displayName: row.display_name },
    added: data.added === true,
    count: Number(data.count ?? 0),
  };
}

/** What an event row keeps beyond its columns. */
function dataOf(event: RoomEvent): string {
  if (event.kind === "edit") return JSON.stringify({ text: event.text });
  if (event.kind === "delete") return "{}";
  return JSON.stringify({ emoji: event.emoji, added: event.added, count: event.count });
}

export class EventStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, message_id INTEGER NOT NULL,
         user_id TEXT NOT NULL, display_name TEXT NOT NULL, data TEXT NOT NULL, created_at INTEGER NOT NULL)`,
    );
  }

  /** One row written. `by`: who made the change (the deleter, the reactor, the editor). */
  append(event: RoomEvent, by: Member, at: number): void {
    this.#sql.exec(
      "INSERT INTO events (id, kind, message_id, user_id, display_name, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      event.id,
      event.kind,
      event.messageId,
      by.userId,
      by.displayName,
      dataOf(event),
      at,
    );
  }

  /**
   * Events after `lastId` about messages at or before `lastId` (a client has those; a newer message is replayed as
   * it is now, which already holds its events), oldest first, at most `limit`.
   */
  replay(lastId: number, limit: number): RoomEvent[] {
    return this.#sql
      .exec<EventRow>("SELECT * FROM events WHERE id > ?1 AND message_id <= ?1 ORDER BY id LIMIT ?2", lastId, limit)
      .toArray()
      .map(toEvent);
  }

  lastId(): number {
    return this.#sql.exec<{ id: number | null }>("SELECT max(id) AS id FROM events").one().id ?? 0;
  }

  /** Retention: the events of messages at or before `cutoff`. */
  deleteUpTo(cutoff: number): number {
    return this.#sql.exec("DELETE FROM events WHERE message_id <= ?", cutoff).rowsWritten;
  }
}
