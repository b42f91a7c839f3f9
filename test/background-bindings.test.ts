// Cron and queue handlers check their bindings before any work: a missing one is named, and nothing is half done.
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
} from "cloudflare:test";
import { BindingUnavailableError } from "@outpost/edge-kit/context";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { handleQueue } from "../src/queue";

const without = (name: keyof Env) => ({ ...env, [name]: undefined }) as unknown as Env;
const cron = () => createScheduledController({ scheduledTime: new Date(), cron: "*/10 * * * *" });

/** Runs the queue handler on one file event under `workerEnv`; reports the outcome and each message's fate. */
async function deliverOne(type: "file.stored" | "file.deleted", workerEnv: Env) {
  const body = { type, fileId: "1".repeat(32), ownerId: "2".repeat(32), size: 1 };
  const batch = createMessageBatch("file-events", [{ id: `m-${type}`, timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  const outcome = await handleQueue(batch, workerEnv).then(
    () => null,
    (error: unknown) => error,
  );
  const { explicitAcks, retryMessages } = await getQueueResult(batch, ctx);
  return { outcome, acked: explicitAcks.length, retried: retryMessages.length };
}

describe("background handlers outside a request", () => {
  it("the queue consumer refuses a batch, naming the missing binding, and touches no message", async () => {
    const { outcome, acked, retried } = await deliverOne("file.stored", without("FILES"));
    expect(outcome).toBeInstanceOf(BindingUnavailableError);
    expect(String(outcome)).toMatch(/Binding FILES is not configured/);
    expect({ acked, retried }).toEqual({ acked: 0, retried: 0 });
  });

  it("the cron sweeper refuses to start without D1, naming it", async () => {
    await expect(worker.scheduled(cron(), without("DB"))).rejects.toThrow(/Binding DB is not configured/);
  });

  it("both run with every binding present", async () => {
    await expect(worker.scheduled(cron(), env)).resolves.toBeUndefined();
    const { outcome, acked, retried } = await deliverOne("file.deleted", env);
    expect(outcome).toBeNull();
    expect(acked + retried).toBe(1);
  });
});
