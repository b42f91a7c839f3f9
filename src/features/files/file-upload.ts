// Single-request uploads: sniff the first bytes, write the row, stream the body to R2 while hashing, then mark stored.
import { resolveUploadType, SNIFF_BYTES, sanitizeFileName } from "@outpost/edge-kit/content";
import type { Logger } from "@outpost/edge-kit/context";
import { randomId } from "@outpost/edge-kit/crypto";
import { BodyLengthError, causeOfFailure, readHead, replay } from "./byte-stream";
import { forgetFile } from "./file-cache";
import { fileErrors } from "./file-errors";
import { fileEvent, publishEvents } from "./file-outbox";
import type { FileRecord } from "./file-record";
import { FileRepository } from "./file-repository";
import { getFilesConfig } from "./files.config";

export type FilesEnv = Pick<Env, "DB" | "FILES" | "FILE_EVENTS" | "USER_STATS" | "CACHE"> & Partial<Env>;

export interface UploadContext {
  env: FilesEnv;
  ownerId: string;
  logger?: Logger;
  /** Runs work after the response (the statistics fast path). */
  defer?: (promise: Promise<unknown>) => void;
  now?: () => Date;
}

/** R2 keys: the owner's prefix and a random name. Nothing the client sends ever becomes part of a key. */
export function newObjectKey(ownerId: string): string {
  return `f/${ownerId}/${randomId()}`;
}

export async function assertQuota(ctx: UploadContext, adding: number): Promise<void> {
  const quota = getFilesConfig(ctx.env).FILE_QUOTA_BYTES;
  if (quota === 0) return;
  const used = await new FileRepository(ctx.env.DB).bytesUsed(ctx.ownerId);
  if (used + adding > quota) throw fileErrors.quota(quota, used);
}

/** Counts a stored file in the owner's statistics now; the queue consumer repeats it (idempotently) if this fails. */
export function countInStats(ctx: UploadContext, record: Pick<FileRecord, "id" | "ownerId">, size: number): void {
  const work = ctx.env.USER_STATS.get(ctx.env.USER_STATS.idFromName(record.ownerId))
    .record(record.id, size, Date.now())
    .catch((error: unknown) => ctx.logger?.warn("statistics not updated; the queue will retry", { error }));
  if (ctx.defer) ctx.defer(work);
}

interface SingleUpload {
  name: string;
  declaredType: string | undefined;
  contentLength: number | undefined;
  body: ReadableStream<Uint8Array> | null;
}

/**
 * `POST /api/files`. Order, so that nothing is ever orphaned: (1) sniff and check before anything is
 * written; (2) insert the row as `uploading` (its key is now known to D1); (3) stream to R2; (4) in one D1
 * batch mark it `stored` and write its `file.stored` event; (5) publish the event. A failure at (3) deletes
 * the object and the row; a failure at (4) does the same; whatever a crash leaves `uploading` the sweeper
 * removes; an event that (5) could not send stays in the outbox for the sweeper.
 */
export async function uploadSingle(ctx: UploadContext, input: SingleUpload): Promise<FileRecord> {
  const config = getFilesConfig(ctx.env);
  const now = ctx.now ?? (() => new Date());
  if (input.contentLength === undefined) throw fileErrors.lengthRequired();
  const length = input.contentLength;
  const limit = Math.min(config.FILE_UPLOAD_MAX_BYTES, config.FILE_MAX_BYTES);
  if (length > limit) throw fileErrors.tooLarge(limit);
  if (length === 0 || !input.body) throw fileErrors.empty();
  await assertQuota(ctx, length);

  const head = await readHead(input.body, SNIFF_BYTES, length).catch((error: unknown) => {
    throw clientError(error);
  });
  const decision = resolveUploadType(input.declaredType, head.bytes);
  if (!decision.ok) {
    // Let go of the rest rather than cancel it: in development drainUnreadBodies (src/http) reads it to its end,
    // which keeps the dev server's keep-alive connection usable (a cancelled body broke the next request).
    head.reader.releaseLock();
    if (decision.reason === "empty") throw fileErrors.empty();
    throw fileErrors.type(decision.reason, decision.detected, input.declaredType);
  }

  const repository = new FileRepository(ctx.env.DB);
  const record = {
    id: randomId(),
    ownerId: ctx.ownerId,
    objectKey: newObjectKey(ctx.ownerId),
    name: sanitizeFileName(input.name),
    contentType: decision.type,
    size: length,
    uploadMode: "single" as const,
    partSize: null,
    now: now().toISOString(),
  };
  await repository.insert(record);

  const stream = replay(head, length, true);
  let sha256: string | null;
  try {
    const [, result] = await Promise.all([
      ctx.env.FILES.put(record.objectKey, stream.readable, {
        httpMetadata: { contentType: decision.type },
        customMetadata: { fileId: record.id },
      }),
      stream.done,
    ]);
    sha256 = result.sha256;
  } catch (error) {
    stream.cancel(error);
    const cause = await causeOfFailure(stream, error);
    await discard(ctx, record, "upload failed");
    throw cause instanceof BodyLengthError ? clientError(cause) : fileErrors.storage(cause);
  }

  let stored: boolean;
  try {
    stored = await repository.markStored(
      record,
      { size: length, sha256, contentType: decision.type },
      now().toISOString(),
    );
  } catch (error) {
    await discard(ctx, record, "marking the upload stored failed");
    throw fileErrors.storage(error);
  }
  if (!stored) {
    await discard(ctx, record, "the upload was swept while it ran");
    throw fileErrors.storage(new Error("row left uploading during the upload"));
  }
  await publishEvents(ctx.env, [fileEvent("file.stored", record)], ctx.logger);
  countInStats(ctx, record, length);
  const saved = await repository.find(record.id);
  if (!saved) throw fileErrors.notFound();
  return saved;
}

/** A body cut short (or too long) is the client's 400 `body-length-mismatch`; any other error is returned as is. */
export function clientError(error: unknown): unknown {
  return error instanceof BodyLengthError ? fileErrors.lengthMismatch(error.expected, error.received) : error;
}

/** Best-effort compensation: object first, then row. Whatever fails here, the sweeper finishes. */
export async function discard(ctx: UploadContext, record: { id: string; objectKey: string }, why: string) {
  try {
    await ctx.env.FILES.delete(record.objectKey);
    await new FileRepository(ctx.env.DB).purge(record.id);
    await forgetFile(ctx.env, record.id);
  } catch (error) {
    ctx.logger?.warn("upload not cleaned up; the sweeper will", { fileId: record.id, why, error });
  }
}
