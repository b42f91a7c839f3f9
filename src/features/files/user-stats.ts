// UserStats Durable Object: one per user; uploads, bytes and last upload, each file counted exactly once.
import { DurableObject } from "cloudflare:workers";
import type { UserStatsView } from "./files.schema";

const FILE_ID = /^[0-9a-f]{32}$/;

/**
 * Every change is keyed by file id: `record` after a file is stored and `remove` after it is deleted may
 * both arrive more than once (the upload request and the queue consumer both send them, and queues deliver
 * at least once), so a ledger row per file decides whether a call changes the totals. A `remove` that
 * arrives before its `record` leaves a tombstone, so the late `record` cannot resurrect the file.
 * SQL calls are synchronous, so each method is atomic without locks.
 */
export class UserStats extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS ledger (
        file_id TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('counted', 'removed')),
        at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        files INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        uploads INTEGER NOT NULL,
        last_upload_at INTEGER
      );
      INSERT OR IGNORE INTO totals (id, files, bytes, uploads, last_upload_at) VALUES (1, 0, 0, 0, NULL);
    `);
  }

  /** Counts a stored file once; returns whether this call changed anything. */
  async record(fileId: string, size: number, at: number): Promise<{ applied: boolean }> {
    if (!FILE_ID.test(fileId) || !Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(at)) {
      return { applied: false };
    }
    const sql = this.ctx.storage.sql;
    const inserted = sql.exec(
      "INSERT OR IGNORE INTO ledger (file_id, size, state, at) VALUES (?, ?, 'counted', ?)",
      fileId,
      size,
      at,
    ).rowsWritten;
    if (inserted === 0) return { applied: false };
    sql.exec(
      `UPDATE totals SET files = files + 1, bytes = bytes + ?, uploads = uploads + 1,
         last_upload_at = MAX(COALESCE(last_upload_at, 0), ?) WHERE id = 1`,
      size,
      at,
    );
    return { applied: true };
  }

  /** Uncounts a deleted file once (or leaves a tombstone if it was never counted). */
  async remove(fileId: string): Promise<{ applied: boolean }> {
    if (!FILE_ID.test(fileId)) return { applied: false };
    const sql = this.ctx.storage.sql;
    const row = sql
      .exec<{ size: number; state: string }>("SELECT size, state FROM ledger WHERE file_id = ?", fileId)
      .toArray()[0];
    if (!row) {
      sql.exec("INSERT INTO ledger (file_id, size, state, at) VALUES (?, 0, 'removed', ?)", fileId, Date.now());
      return { applied: false };
    }
    if (row.state === "removed") return { applied: false };
    sql.exec("UPDATE ledger SET state = 'removed' WHERE file_id = ?", fileId);
    sql.exec("UPDATE totals SET files = files - 1, bytes = bytes - ? WHERE id = 1", row.size);
    return { applied: true };
  }

  async get(): Promise<UserStatsView> {
    const row = this.ctx.storage.sql
      .exec<{ files: number; bytes: number; uploads: number; last_upload_at: number | null }>(
        "SELECT files, bytes, uploads, last_upload_at FROM totals WHERE id = 1",
      )
      .toArray()[0];
    return {
      files: row?.files ?? 0,
      bytes: row?.bytes ?? 0,
      uploads: row?.uploads ?? 0,
      lastUploadAt: row?.last_upload_at ? new Date(row.last_upload_at).toISOString() : null,
    };
  }
}
