// Bodies that are not objects with a string `type` (null, primitives, arrays, `type` of another kind) never
// throw out of dispatchBatch: each is retried as "no handler" (and so ends in the dead-letter queue), while
// its neighbours in the batch are still handled.
import { describe, expect, it } from "vitest";
import { dispatchBatch, type QueueMessageLike } from ".";

function message(id: string, body: unknown) {
  const state = { acked: false, retried: false };
  const msg: QueueMessageLike = {
    id,
    body,
    attempts: 1,
    ack: () => {
      state.acked = true;
    },
    retry: () => {
      state.retried = true;
    },
  };
  return { msg, state };
}

describe("dispatchBatch with bodies of no known shape", () => {
  it("retries null, primitives and typeless objects as unhandled, and still handles the good message", async () => {
    const odd = [null, undefined, 0, "", "file.stored", [], { type: 3 }, { kind: "file.stored" }].map((body, i) =>
      message(`odd-${i}`, body),
    );
    const good = message("good", { type: "file.stored" });
    const warned: unknown[] = [];
    const report = await dispatchBatch(
      [...odd.map((o) => o.msg), good.msg],
      { "file.stored": async () => "ack" },
      { warn: (_msg, fields) => warned.push(fields), error: () => {} },
    );
    expect(report).toEqual({ acked: 1, retried: odd.length });
    expect(odd.every((o) => o.state.retried && !o.state.acked)).toBe(true);
    expect(good.state.acked).toBe(true);
    expect(warned).toHaveLength(odd.length);
  });
});
