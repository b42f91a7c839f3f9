// Dead letters in D1: what the file-events queue gave up on, kept for admins to inspect and retry.
import type { z } from "@hono/zod-openapi";
import type { DeadLetterSchema } from "./files.schema";

/** A dead letter as stored and as admins see it. */
type DeadLetterRow = z.infer<typeof DeadLetterSchema>;

/** Columns named as DeadLetterRow's fields, so a row needs no mapping. */
const COLUMNS = "message_id AS messageId, file_id AS fileId, event, body, attempts, received_at AS receivedAt";

export class DeadLetters {
  constructor(private readonly db: D1Database) {}

  /** Idempotent by message id: a redelivered dead letter is recorded once. */
  async record(row: DeadLetterRow): Promise<void> {
    await this.db
      .prepare(
        `INSERT OR IGNORE INTO file_dead_letters (message_id, file_id, event, body, attempts, received_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .bind(row.messageId, row.fileId, row.event, row.body, row.attempts, row.receivedAt)
      .run();
  }

  /** Newest first. */
  async list(limit: number): Promise<DeadLetterRow[]> {
    const rows = await this.db
      .prepare(`SELECT ${COLUMNS} FROM file_dead_letters ORDER BY received_at DESC LIMIT ?`)
      .bind(limit)
      .all<DeadLetterRow>();
    return rows.results;
  }

  async find(messageId: string): Promise<DeadLetterRow | null> {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM file_dead_letters WHERE message_id = ?`)
      .bind(messageId)
      .first<DeadLetterRow>();
  }

  async delete(messageId: string): Promise<void> {
    await this.db.prepare("DELETE FROM file_dead_letters WHERE message_id = ?").bind(messageId).run();
  }
}
