// The files a message may carry: the sender's own, in a state whose bytes are in R2 (checked in D1 when sent).
import type { MessageAttachment } from "./rooms.schema";

/**
 * States in which a file's bytes are stored and stay servable. `uploading` has no bytes yet, `deleting` is on
 * its way out, and `failed` is refused when sending so nothing broken is shared (once shared, the route serves
 * a file that later fails its analysis: its bytes are still there).
 */
const ATTACHABLE = ["stored", "analysing", "ready", "skipped"] as const;

type Row = { id: string; name: string; content_type: string; size: number };

/**
 * The files `fileIds` as attachments, in the order asked for with repeats dropped, when every one exists, is
 * owned by `ownerId` and is attachable; otherwise null (the room answers `attachment-not-found`, and a file
 * that is someone else's looks exactly like one that does not exist). One D1 read.
 */
export async function lookUpAttachments(
  db: D1Database,
  ownerId: string,
  fileIds: string[],
): Promise<MessageAttachment[] | null> {
  const wanted = [...new Set(fileIds)];
  if (wanted.length === 0) return [];
  const ids = wanted.map(() => "?").join(", ");
  const states = ATTACHABLE.map(() => "?").join(", ");
  const { results } = await db
    .prepare(
      `SELECT id, name, content_type, size FROM files
       WHERE owner_id = ? AND id IN (${ids}) AND status IN (${states})`,
    )
    .bind(ownerId, ...wanted, ...ATTACHABLE)
    .all<Row>();
  const byId = new Map(results.map((row) => [row.id, row]));
  const found: MessageAttachment[] = [];
  for (const id of wanted) {
    const row = byId.get(id);
    if (!row) return null;
    found.push({ fileId: row.id, name: row.name, contentType: row.content_type, size: row.size });
  }
  return found;
}
