// Queue dispatch: each message is parsed, routed by its `type`, and acked or retried on its own.
import { retryDelaySeconds } from "./backoff";

/** What a handler decides for one message. Throwing counts as a transient failure. */
export type Outcome = "ack" | "retry";

export interface QueueMessageLike<Body = unknown> {
  readonly id: string;
  readonly body: Body;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

export interface DispatchLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type MessageHandler = (body: unknown, message: QueueMessageLike) => Promise<Outcome>;

export interface DispatchReport {
  acked: number;
  retried: number;
}

function typeOf(body: unknown): string | undefined {
  if (body && typeof body === "object" && "type" in body && typeof body.type === "string") return body.type;
  return undefined;
}

/**
 * Handles a batch message by message, so one failure never redelivers its neighbours. A message of an
 * unknown type is retried with backoff rather than acked: after `max_retries` it lands in the dead-letter
 * queue, where it can be inspected, instead of being dropped.
 *
 * @example
 * await dispatchBatch(batch.messages, { "file.stored": analyseFile }, logger);
 */
export async function dispatchBatch(
  messages: readonly QueueMessageLike[],
  handlers: Readonly<Record<string, MessageHandler>>,
  logger: DispatchLogger,
): Promise<DispatchReport> {
  const report: DispatchReport = { acked: 0, retried: 0 };
  for (const message of messages) {
    const type = typeOf(message.body);
    const handler = type === undefined ? undefined : handlers[type];
    let outcome: Outcome = "retry";
    if (!handler) {
      logger.warn("queue message has no handler", { messageId: message.id, type, attempts: message.attempts });
    } else {
      try {
        outcome = await handler(message.body, message);
      } catch (error) {
        logger.error("queue handler failed", { messageId: message.id, type, attempts: message.attempts, error });
      }
    }
    if (outcome === "ack") {
      message.ack();
      report.acked++;
    } else {
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      report.retried++;
    }
  }
  return report;
}
