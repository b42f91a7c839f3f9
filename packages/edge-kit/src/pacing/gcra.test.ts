import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide, type GcraDecision, type GcraState, isValidPolicy, MAX_GRID, MAX_PERIOD_MS, type RatePolicy } from ".";

const NOW = Date.UTC(2026, 10, 22, 12); // a realistic epoch: float precision matters at this magnitude
/** 2^42 ms, in the year 2109: while `tat` (≤ now + periodMs) stays below it, decide() is exact. */
const HORIZON = 2 ** 42;

type Times = Pick<GcraDecision, "allowed" | "remaining" | "resetAfterMs" | "retryAfterMs">;

/** Runs `decide` like a real caller: keeps the state only when the request was allowed. */
class Limiter {
  state: GcraState | null = null;
  constructor(
    readonly policy: RatePolicy,
    public now = NOW,
  ) {}
  take(cost = 1): GcraDecision {
    const decision = decide(this.state, this.policy, this.now, cost);
    if (decision.allowed) this.state = decision.nextState;
    return decision;
  }
}

/**
 * The reference: a plain token bucket with fractional tokens, refilled continuously at limit/periodMs per
 * ms and capped at `limit`. Tokens are held exactly, as a whole number of 1/periodMs-token units, so the
 * reference has no rounding of its own to argue about.
 */
class ReferenceBucket {
  #units: number;
  #last: number;
  constructor(
    readonly policy: RatePolicy,
    now: number,
  ) {
    this.#units = policy.limit * policy.periodMs;
    this.#last = now;
  }
  take(now: number, cost: number): Times {
    const { limit, periodMs } = this.policy;
    const full = limit * periodMs;
    this.#units = Math.min(full, this.#units + (now - this.#last) * limit);
    this.#last = now;
    const need = cost * periodMs;
    const allowed = this.#units >= need;
    if (allowed) this.#units -= need;
    return {
      allowed,
      remaining: Math.floor(this.#units / periodMs),
      resetAfterMs: Math.ceil((full - this.#units) / limit),
      retryAfterMs: allowed ? 0 : Math.ceil((need - this.#units) / limit),
    };
  }
}

describe("GCRA decide", () => {
  it("admits exactly the burst, then refuses with a retry time of one refill interval", () => {
    const limiter = new Limiter({ limit: 5, periodMs: 10_000 });
    const decisions = Array.from({ length: 7 }, () => limiter.take());
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    expect(decisions[0]).toMatchObject({ resetAfterMs: 2_000, retryAfterMs: 0 });
    expect(decisions[5]).toMatchObject({ resetAfterMs: 10_000, retryAfterMs: 2_000 });
  });

  it("refills one request per periodMs/limit, to the millisecond, even when that is a fraction", () => {
    const limiter = new Limiter({ limit: 3, periodMs: 1_000 }); // one every 333⅓ ms
    for (let i = 0; i < 3; i++) expect(limiter.take().allowed).toBe(true);
    limiter.now = NOW + 333;
    expect(limiter.take()).toMatchObject({ allowed: false, retryAfterMs: 1 });
    limiter.now = NOW + 334;
    expect(limiter.take().allowed).toBe(true);
    limiter.now = NOW + 666;
    expect(limiter.take().allowed).toBe(false);
    limiter.now = NOW + 667;
    expect(limiter.take().allowed).toBe(true);
  });

  it("is full again once a whole period has passed idle", () => {
    const limiter = new Limiter({ limit: 4, periodMs: 60_000 });
    for (let i = 0; i < 4; i++) limiter.take();
    limiter.now = NOW + 60_000;
    expect(limiter.take()).toMatchObject({ allowed: true, remaining: 3 });
  });

  it("charges a request its cost, and refuses one that costs more than is left without taking anything", () => {
    const limiter = new Limiter({ limit: 10, periodMs: 10_000 });
    expect(limiter.take(7)).toMatchObject({ allowed: true, remaining: 3 });
    const before = limiter.state;
    const refused = limiter.take(4);
    expect(refused).toMatchObject({ allowed: false, remaining: 3, retryAfterMs: 1_000 });
    expect(refused.nextState).toBe(before);
    expect(limiter.take(3)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("treats a state from a longer period, or a clock that stepped back, as an empty bucket, not a debt", () => {
    const limiter = new Limiter({ limit: 2, periodMs: 1_000 });
    limiter.state = { tat: NOW + 3_600_000 };
    expect(limiter.take()).toMatchObject({ allowed: false, retryAfterMs: 500, resetAfterMs: 1_000 });
  });

  it("throws RangeError for a policy or cost it cannot honour (callers validate with isValidPolicy)", () => {
    const valid = { limit: 5, periodMs: 1_000 };
    for (const policy of [
      { limit: 0, periodMs: 1_000 },
      { limit: 1.5, periodMs: 1_000 },
      { limit: 5, periodMs: Number.NaN },
      { limit: 5, periodMs: MAX_PERIOD_MS + 1 },
      { limit: 4_999, periodMs: 60_000 }, // grid 4 999 > MAX_GRID
    ]) {
      expect(isValidPolicy(policy), JSON.stringify(policy)).toBe(false);
      expect(() => decide(null, policy, NOW)).toThrow(RangeError);
    }
    for (const cost of [0, -1, 1.5, 6, Number.NaN]) expect(() => decide(null, valid, NOW, cost)).toThrow(RangeError);
    expect(() => decide(null, valid, Number.NaN)).toThrow(RangeError);
    expect(isValidPolicy({ limit: 10_000, periodMs: 60_000 })).toBe(true);
    expect(isValidPolicy(null)).toBe(false);
  });
});

// ---- model-based: random (advance clock, request) sequences against the reference bucket ----

interface Model {
  bucket: ReferenceBucket;
  now: number;
}
type Command = fc.Command<Model, Limiter>;

let divergences = 0;

class Advance implements Command {
  constructor(readonly ms: number) {}
  check = (model: Readonly<Model>) => model.now + this.ms + model.bucket.policy.periodMs < HORIZON;
  run(model: Model, real: Limiter): void {
    model.now += this.ms;
    real.now += this.ms;
  }
  toString = () => `advance(${this.ms})`;
}

class Request implements Command {
  constructor(readonly cost: number) {}
  check = () => true;
  run(model: Model, real: Limiter): void {
    const expected = model.bucket.take(model.now, this.cost);
    const { allowed, remaining, resetAfterMs, retryAfterMs } = real.take(this.cost);
    const actual: Times = { allowed, remaining, resetAfterMs, retryAfterMs };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      divergences++;
      throw new Error(
        `at +${model.now - NOW} ms: GCRA ${JSON.stringify(actual)} ≠ reference ${JSON.stringify(expected)}`,
      );
    }
  }
  toString = () => `request(${this.cost})`;
}

/** Policies across the whole valid range, most of them with fractional refill intervals. */
const policyArb = fc
  .oneof(
    fc.record({
      limit: fc.integer({ min: 1, max: MAX_GRID }),
      periodMs: fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: MAX_PERIOD_MS })),
    }),
    // Large limits that stay exact because they share factors with the period (e.g. 10 000 per minute).
    fc
      .record({
        grid: fc.integer({ min: 1, max: MAX_GRID }),
        factor: fc.integer({ min: 1, max: 50 }),
        k: fc.nat(100_000),
      })
      .map(({ grid, factor, k }) => ({ limit: grid * factor, periodMs: factor * (k + 1) })),
  )
  .filter(isValidPolicy);

const scenarioArb = policyArb.chain((policy) => {
  const interval = policy.periodMs / policy.limit;
  // Steps that land on refill instants and just beside them, short idles and long ones.
  const advance = fc.oneof(
    fc.constant(0),
    fc.constantFrom(Math.floor(interval), Math.ceil(interval)),
    fc.integer({ min: 0, max: Math.ceil(interval) * 3 + 2 }),
    fc.integer({ min: 0, max: policy.periodMs * 2 }),
  );
  const cost = fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, fc.integer({ min: 1, max: policy.limit }));
  return fc.record({
    policy: fc.constant(policy),
    start: fc.integer({ min: NOW, max: HORIZON - 1 - policy.periodMs }),
    commands: fc.commands([advance.map((ms) => new Advance(ms)), cost.map((c) => new Request(c))], {
      maxCommands: 300,
      size: "max",
    }),
  });
});

describe("GCRA against a reference token bucket (model-based)", () => {
  it("gives the same decision, remaining, reset and retry times at every step of 1 000 random runs", () => {
    let runs = 0;
    let steps = 0;
    divergences = 0;
    const details = fc.check(
      fc.property(scenarioArb, ({ policy, start, commands }) => {
        runs++;
        steps += [...commands].length;
        fc.modelRun(
          () => ({
            model: { bucket: new ReferenceBucket(policy, start), now: start },
            real: new Limiter(policy, start),
          }),
          commands,
        );
      }),
      { seed: 20_261_122, numRuns: 1_000 },
    );
    console.log(`GCRA model-based test: ${runs} runs, ${steps} commands, ${divergences} divergences`);
    expect(details.failed, fc.defaultReportMessage(details) ?? "").toBe(false);
    expect(divergences).toBe(0);
  });
});
