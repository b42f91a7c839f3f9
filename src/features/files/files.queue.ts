// The file-events consumer (statistics, analysis) and the dead-letter consumer, one message at a time.
import { type AiProvider, AiProviderError } from "@outpost/edge-kit/ai";
import type { Logger } from "@outpost/edge-kit/context";
import type { MessageHandler, Outcome, QueueMessageLike } from "@outpost/edge-kit/queue";
import { DeadLetters } from "./dead-letters";
import { analyseFile, PermanentAnalysisError } from "./file-analysis";
import { forgetFile } from "./file-cache";
import { FileRepository } from "./file-repository";
import { FileSearch } from "./file-search";
import type { FilesEnv } from "./file-upload";
import { type FileEvent, FileEventSchema } from "./files.schema";

interface ConsumerDeps {
  env: FilesEnv;
  provider: () => AiProvider;
  logger: Logger;
}

function stats(env: FilesEnv, ownerId: string) {
  return env.USER_STATS.get(env.USER_STATS.idFromName(ownerId));
}

/**
 * `file.stored`: count the file (idempotent, keyed by file id), then analyse it once. Duplicates and stale
 * deliveries find the file past `analysing` (or gone) and change nothing; state moves only from the
 * expected states. Transient failures (storage, provider) throw and are retried with backoff; permanent
 * ones end in `failed` and are acknowledged.
 */
async function onStored(deps: ConsumerDeps, event: FileEvent): Promise<Outcome> {
  const { env, logger } = deps;
  const repository = new FileRepository(env.DB);
  const record = await repository.find(event.fileId);
  if (!record || record.status === "deleting") return "ack";
  if (record.status === "uploading") return "retry";
  await stats(env, record.ownerId).record(record.id, record.size, Date.parse(record.createdAt) || Date.now());
  if (record.status === "ready" || record.status === "failed" || record.status === "skipped") return "ack";
  if (record.status === "stored") {
    await repository.transition(record.id, ["stored"], "analysing");
    await forgetFile(env, record.id).catch(() => {});
  }
  try {
    const result = await analyseFile(env.FILES, record, deps.provider());
    if (result.embedding) {
      await new FileSearch(env.DB).saveEmbedding(
        record.id,
        { provider: result.analysis.provider, ...result.embedding },
        new Date().toISOString(),
      );
    }
    const moved = await repository.transition(record.id, ["stored", "analysing"], result.status, {
      analysis: result.analysis,
      sha256: result.sha256,
      error: null,
    });
    if (moved) await new FileSearch(env.DB).indexForSearch(record, result.analysis);
  } catch (error) {
    const permanent =
      error instanceof PermanentAnalysisError || (error instanceof AiProviderError && error.kind !== "unavailable");
    if (!permanent) throw error;
    const reason =
      error instanceof PermanentAnalysisError
        ? error.publicReason
        : "The analysis provider returned an unusable result";
    logger.warn("file analysis failed permanently", { fileId: record.id, error: String(error) });
    await repository.transition(record.id, ["stored", "analysing"], "failed", { error: reason });
  }
  await forgetFile(env, record.id).catch(() => {});
  return "ack";
}

/** `file.deleted`: uncount the file (idempotent; a tombstone if it was never counted). */
async function onDeleted(deps: ConsumerDeps, event: FileEvent): Promise<Outcome> {
  await stats(deps.env, event.ownerId).remove(event.fileId);
  return "ack";
}

/** Handlers by message type for kit/queue's dispatcher. A body that is not a valid event is poison: acked once. */
export function fileEventHandlers(deps: ConsumerDeps): Record<string, MessageHandler> {
  const handle = (run: (deps: ConsumerDeps, event: FileEvent) => Promise<Outcome>): MessageHandler => {
    return async (body, message) => {
      const parsed = FileEventSchema.safeParse(body);
      if (!parsed.success) {
        deps.logger.warn("poison file event acknowledged", { messageId: message.id });
        return "ack";
      }
      return run(deps, parsed.data);
    };
  };
  return { "file.stored": handle(onStored), "file.deleted": handle(onDeleted) };
}

/**
 * The dead-letter consumer: records what file-events gave up on (for admins, who may retry it) and marks
 * the file `failed`, so nothing stays `analysing` forever. Recording is idempotent by message id.
 */
export async function handleDeadLetters(
  env: FilesEnv,
  messages: readonly QueueMessageLike[],
  logger: Logger,
): Promise<void> {
  const repository = new FileRepository(env.DB);
  const deadLetters = new DeadLetters(env.DB);
  for (const message of messages) {
    const parsed = FileEventSchema.safeParse(message.body);
    let body: string;
    try {
      body = JSON.stringify(message.body ?? null).slice(0, 4_096);
    } catch {
      body = "(not serialisable)";
    }
    try {
      await deadLetters.record({
        messageId: message.id,
        fileId: parsed.success ? parsed.data.fileId : null,
        event: parsed.success ? parsed.data.type : null,
        body,
        attempts: message.attempts,
        receivedAt: new Date().toISOString(),
      });
      if (parsed.success && parsed.data.type === "file.stored") {
        await repository.transition(parsed.data.fileId, ["stored", "analysing"], "failed", {
          error: "Analysis gave up after repeated failures; an administrator can retry it",
        });
        await forgetFile(env, parsed.data.fileId).catch(() => {});
      }
      message.ack();
    } catch (error) {
      logger.error("dead letter not recorded", { messageId: message.id, error });
      message.retry({ delaySeconds: 60 });
    }
  }
}
