// Client-driven multipart uploads: create, one request per part (resumable), complete, abort.
import { resolveUploadType, SNIFF_BYTES, sanitizeFileName } from "@outpost/edge-kit/content";
import { randomId } from "@outpost/edge-kit/crypto";
import { BodyLengthError, causeOfFailure, forward, readHead } from "./byte-stream";
import { forgetFile } from "./file-cache";
import { fileErrors } from "./file-errors";
import { fileEvent, publishEvents } from "./file-outbox";
import type { FileRecord } from "./file-record";
import { FileRepository } from "./file-repository";
import { assertQuota, clientError, countInStats, discard, newObjectKey, type UploadContext } from "./file-upload";
import { getFilesConfig } from "./files.config";
import { DEFAULT_PART_BYTES, MAX_PARTS, MIN_PART_BYTES, type MultipartCreate } from "./files.schema";

interface MultipartPlan {
  partSize: number;
  partCount: number;
}

/** Part size and count: every part but the last is exactly `partSize` (R2 requires equal parts ≥ 5 MiB). */
function planParts(size: number, requested: number | undefined, maxPart: number): MultipartPlan {
  let partSize = requested ?? DEFAULT_PART_BYTES;
  if (requested === undefined) {
    // Large files get larger parts, so that they fit in R2's 10 000 parts.
    while (Math.ceil(size / partSize) > MAX_PARTS) partSize *= 2;
  }
  partSize = Math.max(MIN_PART_BYTES, Math.min(partSize, maxPart));
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/** The exact size part `n` must have. */
function expectedPartSize(size: number, plan: MultipartPlan, n: number): number {
  return n < plan.partCount ? plan.partSize : size - plan.partSize * (plan.partCount - 1);
}

function planOf(record: FileRecord): MultipartPlan {
  const partSize = record.partSize ?? DEFAULT_PART_BYTES;
  return { partSize, partCount: Math.max(1, Math.ceil(record.size / partSize)) };
}

async function openUpload(ctx: UploadContext, id: string): Promise<FileRecord> {
  const record = await new FileRepository(ctx.env.DB).find(id);
  if (!record || record.ownerId !== ctx.ownerId || record.uploadMode !== "multipart") throw fileErrors.notFound();
  if (record.status !== "uploading" || !record.multipartId) throw fileErrors.notUploading();
  return record;
}

/** `POST /api/files/uploads`: the row first, then R2's multipart upload, so no upload exists without a row. */
export async function createMultipart(ctx: UploadContext, input: MultipartCreate): Promise<FileRecord> {
  const config = getFilesConfig(ctx.env);
  if (input.size > config.FILE_MAX_BYTES) throw fileErrors.tooLarge(config.FILE_MAX_BYTES);
  if (input.partSize !== undefined && input.partSize > config.FILE_UPLOAD_MAX_BYTES) {
    throw fileErrors.tooLarge(config.FILE_UPLOAD_MAX_BYTES, "A part");
  }
  const plan = planParts(input.size, input.partSize, config.FILE_UPLOAD_MAX_BYTES);
  if (plan.partCount > MAX_PARTS) throw fileErrors.badPart(`At most ${MAX_PARTS} parts; choose a larger partSize`);
  await assertQuota(ctx, input.size);

  const repository = new FileRepository(ctx.env.DB);
  const now = (ctx.now ?? (() => new Date()))().toISOString();
  const record = {
    id: randomId(),
    ownerId: ctx.ownerId,
    objectKey: newObjectKey(ctx.ownerId),
    name: sanitizeFileName(input.name),
    // Provisional (what the client declared): part 1's bytes decide the type, and may refuse the file.
    contentType: input.contentType ?? "application/octet-stream",
    size: input.size,
    uploadMode: "multipart" as const,
    partSize: plan.partSize,
    now,
  };
  await repository.insert(record);
  try {
    const upload = await ctx.env.FILES.createMultipartUpload(record.objectKey, {
      customMetadata: { fileId: record.id },
    });
    await repository.setMultipartId(record.id, upload.uploadId, now);
  } catch (error) {
    await discard(ctx, record, "creating the multipart upload failed");
    throw fileErrors.storage(error);
  }
  const saved = await repository.find(record.id);
  if (!saved) throw fileErrors.notFound();
  return saved;
}

interface PartInput {
  partNumber: number;
  contentLength: number | undefined;
  body: ReadableStream<Uint8Array> | null;
}

/**
 * `PUT /api/files/uploads/:id/parts/:n`: one part, streamed to R2 and recorded in D1. Re-sending a part
 * replaces it, so a client resumes after a dropped part by sending that part again.
 */
export async function uploadPart(
  ctx: UploadContext,
  id: string,
  input: PartInput,
): Promise<{ partNumber: number; size: number }> {
  const record = await openUpload(ctx, id);
  const plan = planOf(record);
  if (input.partNumber > plan.partCount) {
    throw fileErrors.badPart(`This upload has ${plan.partCount} parts; part ${input.partNumber} does not exist`);
  }
  const expected = expectedPartSize(record.size, plan, input.partNumber);
  if (input.contentLength === undefined) throw fileErrors.lengthRequired();
  if (input.contentLength !== expected) {
    throw fileErrors.badPart(`Part ${input.partNumber} must be exactly ${expected} bytes`);
  }
  if (!input.body) throw fileErrors.badPart("The part has no body");

  const repository = new FileRepository(ctx.env.DB);
  const now = () => (ctx.now ?? (() => new Date()))().toISOString();
  const head = await readHead(input.body, input.partNumber === 1 ? SNIFF_BYTES : 0, expected).catch(
    (error: unknown) => {
      throw clientError(error);
    },
  );
  if (input.partNumber === 1) {
    const decision = resolveUploadType(record.contentType, head.bytes);
    if (!decision.ok) {
      // Let go of the rest rather than cancel it: in development drainUnreadBodies (src/http) reads it to its end,
      // which keeps the dev server's keep-alive connection usable (a cancelled body broke the next request).
      head.reader.releaseLock();
      await abortMultipart(ctx, id).catch(() => {});
      throw fileErrors.type(
        decision.reason === "empty" ? "unsupported" : decision.reason,
        decision.detected,
        record.contentType,
      );
    }
    await repository.setContentType(id, decision.type, now());
  }

  // Forwarded, not replayed: no hash is needed here, and a part's bytes never pass through JavaScript.
  const stream = forward(head, expected);
  let etag: string;
  try {
    const upload = ctx.env.FILES.resumeMultipartUpload(record.objectKey, record.multipartId ?? "");
    const [part] = await Promise.all([upload.uploadPart(input.partNumber, stream.readable), stream.done]);
    etag = part.etag;
  } catch (error) {
    stream.cancel(error);
    // R2 keeps no part from a failed uploadPart, and D1 records none: the client simply sends it again.
    const cause = await causeOfFailure(stream, error);
    throw cause instanceof BodyLengthError ? clientError(cause) : fileErrors.storage(cause);
  }
  try {
    await repository.recordPart(id, { partNumber: input.partNumber, etag, size: expected }, now());
  } catch (error) {
    // R2 has the part but D1 does not know it: the client sees a failure and sends the part again.
    throw fileErrors.storage(error);
  }
  return { partNumber: input.partNumber, size: expected };
}

export async function describeUpload(ctx: UploadContext, id: string) {
  const record = await new FileRepository(ctx.env.DB).find(id);
  if (!record || record.ownerId !== ctx.ownerId || record.uploadMode !== "multipart" || record.status === "deleting") {
    throw fileErrors.notFound();
  }
  const plan = planOf(record);
  const parts = record.status === "uploading" ? await new FileRepository(ctx.env.DB).parts(id) : [];
  return { record, ...plan, parts: parts.map(({ partNumber, size }) => ({ partNumber, size })) };
}

/** States of a multipart file whose complete succeeded (its bytes are in R2). */
const COMPLETED = new Set<FileRecord["status"]>(["stored", "analysing", "ready", "failed", "skipped"]);

/** The row as a concurrent complete left it, if that one already marked it completed. */
async function alreadyCompleted(ctx: UploadContext, record: FileRecord): Promise<FileRecord | null> {
  const row = await new FileRepository(ctx.env.DB).find(record.id).catch(() => null);
  return row && row.ownerId === ctx.ownerId && COMPLETED.has(row.status) ? row : null;
}

/**
 * `POST /api/files/uploads/:id/complete`: every part must be recorded. If R2 already completed it (a retry
 * after a lost response, or after D1 failed), the object is there and only the D1 step is repeated.
 */
export async function completeMultipart(ctx: UploadContext, id: string): Promise<FileRecord> {
  const repository = new FileRepository(ctx.env.DB);
  const current = await repository.find(id);
  if (
    !current ||
    current.ownerId !== ctx.ownerId ||
    current.uploadMode !== "multipart" ||
    current.status === "deleting"
  ) {
    throw fileErrors.notFound();
  }
  // A repeated complete (its first response was lost) answers with the file, as the first one did.
  if (COMPLETED.has(current.status)) return current;
  const record = await openUpload(ctx, id);
  const plan = planOf(record);
  const parts = await repository.parts(id);
  const have = new Set(parts.map((part) => part.partNumber));
  const missing: number[] = [];
  for (let n = 1; n <= plan.partCount; n++) if (!have.has(n)) missing.push(n);
  if (missing.length > 0) throw fileErrors.partsMissing(missing);

  try {
    const existing = await ctx.env.FILES.head(record.objectKey);
    if (!existing) {
      const upload = ctx.env.FILES.resumeMultipartUpload(record.objectKey, record.multipartId ?? "");
      const object = await upload.complete(parts.map(({ partNumber, etag }) => ({ partNumber, etag })));
      if (object.size !== record.size)
        throw new Error(`completed object has ${object.size} bytes, expected ${record.size}`);
    }
  } catch (error) {
    // A concurrent complete may have finished R2's upload first (then R2 refuses ours), and maybe D1's row.
    const done = await alreadyCompleted(ctx, record);
    if (done) return done;
    const object = await ctx.env.FILES.head(record.objectKey).catch(() => null);
    if (object?.size !== record.size) throw fileErrors.storage(error);
  }

  const now = (ctx.now ?? (() => new Date()))().toISOString();
  let stored: boolean;
  try {
    // The SHA-256 of a multipart file is computed by the analysis, which reads the object anyway.
    stored = await repository.markStored(
      record,
      { size: record.size, sha256: null, contentType: record.contentType },
      now,
    );
  } catch (error) {
    throw fileErrors.storage(error);
  }
  if (!stored) {
    // A concurrent complete won the conditional update: the same file, already announced and counted.
    const winner = await alreadyCompleted(ctx, record);
    if (winner) return winner;
    throw fileErrors.notUploading();
  }
  await forgetFile(ctx.env, id).catch(() => {});
  await publishEvents(ctx.env, [fileEvent("file.stored", record)], ctx.logger);
  countInStats(ctx, record, record.size);
  const saved = await repository.find(id);
  if (!saved) throw fileErrors.notFound();
  return saved;
}

/** `DELETE /api/files/uploads/:id`: aborts R2's upload (its parts go), then forgets the row. */
export async function abortMultipart(ctx: UploadContext, id: string): Promise<void> {
  const record = await openUpload(ctx, id);
  try {
    await ctx.env.FILES.resumeMultipartUpload(record.objectKey, record.multipartId ?? "").abort();
  } catch (error) {
    throw fileErrors.storage(error);
  }
  await discard(ctx, record, "aborted");
}
