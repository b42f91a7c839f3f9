import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BudgetExceededError,
  createLanes,
  createManualClock,
  createSubrequestBudget,
  createTokenBucketQueue,
  metered,
} from ".";

describe("createTokenBucketQueue", () => {
  it("holds the configured rate within 5 % over a long run, with no new arrivals needed to progress", async () => {
    const clock = createManualClock();
    const queue = createTokenBucketQueue({ ratePerSecond: 10, burst: 5, concurrency: 100, clock });
    const started: number[] = [];
    const all = Array.from({ length: 305 }, () => queue.run(async () => void started.push(clock.now())));
    await clock.advance(30_000);
    await Promise.all(all);
    expect(started).toHaveLength(305);
    // After the burst of 5, 300 tasks at 10/s take 30 s.
    const steady = started.slice(5);
    const seconds = ((steady.at(-1) ?? 0) - (started[4] ?? 0)) / 1000;
    const rate = steady.length / seconds;
    expect(Math.abs(rate - 10) / 10).toBeLessThan(0.05);
    expect(started.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
  });

  it("never runs more than `concurrency` tasks at once", async () => {
    const clock = createManualClock();
    const queue = createTokenBucketQueue({ ratePerSecond: 1_000, burst: 1_000, concurrency: 3, clock });
    let active = 0;
    let peak = 0;
    const all = Array.from({ length: 20 }, () =>
      queue.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 100));
        active--;
      }),
    );
    await clock.advance(2_000);
    await Promise.all(all);
    expect(peak).toBe(3);
    expect(queue.running).toBe(0);
  });

  it("drops an aborted waiter without running it, and keeps serving the others", async () => {
    const clock = createManualClock();
    const queue = createTokenBucketQueue({ ratePerSecond: 1, burst: 1, concurrency: 1, clock });
    const ran: string[] = [];
    const a = queue.run(async () => void ran.push("a"));
    const controller = new AbortController();
    const b = queue.run(async () => void ran.push("b"), controller.signal);
    const c = queue.run(async () => void ran.push("c"));
    controller.abort(new Error("client left"));
    await expect(b).rejects.toThrow("client left");
    await clock.advance(1_000);
    await Promise.all([a, c]);
    expect(ran).toEqual(["a", "c"]);
    expect(queue.waiting).toBe(0);
  });
});

describe("createLanes", () => {
  it("keeps every lane at or under its limit and releases slots on success, failure and abort", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ lane: fc.constantFrom("ai", "unfurl"), fail: fc.boolean(), abort: fc.boolean() }), {
          maxLength: 30,
        }),
        async (tasks) => {
          const lanes = createLanes({ ai: 2, unfurl: 3 });
          const peak = { ai: 0, unfurl: 0 };
          const runs = tasks.map(async ({ lane, fail, abort }) => {
            const controller = new AbortController();
            if (abort) queueMicrotask(() => controller.abort(new Error("aborted")));
            try {
              await lanes.run(
                lane,
                async () => {
                  peak[lane] = Math.max(peak[lane], lanes.inFlight(lane));
                  await Promise.resolve();
                  if (fail) throw new Error("upstream failed");
                },
                controller.signal,
              );
            } catch {}
          });
          await Promise.all(runs);
          return (
            peak.ai <= 2 &&
            peak.unfurl <= 3 &&
            lanes.inFlight("ai") === 0 &&
            lanes.inFlight("unfurl") === 0 &&
            lanes.waiting("ai") === 0 &&
            lanes.waiting("unfurl") === 0
          );
        },
      ),
      { seed: 21, numRuns: 300 },
    );
  });
});

describe("createSubrequestBudget", () => {
  it("warns once at 80 % and refuses the 51st call on a Free-plan budget of 50", () => {
    const warnings: number[] = [];
    const budget = createSubrequestBudget({ limit: 50, onWarn: (used) => warnings.push(used) });
    for (let i = 0; i < 50; i++) budget.spend("fetch");
    expect(warnings).toEqual([40]);
    expect(budget.remaining).toBe(0);
    expect(() => budget.spend("fetch")).toThrow(BudgetExceededError);
    expect(budget.used).toBe(50);
  });

  it("counts binding calls made through a metered binding", async () => {
    const budget = createSubrequestBudget({ limit: 2 });
    const kv = metered({ get: async (key: string) => `value of ${key}`, name: "kv" }, budget, "CACHE");
    expect(await kv.get("a")).toBe("value of a");
    expect(await kv.get("b")).toBe("value of b");
    expect(kv.name).toBe("kv");
    expect(() => kv.get("c")).toThrow(BudgetExceededError);
    expect(budget.used).toBe(2);
  });
});
