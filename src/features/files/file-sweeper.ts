// The files sweeper (cron): finishes or cleans whatever an interrupted request, queue or crash left behind.
import type { Logger } from "@outpost/edge-kit/context";
import { finishDelete } from "./file-delete";
import { drainOutbox } from "./file-outbox";
import { FileRepository } from "./file-repository";
import { discard, type FilesEnv } from "./file-upload";

/** How long each transient state may last before the sweeper acts. */
export const SWEEP_AFTER_MS = {
  /** A single-request upload (≤ 100 MB) still unfinished after an hour died with its request. */
  singleUpload: 60 * 60_000,
  /** A multipart upload with no new part for a day is abandoned (R2 itself would abort it after 7 days). */
  multipartUpload: 24 * 3_600_000,
  /** A delete whose request died between its steps. */
  deleting: 60_000,
  /** A stored or analysing file whose event was lost (the queue retries for far less than this). */
  analysis: 30 * 60_000,
} as const;

/** Rows handled per category per run, so one run stays well inside the subrequest limits. */
const BATCH = 25;

interface SweepReport {
  uploadsCleaned: number;
  multipartAborted: number;
  deletesFinished: number;
  reannounced: number;
  eventsSent: number;
}

export async function sweepFiles(env: FilesEnv, now: Date, logger?: Logger): Promise<SweepReport> {
  const repository = new FileRepository(env.DB);
  const ctx = { env, ownerId: "", logger, now: () => now };
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const report: SweepReport = {
    uploadsCleaned: 0,
    multipartAborted: 0,
    deletesFinished: 0,
    reannounced: 0,
    eventsSent: 0,
  };

  for (const record of await repository.stale("uploading", "single", before(SWEEP_AFTER_MS.singleUpload), BATCH)) {
    await discard(ctx, record, "swept: upload never finished");
    report.uploadsCleaned++;
  }
  for (const record of await repository.stale(
    "uploading",
    "multipart",
    before(SWEEP_AFTER_MS.multipartUpload),
    BATCH,
  )) {
    if (record.multipartId) {
      await env.FILES.resumeMultipartUpload(record.objectKey, record.multipartId)
        .abort()
        .catch((error: unknown) => logger?.warn("multipart abort failed", { fileId: record.id, error }));
    }
    await discard(ctx, record, "swept: multipart upload abandoned");
    report.multipartAborted++;
  }
  for (const record of await repository.stale("deleting", null, before(SWEEP_AFTER_MS.deleting), BATCH)) {
    if (await finishDelete(ctx, record)) report.deletesFinished++;
  }
  for (const record of await repository.strandedForAnalysis(before(SWEEP_AFTER_MS.analysis), BATCH)) {
    await repository.announceAgain(record, now.toISOString());
    report.reannounced++;
  }
  report.eventsSent = await drainOutbox(env, now, 100, logger);
  return report;
}
