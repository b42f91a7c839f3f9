// File metadata in D1: the SQL over files and file_parts (the outbox, links and search keep theirs beside them).
import { createCursorCodec } from "@outpost/edge-kit/cursor";
import { fileEvent, outboxDelete, outboxInsert } from "./file-outbox";
import type { FileRecord, StoredStatus } from "./file-record";
import { type FileAnalysis, FileAnalysisSchema } from "./files.schema";

/** A row as selected with COLUMNS: a record but for its analysis, still JSON text. */
type FileRow = Omit<FileRecord, "analysis"> & { analysis: string | null };

/** The columns, named as FileRecord's fields. */
const COLUMNS = `id, owner_id AS ownerId, object_key AS objectKey, name, content_type AS contentType, size, sha256, status,
  upload_mode AS uploadMode, multipart_id AS multipartId, part_size AS partSize, analysis, error,
  created_at AS createdAt, updated_at AS updatedAt`;

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
  return { ...row, analysis: parseAnalysis(row.analysis) };
}

interface NewFile {
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

interface FilePage {
  files: FileRecord[];
  nextCursor: string | null;
}

/** List cursors: the last file's `(created_at, id)`; one with no time or a malformed id decodes to null. */
const cursors = createCursorCodec({
  keys: 2,
  validate: ([createdAt, id]) => createdAt !== "" && /^[0-9a-f]{32}$/.test(id),
});

export class FileRepository {
  constructor(private readonly db: D1Database) {}

  async insert(file: NewFile): Promise<void> {
    await this.db
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
    const row = await this.db.prepare(`SELECT ${COLUMNS} FROM files WHERE id = ?`).bind(id).first<FileRow>();
    return row ? toRecord(row) : null;
  }

  /** The owner's files, newest first, keyset-paged; files being deleted are invisible. */
  async listByOwner(ownerId: string, limit: number, cursor?: string): Promise<FilePage | null> {
    const after = cursor ? cursors.decode(cursor) : undefined;
    if (after === null) return null;
    const statement = after
      ? this.db
          .prepare(
            `SELECT ${COLUMNS} FROM files WHERE owner_id = ? AND status != 'deleting' AND (created_at, id) < (?, ?)
             ORDER BY created_at DESC, id DESC LIMIT ?`,
          )
          .bind(ownerId, after[0], after[1], limit + 1)
      : this.db
          .prepare(
            `SELECT ${COLUMNS} FROM files WHERE owner_id = ? AND status != 'deleting'
             ORDER BY created_at DESC, id DESC LIMIT ?`,
          )
          .bind(ownerId, limit + 1);
    const rows = (await statement.all<FileRow>()).results.map(toRecord);
    const files = rows.slice(0, limit);
    const last = files.at(-1);
    return { files, nextCursor: rows.length > limit && last ? cursors.encode([last.createdAt, last.id]) : null };
  }

  /** Bytes the owner keeps (or is uploading), for the quota. */
  async bytesUsed(ownerId: string): Promise<number> {
    const row = await this.db
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
    const [update] = await this.db.batch([
      this.db
        .prepare(
          `UPDATE files SET status = 'stored', size = ?, sha256 = ?, content_type = ?, multipart_id = NULL,
             updated_at = ? WHERE id = ? AND status = 'uploading'`,
        )
        .bind(fields.size, fields.sha256, fields.contentType, now, record.id),
      outboxInsert(this.db, fileEvent("file.stored", { ...record, size: fields.size }), now),
      this.db.prepare("DELETE FROM file_parts WHERE file_id = ?").bind(record.id),
    ]);
    if (update?.meta.changes !== 1) {
      // The row left `uploading` meanwhile (aborted, swept): undo the outbox row written in the same batch.
      await outboxDelete(this.db, record.id, "file.stored").run();
      return false;
    }
    return true;
  }

  async setMultipartId(id: string, multipartId: string, now: string): Promise<void> {
    await this.db
      .prepare("UPDATE files SET multipart_id = ?, updated_at = ? WHERE id = ? AND status = 'uploading'")
      .bind(multipartId, now, id)
      .run();
  }

  async setContentType(id: string, contentType: string, now: string): Promise<void> {
    await this.db
      .prepare("UPDATE files SET content_type = ?, updated_at = ? WHERE id = ? AND status = 'uploading'")
      .bind(contentType, now, id)
      .run();
  }

  async recordPart(id: string, part: { partNumber: number; etag: string; size: number }, now: string): Promise<void> {
    await this.db.batch([
      this.db
        .prepare(
          `INSERT INTO file_parts (file_id, part_number, etag, size, created_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (file_id, part_number) DO UPDATE SET etag = excluded.etag, size = excluded.size,
             created_at = excluded.created_at`,
        )
        .bind(id, part.partNumber, part.etag, part.size, now),
      this.db.prepare("UPDATE files SET updated_at = ? WHERE id = ?").bind(now, id),
    ]);
  }

  async parts(id: string): Promise<{ partNumber: number; etag: string; size: number }[]> {
    const rows = await this.db
      .prepare("SELECT part_number, etag, size FROM file_parts WHERE file_id = ? ORDER BY part_number")
      .bind(id)
      .all<{ part_number: number; etag: string; size: number }>();
    return rows.results.map((row) => ({ partNumber: row.part_number, etag: row.etag, size: row.size }));
  }

  /** Forgets a row (and its parts and links) entirely: only once its object is gone from R2. */
  async purge(id: string): Promise<void> {
    await this.db.batch([
      this.db.prepare("DELETE FROM files WHERE id = ?").bind(id),
      this.db.prepare("DELETE FROM file_parts WHERE file_id = ?").bind(id),
      this.db.prepare("DELETE FROM share_links WHERE file_id = ?").bind(id),
      this.db.prepare("DELETE FROM file_embeddings WHERE file_id = ?").bind(id),
      this.db.prepare("DELETE FROM file_search WHERE file_id = ?").bind(id),
      outboxDelete(this.db, id, "file.stored"),
    ]);
  }

  /**
   * First step of a delete: hide the file and write its `file.deleted` event in one transaction. Returns
   * false when the row was already gone or being deleted.
   */
  async markDeleting(record: Pick<FileRecord, "id" | "ownerId" | "size">, now: string): Promise<boolean> {
    const [update] = await this.db.batch([
      this.db
        .prepare("UPDATE files SET status = 'deleting', updated_at = ? WHERE id = ? AND status != 'deleting'")
        .bind(now, record.id),
      outboxInsert(this.db, fileEvent("file.deleted", record), now),
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
    const result = await this.db
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

  // ---- sweeper and admin

  async stale(status: StoredStatus, mode: "single" | "multipart" | null, before: string, limit: number) {
    const rows = await (mode
      ? this.db
          .prepare(
            `SELECT ${COLUMNS} FROM files WHERE status = ? AND upload_mode = ? AND updated_at < ? ORDER BY updated_at LIMIT ?`,
          )
          .bind(status, mode, before, limit)
      : this.db
          .prepare(`SELECT ${COLUMNS} FROM files WHERE status = ? AND updated_at < ? ORDER BY updated_at LIMIT ?`)
          .bind(status, before, limit)
    ).all<FileRow>();
    return rows.results.map(toRecord);
  }

  /** Files waiting for analysis with no event pending: their message was lost; the sweeper re-announces them. */
  async strandedForAnalysis(before: string, limit: number): Promise<FileRecord[]> {
    const rows = await this.db
      .prepare(
        `SELECT ${COLUMNS} FROM files f WHERE status IN ('stored', 'analysing') AND updated_at < ?
           AND NOT EXISTS (SELECT 1 FROM file_outbox o WHERE o.file_id = f.id AND o.event = 'file.stored')
         ORDER BY updated_at LIMIT ?`,
      )
      .bind(before, limit)
      .all<FileRow>();
    return rows.results.map(toRecord);
  }

  /** Writes a stranded file's `file.stored` event again. */
  async announceAgain(record: FileRecord, now: string): Promise<void> {
    await this.db.batch([
      this.db.prepare("UPDATE files SET updated_at = ? WHERE id = ?").bind(now, record.id),
      outboxInsert(this.db, fileEvent("file.stored", record), now),
    ]);
  }

  /** An admin's retry of a failed analysis: back to `stored`, its error cleared, its event written again. */
  async retryAnalysis(record: FileRecord, now: string): Promise<void> {
    await this.db.batch([
      this.db
        .prepare("UPDATE files SET status = 'stored', error = NULL, updated_at = ? WHERE id = ? AND status = 'failed'")
        .bind(now, record.id),
      outboxInsert(this.db, fileEvent("file.stored", record), now),
    ]);
  }

  async countsByStatus(): Promise<{ byStatus: Record<string, number>; outboxPending: number; deadLetters: number }> {
    const [statuses, outbox, dead] = await this.db.batch<{ status?: string; n: number }>([
      this.db.prepare("SELECT status, COUNT(*) AS n FROM files GROUP BY status"),
      this.db.prepare("SELECT COUNT(*) AS n FROM file_outbox"),
      this.db.prepare("SELECT COUNT(*) AS n FROM file_dead_letters"),
    ]);
    const byStatus: Record<string, number> = {};
    for (const row of statuses?.results ?? []) if (row.status) byStatus[row.status] = row.n;
    return { byStatus, outboxPending: outbox?.results[0]?.n ?? 0, deadLetters: dead?.results[0]?.n ?? 0 };
  }
}
