// Search over analysed files: the FTS5 index the assistant reads, and the embeddings kept beside it.
import type { FileRecord } from "./file-record";
import type { FileAnalysis } from "./files.schema";

export interface FileHit {
  fileId: string;
  name: string;
  summary: string;
  keywords: string;
}

export class FileSearch {
  constructor(private readonly db: D1Database) {}

  async saveEmbedding(
    fileId: string,
    embedding: { provider: string; lexical: boolean; vector: number[] },
    now: string,
  ): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO file_embeddings (file_id, provider, lexical, dimensions, vector, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (file_id) DO UPDATE SET provider = excluded.provider, lexical = excluded.lexical,
           dimensions = excluded.dimensions, vector = excluded.vector, created_at = excluded.created_at`,
      )
      .bind(
        fileId,
        embedding.provider,
        embedding.lexical ? 1 : 0,
        embedding.vector.length,
        JSON.stringify(embedding.vector),
        now,
      )
      .run();
  }

  /** Makes an analysed file findable by the assistant (FTS5 over name, summary and keywords). */
  async indexForSearch(
    record: Pick<FileRecord, "id" | "ownerId" | "name">,
    analysis: FileAnalysis | null,
  ): Promise<void> {
    const summary =
      analysis?.kind === "text"
        ? analysis.summary
        : analysis?.kind === "image"
          ? `${analysis.format} image ${analysis.width}×${analysis.height}`
          : "";
    const keywords =
      analysis?.kind === "text"
        ? analysis.keywords.join(" ")
        : analysis?.kind === "image"
          ? analysis.labels.map((l) => l.label).join(" ")
          : "";
    await this.db.batch([
      this.db.prepare("DELETE FROM file_search WHERE file_id = ?").bind(record.id),
      this.db
        .prepare("INSERT INTO file_search (file_id, owner_id, name, summary, keywords) VALUES (?, ?, ?, ?, ?)")
        .bind(record.id, record.ownerId, record.name, summary, keywords),
    ]);
  }

  /** The owner's files matching an FTS5 query, best first. */
  async search(ownerId: string, match: string, limit: number): Promise<FileHit[]> {
    const rows = await this.db
      .prepare(
        `SELECT file_id, name, summary, keywords FROM file_search WHERE file_search MATCH ? AND owner_id = ?
         ORDER BY bm25(file_search) LIMIT ?`,
      )
      .bind(match, ownerId, limit)
      .all<{ file_id: string; name: string; summary: string; keywords: string }>();
    return rows.results.map((row) => ({
      fileId: row.file_id,
      name: row.name,
      summary: row.summary,
      keywords: row.keywords,
    }));
  }
}
