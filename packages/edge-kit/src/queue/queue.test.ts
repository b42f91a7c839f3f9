import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dispatchBatch, MAX_RETRY_DELAY_SECONDS, type QueueMessageLike, retryDelaySeconds } from ".";

function message(id: string, body: unknown, attempts = 1) {
  const state = { acked: false, retried: undefined as undefined | { delaySeconds?: number } };
  const msg: QueueMessageLike = {
    id,
    body,
    attempts,
    ack: () => {
      state.acked = true;
    },
    retry: (options) => {
      state.retried = options ?? {};
    },
  };
  return { msg, state };
}

const quiet = { warn: () => {}, error: () => {} };

describe("retryDelaySeconds", () => {
  it("grows exponentially from the base", () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(n))).toEqual([10, 20, 40, 80]);
  });

  it("stays within [1, 43200] for any attempt count", () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 1_000 }), (attempts) => {
        const delay = retryDelaySeconds(attempts);
        return delay >= 1 && delay <= MAX_RETRY_DELAY_SECONDS && Number.isInteger(delay);
      }),
      { seed: 7, numRuns: 1_000 },
    );
  });
});

describe("dispatchBatch", () => {
  it("acks handled messages and retries failures one by one, with backoff", async () => {
    const ok = message("1", { type: "good" });
    const bad = message("2", { type: "bad" }, 3);
    const report = await dispatchBatch(
      [ok.msg, bad.msg],
      {
        good: async () => "ack",
        bad: async () => {
          throw new Error("transient");
        },
      },
      quiet,
    );
    expect(report).toEqual({ acked: 1, retried: 1 });
    expect(ok.state.acked).toBe(true);
    expect(bad.state.acked).toBe(false);
    expect(bad.state.retried).toEqual({ delaySeconds: 40 });
  });

  it("retries (towards the dead-letter queue) rather than drops messages it cannot route", async () => {
    const unknown = message("3", { type: "nobody-handles-this" });
    const shapeless = message("4", "not an object");
    await dispatchBatch([unknown.msg, shapeless.msg], {}, quiet);
    expect(unknown.state.acked).toBe(false);
    expect(unknown.state.retried).toBeDefined();
    expect(shapeless.state.retried).toBeDefined();
  });
});
