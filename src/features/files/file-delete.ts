// Deleting a file: hide it and write its event (one D1 batch), delete the object, forget the row, uncount it.
import { forgetFile } from "./file-cache";
import { fileEvent, publishEvents } from "./file-outbox";
import type { FileRecord } from "./file-record";
import { FileRepository } from "./file-repository";
import type { UploadContext } from "./file-upload";

/**
 * R2 first, D1 last: a row can outlive its object only while it is `deleting` (invisible to everyone), and
 * an object never outlives its row. Whatever step fails, the row stays `deleting` and the sweeper finishes
 * the job, so the caller can be told the file is gone as soon as step 1 has committed.
 */
export async function deleteFile(ctx: UploadContext, record: FileRecord): Promise<void> {
  const repository = new FileRepository(ctx.env.DB);
  const now = (ctx.now ?? (() => new Date()))().toISOString();
  if (record.status !== "deleting") {
    const marked = await repository.markDeleting(record, now);
    if (!marked) return;
  }
  await forgetFile(ctx.env, record.id).catch(() => {});
  await finishDelete(ctx, record);
}

/** Steps 2–4, also run by the sweeper for rows left `deleting`. Never throws. */
export async function finishDelete(ctx: UploadContext, record: FileRecord): Promise<boolean> {
  try {
    if (record.multipartId) {
      await ctx.env.FILES.resumeMultipartUpload(record.objectKey, record.multipartId)
        .abort()
        .catch(() => {});
    }
    await ctx.env.FILES.delete(record.objectKey);
    await new FileRepository(ctx.env.DB).purge(record.id);
  } catch (error) {
    ctx.logger?.warn("file deletion unfinished; the sweeper will finish it", { fileId: record.id, error });
    return false;
  }
  await ctx.env.USER_STATS.get(ctx.env.USER_STATS.idFromName(record.ownerId))
    .remove(record.id)
    .catch((error: unknown) => ctx.logger?.warn("statistics not updated; the queue will retry", { error }));
  await publishEvents(ctx.env, [fileEvent("file.deleted", record)], ctx.logger);
  await forgetFile(ctx.env, record.id).catch(() => {});
  return true;
}
