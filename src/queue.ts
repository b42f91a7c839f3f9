// Queue consumer for file-events: each message handled on its own; unknown types retried into the DLQ.
import { createLogger, isLogLevel } from "./kit/context";
import { dispatchBatch, type MessageHandler } from "./kit/queue";

/** Handlers by message `type`. Features register theirs here as they land (files: analysis). */
export const QUEUE_HANDLERS: Record<string, MessageHandler> = {};

export async function handleQueue(batch: MessageBatch, env: Env): Promise<void> {
  const logger = createLogger({
    level: isLogLevel(env.LOG_LEVEL) ? env.LOG_LEVEL : "info",
    fields: { queue: batch.queue },
  });
  const report = await dispatchBatch(batch.messages, QUEUE_HANDLERS, logger);
  logger.info("queue batch", { size: batch.messages.length, ...report });
}
