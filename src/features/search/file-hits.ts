// My files that match a search: the FTS5 index over analysed files (name, summary, keywords) first, then name
// matches among files not (yet) in it. Owner-scoped twice: the index's owner column and the files row's.
import { FileSearch } from "../files";
import type { FileSearchHit } from "./search.schema";
import { ftsMatch, likePattern, snippetOf } from "./search-terms";

type FileRow = { id: string; name: string; content_type: string };

/**
 * Up to `limit` of `ownerId`'s files matching any of `terms` (at least one): indexed matches by bm25, then
 * files whose name contains a term, newest first. Files being uploaded or deleted are left out. Two D1 reads.
 */
export async function findFiles(
  db: D1Database,
  ownerId: string,
  terms: readonly string[],
  limit: number,
): Promise<FileSearchHit[]> {
  const indexed = await new FileSearch(db).search(ownerId, ftsMatch(terms), limit);
  const ids = indexed.map((hit) => hit.fileId);
  const names = terms.map(() => "name LIKE ? ESCAPE '\\'").join(" OR ");
  const inIndex = ids.length > 0 ? `id IN (${ids.map(() => "?").join(", ")}) OR ` : "";
  const { results } = await db
    .prepare(
      `SELECT id, name, content_type FROM files
       WHERE owner_id = ? AND status NOT IN ('uploading', 'deleting') AND (${inIndex}${names})
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
    .bind(ownerId, ...ids, ...terms.map(likePattern), ids.length + limit)
    .all<FileRow>();
  const rows = new Map(results.map((row) => [row.id, row]));
  const hits: FileSearchHit[] = [];
  for (const hit of indexed) {
    const row = rows.get(hit.fileId);
    if (!row) continue; // being deleted, or its index row outlived it
    rows.delete(hit.fileId);
    const summary = snippetOf(hit.summary, terms);
    const keywords = snippetOf(hit.keywords, terms);
    const snippet =
      summary.highlights.length > 0 ? summary : keywords.highlights.length > 0 ? keywords : snippetOf(row.name, terms);
    hits.push({ fileId: row.id, name: row.name, contentType: row.content_type, snippet });
  }
  for (const row of rows.values()) {
    hits.push({ fileId: row.id, name: row.name, contentType: row.content_type, snippet: snippetOf(row.name, terms) });
  }
  return hits.slice(0, limit);
}
