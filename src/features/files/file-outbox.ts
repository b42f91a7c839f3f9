// The file-events outbox: its rows in D1, and the publisher that sends them to the queue and forgets them once sent.
import type { Logger } from "@outpost/edge-kit/context";
import { retryDelaySeconds } from "@outpost/edge-kit/queue";
import type { FileRecord } from "./file-record";
import type { FileEvent } from "./files.schema";

type OutboxEnv = Pick<Env, "DB" | "FILE_EVENTS">;

/** Queues' sendBatch takes at most 100 messages. */
const SEND_BATCH_MAX = 100;

/** The event announcing a change to a file, with the file's size. */
export function fileEvent(type: FileEvent["type"], file: Pick<FileRecord, "id" | "ownerId" | "size">): FileEvent {
  return { type, fileId: file.id, ownerId: file.ownerId, size: file.size };
}

/** Writes (or refreshes) an event's row: a statement, to commit in one batch with the change it announces. */
export function outboxInsert(db: D1Database, event: FileEvent, now: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO file_outbox (file_id, event, owner_id, size, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, 0, ?, ?)
       ON CONFLICT (file_id, event) DO UPDATE SET size = excluded.size, next_attempt_at = excluded.next_attempt_at`,
    )
    .bind(event.fileId, event.type, event.ownerId, event.size, now, now);
}

/** Forgets an event's row: once sent, or when what it announced was undone. */
export function outboxDelete(db: D1Database, fileId: string, type: FileEvent["type"]): D1PreparedStatement {
  return db.prepare("DELETE FROM file_outbox WHERE file_id = ? AND event = ?").bind(fileId, type);
}

interface OutboxRow {
  event: FileEvent;
  attempts: number;
}

/** The outbox rows the publisher and the sweeper read and clear. */
class FileOutbox {
  constructor(private readonly db: D1Database) {}

  async due(now: string, limit: number): Promise<OutboxRow[]> {
    const rows = await this.db
      .prepare(
        `SELECT file_id, event, owner_id, size, attempts FROM file_outbox WHERE next_attempt_at <= ?
         ORDER BY next_attempt_at LIMIT ?`,
      )
      .bind(now, limit)
      .all<{ file_id: string; event: FileEvent["type"]; owner_id: string; size: number; attempts: number }>();
    return rows.results.map((row) => ({
      event: { type: row.event, fileId: row.file_id, ownerId: row.owner_id, size: row.size },
      attempts: row.attempts,
    }));
  }

  async sent(events: readonly FileEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.batch(events.map((event) => outboxDelete(this.db, event.fileId, event.type)));
  }

  async postpone(events: readonly FileEvent[], nextAttemptAt: string): Promise<void> {
    if (events.length === 0) return;
    await this.db.batch(
      events.map((event) =>
        this.db
          .prepare(
            "UPDATE file_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE file_id = ? AND event = ?",
          )
          .bind(nextAttemptAt, event.fileId, event.type),
      ),
    );
  }
}

/**
 * Publishes events already written to the outbox. Returns how many were sent. A queue or D1 failure is
 * logged and swallowed: the rows stay in the outbox and the sweeper sends them later, so a queue outage
 * delays analysis and statistics, and never fails an upload or a delete that has already happened.
 */
export async function publishEvents(env: OutboxEnv, events: readonly FileEvent[], logger?: Logger): Promise<number> {
  if (events.length === 0) return 0;
  const outbox = new FileOutbox(env.DB);
  let sent = 0;
  for (let i = 0; i < events.length; i += SEND_BATCH_MAX) {
    const chunk = events.slice(i, i + SEND_BATCH_MAX);
    try {
      await env.FILE_EVENTS.sendBatch(chunk.map((body) => ({ body, contentType: "json" as const })));
    } catch (error) {
      logger?.warn("file events not sent; the sweeper will retry", { count: chunk.length, error });
      continue;
    }
    sent += chunk.length;
    try {
      await outbox.sent(chunk);
    } catch (error) {
      // Sent but still in the outbox: the sweeper sends it again, and consumers are idempotent.
      logger?.warn("sent file events not cleared from the outbox", { count: chunk.length, error });
    }
  }
  return sent;
}

/** The sweeper's outbox pass: sends what is due, and postpones what fails with backoff. */
export async function drainOutbox(env: OutboxEnv, now: Date, limit: number, logger?: Logger): Promise<number> {
  const outbox = new FileOutbox(env.DB);
  const due = await outbox.due(now.toISOString(), limit);
  let sent = 0;
  for (const row of due) {
    const delivered = await publishEvents(env, [row.event], logger);
    if (delivered === 1) {
      sent++;
      continue;
    }
    const next = new Date(now.getTime() + retryDelaySeconds(row.attempts + 1, { baseSeconds: 30 }) * 1000);
    await outbox.postpone([row.event], next.toISOString());
  }
  return sent;
}
