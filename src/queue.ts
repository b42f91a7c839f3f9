// Queue consumers: file-events by message type (each message acked or retried on its own), and its dead letters.

import { createLogger, isLogLevel } from "@outpost/edge-kit/context";
import { dispatchBatch } from "@outpost/edge-kit/queue";
import { getAiProvider } from "./ai";
import { FILES_BINDINGS, requireBindings } from "./bindings";
import { fileEventHandlers, handleDeadLetters } from "./features/files";

const DEAD_LETTER_QUEUE = "file-events-dlq";

export async function handleQueue(batch: MessageBatch, workerEnv: Env): Promise<void> {
  const env = requireBindings(workerEnv, FILES_BINDINGS);
  const logger = createLogger({
    level: isLogLevel(env.LOG_LEVEL) ? env.LOG_LEVEL : "info",
    fields: { queue: batch.queue },
  });
  if (batch.queue === DEAD_LETTER_QUEUE) {
    await handleDeadLetters(env, batch.messages, logger);
    logger.info("dead letters recorded", { size: batch.messages.length });
    return;
  }
  const handlers = fileEventHandlers({ env, logger, provider: () => getAiProvider(env) });
  const report = await dispatchBatch(batch.messages, handlers, logger);
  logger.info("queue batch", { size: batch.messages.length, ...report });
}
