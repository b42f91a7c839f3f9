import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide, type GcraState, type RatePolicy } from ".";

/** Reference: a bucket of fractional tokens refilled continuously, capacity `limit`. */
class ReferenceBucket {
  tokens: number;
  last: number;
  constructor(
    readonly policy: RatePolicy,
    now: number,
  ) {
    this.tokens = policy.limit;
    this.last = now;
  }
  take(now: number): boolean {
    const rate = this.policy.limit / this.policy.periodMs;
    this.tokens = Math.min(this.policy.limit, this.tokens + (now - this.last) * rate);
    this.last = now;
    if (this.tokens >= 1 - 1e-9) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

describe("GCRA", () => {
  it("admits exactly the burst, then refuses with a retry time of one interval", () => {
    const policy = { limit: 5, periodMs: 10_000 };
    let state: GcraState | null = null;
    const results = Array.from({ length: 8 }, () => {
      const d = decide(state, policy, 1_000);
      if (d.allowed) state = d.next;
      return d;
    });
    expect(results.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false, false]);
    expect(results.map((d) => d.remaining).slice(0, 5)).toEqual([4, 3, 2, 1, 0]);
    expect(results[5]).toMatchObject({ retryAfterMs: 2_000, remaining: 0 });
  });

  it("refills one request per period/limit", () => {
    const policy = { limit: 2, periodMs: 1_000 };
    let state: GcraState | null = null;
    for (const now of [0, 0]) state = decide(state, policy, now).next;
    expect(decide(state, policy, 499).allowed).toBe(false);
    expect(decide(state, policy, 500).allowed).toBe(true);
  });

  it("matches a reference token bucket on random schedules (model-based)", () => {
    let runs = 0;
    let divergences = 0;
    fc.assert(
      fc.property(
        fc.record({ limit: fc.integer({ min: 1, max: 50 }), periodMs: fc.integer({ min: 10, max: 100_000 }) }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }),
        (policy, gaps) => {
          runs++;
          let now = 1_000_000;
          let state: GcraState | null = null;
          const reference = new ReferenceBucket(policy, now);
          for (const gap of gaps) {
            now += gap;
            const d = decide(state, policy, now);
            if (d.allowed) state = d.next;
            if (d.allowed !== reference.take(now)) {
              divergences++;
              return false;
            }
          }
          return true;
        },
      ),
      { seed: 20261122, numRuns: 1_000 },
    );
    console.log(`GCRA model-based test: ${runs} runs, ${divergences} divergences`);
    expect(divergences).toBe(0);
  });
});
