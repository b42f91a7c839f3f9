// File metadata in D1: rows, multipart parts, the event outbox, share links and dead letters. SQL only here.
import { z } from "@hono/zod-openapi";
import { fromBase64Url, toBase64Url } from "@outpost/edge-kit/crypto";
import {
  type FileAnalysis,
  FileAnalysisSchema,
  type FileEvent,
  type FileStatus,
  type FileView,
  type ShareLinkView,
} from "./files.schema";

export type StoredStatus = FileStatus | "deleting";

/** A file as the server sees it: the public view plus owner, object key and multipart state. */
export const FileRecordSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  objectKey: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string().nullable(),
  status: z.enum(["uploading", "stored", "analysing", "ready", "failed", "skipped", "deleting"]),
  uploadMode: z.enum(["single", "multipart"]),
  multipartId: z.string().nullable(),
  partSize: z.number().nullable(),
  analysis: FileAnalysisSchema.nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type FileRecord = z.infer<typeof FileRecordSchema>;

interface FileRow {
  id: string;
  owner_id: string;
  object_key: string;
  name: string;
  content_type: string;
  size: number;
  sha256: string | null;
  status: StoredStatus;
  upload_mode: "single" | "multipart";
  multipart_id: string | null;
  part_size: number | null;
  analysis: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS =
  "id, owner_id, object_key, name, content_type, size, sha256, status, upload_mode, multipart_id, part_size, analysis, error, created_at, updated_at";

function parseAnalysis(text: string | null): FileAnalysis | null {
  if (!text) return null;
  try {
    const parsed = FileAnalysisSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function toRecord(row: FileRow): FileRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    objectKey: row.object_key,
    name: row.name,
    contentType: row.content_type,
    size: row.size,
    sha256: row.sha256,
    status: row.status,
    uploadMode: row.upload_mode,
    multipartId: row.multipart_id,
    partSize: row.part_size,
    analysis: parseAnalysis(row.analysis),
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What a client may see of a file: no owner, no object key, no multipart internals. */
export function toView(record: FileRecord): FileView {
  return {
    id: record.id,
    name: record.name,
    contentType: record.contentType,
    size: record.size,
    sha256: record.sha256,
    status: record.status === "deleting" ? "failed" : record.status,
    uploadMode: record.uploadMode,
    analysis: record.analysis,
    error: record.error,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export interface NewFile {
  id: string;
  ownerId: string;
  objectKey: string;
  name: string;
  contentType: string;
  size: number;
  uploadMode: "single" | "multipart";
  partSize: number | null;
  now: string;
}

export interface FilePage {
  files: FileRecord[];
  nextCursor: string | null;
}

function encodeCursor(record: FileRecord): string {
  return toBase64Url(new TextEncoder().encode(`${record.createdAt}|${record.id}`));
}

function decodeCursor(cursor: string): [string, string] | null {
  const bytes = fromBase64Url(cursor);
  if (!bytes) return null;
  const [createdAt, id, ...rest] = new TextDecoder().decode(bytes).split("|");
  if (!createdAt || !id || rest.length > 0 || !/^[0-9a-f]{32}$/.test(id)) return null;
  return [createdAt, id];
}

export function outboxInsert(db: D1Database, event: FileEvent, now: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO file_outbox (file_id, event, owner_id, size, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, 0, ?, ?)
       ON CONFLICT (file_id, event) DO UPDATE SET size = excluded.size, next_attempt_at = excluded.next_attempt_at`,
    )
    .bind(event.fileId, event.type, event.ownerId, event.size, now, now);
}

export interface OutboxRow {
  event: FileEvent;
  attempts: number;
}

export interface DeadLetterRow {
  messageId: string;
  fileId: string | null;
  event: string | null;
  attempts: number;
  receivedAt: string;
  body: string;
}

const DEAD_LETTER_COLUMNS = "message_id, file_id, event, body, attempts, received_at";

interface DeadLetterDbRow {
  message_id: string;
  file_id: string | null;
  event: string | null;
  body: string;
  attempts: number;
  received_at: string;
}

function toDeadLetter(row: DeadLetterDbRow): DeadLetterRow {
  return {
    messageId: row.message_id,
    fileId: row.file_id,
    event: row.event,
    body: row.body,
    attempts: row.attempts,
    receivedAt: row.received_at,
  };
}

export class FileRepository {
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  async insert(file: NewFile): Promise<void> {
    await this.#db
      .prepare(
        `INSERT INTO files (id, owner_id, object_key, name, content_type, size, sha256, status, upload_mode,
           multipart_id, part_size, analysis, error, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, NULL, 'uploading', ?, NULL, ?, NULL, NULL, ?, ?)`,
      )
      .bind(
        file.id,
        file.ownerId,
        file.objectKey,
        file.name,
        file.contentType,
        file.size,
        file.uploadMode,
        file.partSize,
        file.now,
        file.now,
      )
      .run();
  }

  async find(id: string): Promise<FileRecord | null> {
    const row = await this.#db.prepare(`SELECT ${COLUMNS} FROM files WHERE id = ?`).bind(id).first<FileRow>();
    return row ? toRecord(row) : null;
  }

  /** The owner's files, newest first, keyset-paged; files being deleted are invisible. */
  async listByOwner(ownerId: string, limit: number, cursor?: string): Promise<FilePage | null> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    if (after === null) return null;
    const statement = after
      ? this.#db
          .prepare(
            `SELECT ${COLUMNS} FROM files WHERE owner_id = ? AND status != 'deleting' AND (created_at, id) < (?, ?)
             ORDER BY created_at DESC, id DESC LIMIT ?`,
          )
          .bind(ownerId, after[0], after[1], limit + 1)
      : this.#db
          .prepare(
            `SELECT ${COLUMNS} FROM files WHERE owner_id = ? AND status != 'deleting'
             ORDER BY created_at DESC, id DESC LIMIT ?`,
          )
          .bind(ownerId, limit + 1);
    const rows = (await statement.all<FileRow>()).results.map(toRecord);
    const files = rows.slice(0, limit);
    const last = files.at(-1);
    return { files, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /** Bytes the owner keeps (or is uploading), for the quota. */
  async bytesUsed(ownerId: string): Promise<number> {
    const row = await this.#db
      .prepare("SELECT COALESCE(SUM(size), 0) AS used FROM files WHERE owner_id = ? AND status != 'deleting'")
      .bind(ownerId)
      .first<{ used: number }>();
    return row?.used ?? 0;
  }

  /**
   * The upload's bytes are in R2: mark the row stored and write its `file.stored` event in one batch (a D1
   * transaction), so a stored file always has an event and an event always has a stored file.
   */
  async markStored(
    record: Pick<FileRecord, "id" | "ownerId">,
    fields: { size: number; sha256: string | null; contentType: string },
    now: string,
  ): Promise<boolean> {
    const [update] = await this.#db.batch([
      this.#db
        .prepare(
          `UPDATE files SET status = 'stored', size = ?, sha256 = ?, content_type = ?, multipart_id = NULL,
             updated_at = ? WHERE id = ? AND status = 'uploading'`,
        )
        .bind(fields.size, fields.sha256, fields.contentType, now, record.id),
      outboxInsert(
        this.#db,
        { type: "file.stored", fileId: record.id, ownerId: record.ownerId, size: fields.size },
        now,
      ),
      this.#db.prepare("DELETE FROM file_parts WHERE file_id = ?").bind(record.id),
    ]);
    if (update?.meta.changes !== 1) {
      // The row left `uploading` meanwhile (aborted, swept): undo the outbox row written in the same batch.
      await this.#db
        .prepare("DELETE FROM file_outbox WHERE file_id = ? AND event = 'file.stored'")
        .bind(record.id)
        .run();
      return false;
    }
    return true;
  }

  async setMultipartId(id: string, multipartId: string, now: string): Promise<void> {
    await this.#db
      .prepare("UPDATE files SET multipart_id = ?, updated_at = ? WHERE id = ? AND status = 'uploading'")
      .bind(multipartId, now, id)
      .run();
  }

  async setContentType(id: string, contentType: string, now: string): Promise<void> {
    await this.#db
      .prepare("UPDATE files SET content_type = ?, updated_at = ? WHERE id = ? AND status = 'uploading'")
      .bind(contentType, now, id)
      .run();
  }

  async recordPart(id: string, part: { partNumber: number; etag: string; size: number }, now: string): Promise<void> {
    await this.#db.batch([
      this.#db
        .prepare(
          `INSERT INTO file_parts (file_id, part_number, etag, size, created_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (file_id, part_number) DO UPDATE SET etag = excluded.etag, size = excluded.size,
             created_at = excluded.created_at`,
        )
        .bind(id, part.partNumber, part.etag, part.size, now),
      this.#db.prepare("UPDATE files SET updated_at = ? WHERE id = ?").bind(now, id),
    ]);
  }

  async parts(id: string): Promise<{ partNumber: number; etag: string; size: number }[]> {
    const rows = await this.#db
      .prepare("SELECT part_number, etag, size FROM file_parts WHERE file_id = ? ORDER BY part_number")
      .bind(id)
      .all<{ part_number: number; etag: string; size: number }>();
    return rows.results.map((row) => ({ partNumber: row.part_number, etag: row.etag, size: row.size }));
  }

  /** Forgets a row (and its parts and links) entirely: only once its object is gone from R2. */
  async purge(id: string): Promise<void> {
    await this.#db.batch([
      this.#db.prepare("DELETE FROM files WHERE id = ?").bind(id),
      this.#db.prepare("DELETE FROM file_parts WHERE file_id = ?").bind(id),
      this.#db.prepare("DELETE FROM share_links WHERE file_id = ?").bind(id),
      this.#db.prepare("DELETE FROM file_embeddings WHERE file_id = ?").bind(id),
      this.#db.prepare("DELETE FROM file_search WHERE file_id = ?").bind(id),
      this.#db.prepare("DELETE FROM file_outbox WHERE file_id = ? AND event = 'file.stored'").bind(id),
    ]);
  }

  /**
   * First step of a delete: hide the file and write its `file.deleted` event in one transaction. Returns
   * false when the row was already gone or being deleted.
   */
  async markDeleting(record: Pick<FileRecord, "id" | "ownerId" | "size">, now: string): Promise<boolean> {
    const [update] = await this.#db.batch([
      this.#db
        .prepare("UPDATE files SET status = 'deleting', updated_at = ? WHERE id = ? AND status != 'deleting'")
        .bind(now, record.id),
      outboxInsert(
        this.#db,
        { type: "file.deleted", fileId: record.id, ownerId: record.ownerId, size: record.size },
        now,
      ),
    ]);
    return update?.meta.changes === 1;
  }

  /** Moves a file between states only from the expected ones (stale or duplicate deliveries change nothing). */
  async transition(
    id: string,
    from: readonly StoredStatus[],
    to: StoredStatus,
    fields: { analysis?: FileAnalysis | null; error?: string | null; sha256?: string } = {},
    now = new Date().toISOString(),
  ): Promise<boolean> {
    const placeholders = from.map(() => "?").join(", ");
    const result = await this.#db
      .prepare(
        `UPDATE files SET status = ?, analysis = COALESCE(?, analysis), error = ?, sha256 = COALESCE(?, sha256),
           updated_at = ? WHERE id = ? AND status IN (${placeholders})`,
      )
      .bind(
        to,
        fields.analysis ? JSON.stringify(fields.analysis) : null,
        fields.error ?? null,
        fields.sha256 ?? null,
        now,
        id,
        ...from,
      )
      .run();
    return result.meta.changes === 1;
  }

  // ---- outbox

  async dueOutbox(now: string, limit: number): Promise<OutboxRow[]> {
    const rows = await this.#db
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

  async outboxSent(events: readonly FileEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.#db.batch(
      events.map((event) =>
        this.#db.prepare("DELETE FROM file_outbox WHERE file_id = ? AND event = ?").bind(event.fileId, event.type),
      ),
    );
  }

  async outboxPostpone(events: readonly FileEvent[], nextAttemptAt: string): Promise<void> {
    if (events.length === 0) return;
    await this.#db.batch(
      events.map((event) =>
        this.#db
          .prepare(
            "UPDATE file_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE file_id = ? AND event = ?",
          )
          .bind(nextAttemptAt, event.fileId, event.type),
      ),
    );
  }

  // ---- sweeper queries

  async stale(status: StoredStatus, mode: "single" | "multipart" | null, before: string, limit: number) {
    const rows = await (mode
      ? this.#db
          .prepare(
            `SELECT ${COLUMNS} FROM files WHERE status = ? AND upload_mode = ? AND updated_at < ? ORDER BY updated_at LIMIT ?`,
          )
          .bind(status, mode, before, limit)
      : this.#db
          .prepare(`SELECT ${COLUMNS} FROM files WHERE status = ? AND updated_at < ? ORDER BY updated_at LIMIT ?`)
          .bind(status, before, limit)
    ).all<FileRow>();
    return rows.results.map(toRecord);
  }

  /** Files waiting for analysis with no event pending: their message was lost; the sweeper re-announces them. */
  async strandedForAnalysis(before: string, limit: number): Promise<FileRecord[]> {
    const rows = await this.#db
      .prepare(
        `SELECT ${COLUMNS} FROM files f WHERE status IN ('stored', 'analysing') AND updated_at < ?
           AND NOT EXISTS (SELECT 1 FROM file_outbox o WHERE o.file_id = f.id AND o.event = 'file.stored')
         ORDER BY updated_at LIMIT ?`,
      )
      .bind(before, limit)
      .all<FileRow>();
    return rows.results.map(toRecord);
  }

  async announceAgain(record: FileRecord, now: string): Promise<void> {
    await this.#db.batch([
      this.#db.prepare("UPDATE files SET updated_at = ? WHERE id = ?").bind(now, record.id),
      outboxInsert(
        this.#db,
        { type: "file.stored", fileId: record.id, ownerId: record.ownerId, size: record.size },
        now,
      ),
    ]);
  }

  async countsByStatus(): Promise<{ byStatus: Record<string, number>; outboxPending: number; deadLetters: number }> {
    const [statuses, outbox, dead] = await this.#db.batch<{ status?: string; n: number }>([
      this.#db.prepare("SELECT status, COUNT(*) AS n FROM files GROUP BY status"),
      this.#db.prepare("SELECT COUNT(*) AS n FROM file_outbox"),
      this.#db.prepare("SELECT COUNT(*) AS n FROM file_dead_letters"),
    ]);
    const byStatus: Record<string, number> = {};
    for (const row of statuses?.results ?? []) if (row.status) byStatus[row.status] = row.n;
    return { byStatus, outboxPending: outbox?.results[0]?.n ?? 0, deadLetters: dead?.results[0]?.n ?? 0 };
  }

  // ---- share links

  async insertLink(link: { id: string; fileId: string; ownerId: string; expiresAt: string; now: string }) {
    await this.#db
      .prepare(
        "INSERT INTO share_links (id, file_id, owner_id, expires_at, revoked_at, created_at) VALUES (?, ?, ?, ?, NULL, ?)",
      )
      .bind(link.id, link.fileId, link.ownerId, link.expiresAt, link.now)
      .run();
  }

  async findLink(id: string) {
    return this.#db
      .prepare("SELECT id, file_id, owner_id, expires_at, revoked_at, created_at FROM share_links WHERE id = ?")
      .bind(id)
      .first<{
        id: string;
        file_id: string;
        owner_id: string;
        expires_at: string;
        revoked_at: string | null;
        created_at: string;
      }>();
  }

  async listLinks(fileId: string): Promise<Omit<ShareLinkView, "url">[]> {
    const rows = await this.#db
      .prepare(
        "SELECT id, file_id, expires_at, revoked_at, created_at FROM share_links WHERE file_id = ? ORDER BY created_at DESC LIMIT 100",
      )
      .bind(fileId)
      .all<{ id: string; file_id: string; expires_at: string; revoked_at: string | null; created_at: string }>();
    return rows.results.map((row) => ({
      id: row.id,
      fileId: row.file_id,
      expiresAt: row.expires_at,
      revoked: row.revoked_at !== null,
      createdAt: row.created_at,
    }));
  }

  async revokeLink(fileId: string, linkId: string, now: string): Promise<boolean> {
    const result = await this.#db
      .prepare("UPDATE share_links SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND file_id = ?")
      .bind(now, linkId, fileId)
      .run();
    return result.meta.changes === 1;
  }

  // ---- dead letters

  async recordDeadLetter(row: DeadLetterRow): Promise<void> {
    await this.#db
      .prepare(
        `INSERT OR IGNORE INTO file_dead_letters (message_id, file_id, event, body, attempts, received_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .bind(row.messageId, row.fileId, row.event, row.body, row.attempts, row.receivedAt)
      .run();
  }

  async deadLetters(limit: number): Promise<DeadLetterRow[]> {
    const rows = await this.#db
      .prepare(`SELECT ${DEAD_LETTER_COLUMNS} FROM file_dead_letters ORDER BY received_at DESC LIMIT ?`)
      .bind(limit)
      .all<DeadLetterDbRow>();
    return rows.results.map(toDeadLetter);
  }

  async findDeadLetter(messageId: string): Promise<DeadLetterRow | null> {
    const row = await this.#db
      .prepare(`SELECT ${DEAD_LETTER_COLUMNS} FROM file_dead_letters WHERE message_id = ?`)
      .bind(messageId)
      .first<DeadLetterDbRow>();
    return row ? toDeadLetter(row) : null;
  }

  async deleteDeadLetter(messageId: string): Promise<void> {
    await this.#db.prepare("DELETE FROM file_dead_letters WHERE message_id = ?").bind(messageId).run();
  }
}
