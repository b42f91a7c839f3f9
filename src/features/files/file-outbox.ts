// Sends outbox events to the file-events queue and forgets them once sent; what fails waits for the sweeper.
import type { Logger } from "@outpost/edge-kit/context";
import { retryDelaySeconds } from "@outpost/edge-kit/queue";
import { FileRepository } from "./file-repository";
import type { FileEvent } from "./files.schema";

export type OutboxEnv = Pick<Env, "DB" | "FILE_EVENTS">;

/** Queues' sendBatch takes at most 100 messages. */
const SEND_BATCH_MAX = 100;

/**
 * Publishes events already written to the outbox. Returns how many were sent. A queue or D1 failure is
 * logged and swallowed: the rows stay in the outbox and the sweeper sends them later, so a queue outage
 * delays analysis and statistics, and never fails an upload or a delete that has already happened.
 */
export async function publishEvents(env: OutboxEnv, events: readonly FileEvent[], logger?: Logger): Promise<number> {
  if (events.length === 0) return 0;
  const repository = new FileRepository(env.DB);
  let sent = 0;
  for (let i = 0; i < events.length; i += SEND_BATCH_MAX) {
    const chunk = events.slice(i, i + SEND_BATCH_MAX);
    try {
      await env.FILE_EVENTS.sendBatch(chunk.map((body) => ({ body, contentType: "json" as const })));
    } catch (error) {
      logger?.warn("file events not sent; the sweeper will retry", { count: chunk.length, error });
      continue;
    }
    sent += chunk.length;
    try {
      await repository.outboxSent(chunk);
    } catch (error) {
      // Sent but still in the outbox: the sweeper sends it again, and consumers are idempotent.
      logger?.warn("sent file events not cleared from the outbox", { count: chunk.length, error });
    }
  }
  return sent;
}

/** The sweeper's outbox pass: sends what is due, and postpones what fails with backoff. */
export async function drainOutbox(env: OutboxEnv, now: Date, limit: number, logger?: Logger): Promise<number> {
  const repository = new FileRepository(env.DB);
  const due = await repository.dueOutbox(now.toISOString(), limit);
  let sent = 0;
  for (const row of due) {
    const delivered = await publishEvents(env, [row.event], logger);
    if (delivered === 1) {
      sent++;
      continue;
    }
    const next = new Date(now.getTime() + retryDelaySeconds(row.attempts + 1, { baseSeconds: 30 }) * 1000);
    await repository.outboxPostpone([row.event], next.toISOString());
  }
  return sent;
}
