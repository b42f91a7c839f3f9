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

describe("background handlers outside a request", () => {
  it("the queue consumer refuses a batch, naming the missing binding, and touches no message", async () => {
    const batch = createMessageBatch("file-events", [
      {
        id: "b1",
        timestamp: new Date(),
        attempts: 1,
        body: { type: "file.stored", fileId: "0".repeat(32), ownerId: "2".repeat(32), size: 1 },
      },
    ]);
    const ctx = createExecutionContext();
    const handled = handleQueue(batch, without("FILES"));
    await expect(handled).rejects.toThrow(BindingUnavailableError);
    await expect(handled).rejects.toThrow(/Binding FILES is not configured/);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([]);
  });

  it("the cron sweeper refuses to start without D1, naming it", async () => {
    const controller = createScheduledController({ scheduledTime: new Date(), cron: "*/10 * * * *" });
    await expect(worker.scheduled(controller, without("DB"))).rejects.toThrow(/Binding DB is not configured/);
  });

  it("both run with every binding present", async () => {
    const controller = createScheduledController({ scheduledTime: new Date(), cron: "*/10 * * * *" });
    await expect(worker.scheduled(controller, env)).resolves.toBeUndefined();
    const batch = createMessageBatch("file-events", [
      {
        id: "b2",
        timestamp: new Date(),
        attempts: 1,
        body: { type: "file.deleted", fileId: "1".repeat(32), ownerId: "2".repeat(32), size: 1 },
      },
    ]);
    const ctx = createExecutionContext();
    await handleQueue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.length + result.retryMessages.length).toBe(1);
  });
});
