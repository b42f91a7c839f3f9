import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RatePolicy } from "../pacing";
import type { RateLimiter } from "./rate-limiter";

const HOUR = 3_600_000;
type Stub = DurableObjectStub<RateLimiter>;

let seq = 0;
/** A fresh object per call: storage is shared by every test in this file. */
const freshLimiter = (label: string): Stub =>
  env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`test:${label}:${seq++}`));

/** An instant well away from any real clock reading, on whole seconds. */
const T0 = Date.UTC(2030, 0, 1);

/**
 * Pins the object's clock (until it is evicted) to `clock()`, e.g. a fixed instant: a burst then happens at
 * one instant instead of refilling a little while it runs, which would hide an off-by-one in the decision.
 */
async function pinClock(stub: Stub, clock: () => number): Promise<void> {
  await runInDurableObject(stub, (instance: RateLimiter) => {
    Object.defineProperty(instance, "now", { value: clock, configurable: true });
  });
}

/** A fresh object whose clock reads `T0 + offset`; move it with `clock.offset = …`. */
async function pinnedLimiter(label: string) {
  const stub = freshLimiter(label);
  const clock = { offset: 0 };
  await pinClock(stub, () => T0 + clock.offset);
  return { stub, clock };
}

/** Fires `count` consume() calls at once and returns the admitted results. */
async function burst(stub: Stub, count: number, policy: RatePolicy) {
  const results = await Promise.all(Array.from({ length: count }, () => stub.consume(policy)));
  return results.filter((r) => r.allowed);
}

const inspect = (stub: Stub) =>
  runInDurableObject(stub, async (_instance: RateLimiter, state) => ({
    rows: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM bucket").one().n,
    tat: state.storage.sql.exec<{ tat: number }>("SELECT tat FROM bucket").toArray()[0]?.tat ?? null,
    alarm: await state.storage.getAlarm(),
    bytes: state.storage.sql.databaseSize,
  }));

describe("RateLimiter Durable Object", () => {
  for (const [k, l] of [
    [200, 50],
    [100, 1],
    [1_000, 300],
  ] as const) {
    it(`admits exactly ${l} of ${k} concurrent requests at one instant, each token once`, async () => {
      const { stub } = await pinnedLimiter(`exact-${k}-${l}`);
      const admitted = await burst(stub, k, { limit: l, periodMs: HOUR });
      console.log(`RateLimiter: K=${k} L=${l} admitted=${admitted.length} over-admissions=${admitted.length - l}`);
      expect(admitted).toHaveLength(l);
      // Every admitted request saw a different count of tokens left: l-1, l-2, …, 0.
      expect(new Set(admitted.map((r) => r.remaining)).size).toBe(l);
    });
  }

  it("stays exact across an eviction in the middle of a burst", async () => {
    const { stub } = await pinnedLimiter("evict");
    const policy = { limit: 120, periodMs: HOUR };
    const before = await burst(stub, 100, policy);
    const instances = new Set<RateLimiter>();
    await runInDurableObject(stub, (instance: RateLimiter) => instances.add(instance));
    await evictDurableObject(stub);
    await pinClock(stub, () => T0); // the new instance starts with the real clock
    const after = await burst(stub, 100, policy);
    await runInDurableObject(stub, (instance: RateLimiter) => instances.add(instance));
    expect(instances.size).toBe(2); // a new instance: only storage carried the state over
    console.log(`RateLimiter across eviction: L=120 admitted=${before.length}+${after.length}`);
    expect([before.length, after.length]).toEqual([100, 20]);
  });

  it("keeps one row of state, the same size on disk, however many requests it has seen", async () => {
    const stub = freshLimiter("rows");
    await stub.consume({ limit: 5, periodMs: HOUR });
    const first = await inspect(stub);
    for (let wave = 0; wave < 10; wave++) await burst(stub, 100, { limit: 5, periodMs: HOUR });
    const last = await inspect(stub);
    expect([first.rows, last.rows]).toEqual([1, 1]);
    expect(last.bytes).toBe(first.bytes);
    const tables = await runInDurableObject(stub, (_instance: RateLimiter, state) =>
      state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
    );
    expect(tables.map((t) => t.name).filter((name) => !name.startsWith("_cf_"))).toEqual(["bucket"]);
  });

  it("reports what it decided, to the millisecond: remaining tokens, time to full, time to retry", async () => {
    const { stub, clock } = await pinnedLimiter("report");
    const policy = { limit: 2, periodMs: 10_000 };
    expect(await stub.consume(policy)).toEqual({
      allowed: true,
      limit: 2,
      remaining: 1,
      resetAfterMs: 5_000,
      retryAfterMs: 0,
    });
    expect(await stub.consume(policy)).toMatchObject({ allowed: true, remaining: 0, resetAfterMs: 10_000 });
    expect(await stub.consume(policy)).toEqual({
      allowed: false,
      limit: 2,
      remaining: 0,
      resetAfterMs: 10_000,
      retryAfterMs: 5_000,
    });
    clock.offset = 1_234;
    expect(await stub.consume(policy)).toMatchObject({ allowed: false, resetAfterMs: 8_766, retryAfterMs: 3_766 });
  });

  it("refills one token per periodMs / limit: refused 1 ms before that instant, admitted at it", async () => {
    const { stub, clock } = await pinnedLimiter("refill-edge");
    const policy = { limit: 3, periodMs: 3_000 }; // a token every 1 000 ms
    expect((await burst(stub, 5, policy)).length).toBe(3);
    clock.offset = 999;
    expect(await stub.consume(policy)).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 1 });
    clock.offset = 1_000;
    expect(await stub.consume(policy)).toMatchObject({ allowed: true, remaining: 0, resetAfterMs: 3_000 });
    expect(await stub.consume(policy)).toMatchObject({ allowed: false, retryAfterMs: 1_000 });
    clock.offset = 4_000; // idle for a whole period: full again, and no more than full
    expect((await burst(stub, 5, policy)).length).toBe(3);
  });

  it("grants a cost equal to the limit on a full bucket, and nothing more until it is full again", async () => {
    const { stub, clock } = await pinnedLimiter("cost-edge");
    const policy = { limit: 4, periodMs: 4_000 };
    expect(await stub.consume(policy, 4)).toMatchObject({ allowed: true, remaining: 0 });
    clock.offset = 3_999;
    expect(await stub.consume(policy, 4)).toMatchObject({ allowed: false, remaining: 3, retryAfterMs: 1 });
    clock.offset = 4_000;
    expect(await stub.consume(policy, 4)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("writes nothing for a refused request", async () => {
    const stub = freshLimiter("refused-write");
    const policy = { limit: 1, periodMs: HOUR };
    await stub.consume(policy);
    const before = await inspect(stub);
    expect((await stub.consume(policy)).allowed).toBe(false);
    expect(await inspect(stub)).toEqual(before);
  });
});

describe("RateLimiter alarm", () => {
  it("is armed by the first write, for when the bucket is full again, and not moved by later ones", async () => {
    const stub = freshLimiter("arm");
    expect(await inspect(stub)).toMatchObject({ rows: 0, alarm: null });
    await stub.consume({ limit: 10, periodMs: HOUR });
    const first = await inspect(stub);
    expect(first.alarm).toBe(Math.ceil(first.tat ?? Number.NaN));
    await stub.consume({ limit: 10, periodMs: HOUR });
    const second = await inspect(stub);
    expect(second.tat).toBeGreaterThan(first.tat ?? Number.POSITIVE_INFINITY);
    expect(second.alarm).toBe(first.alarm);
  });

  it("keeps the state and re-arms for the new expiry when it runs before the bucket is full", async () => {
    const stub = freshLimiter("early");
    await stub.consume({ limit: 10, periodMs: HOUR });
    await stub.consume({ limit: 10, periodMs: HOUR });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const state = await inspect(stub);
    expect(state.rows).toBe(1);
    expect(state.alarm).toBe(Math.ceil(state.tat ?? Number.NaN));
  });

  it("deletes the state at exactly the instant the bucket is full again, not a millisecond later", async () => {
    const { stub, clock } = await pinnedLimiter("expire-edge");
    await stub.consume({ limit: 10, periodMs: 10_000 }); // full again at T0 + 1 000
    clock.offset = 999;
    await runInDurableObject(stub, (instance: RateLimiter) => instance.alarm());
    expect(await inspect(stub)).toMatchObject({ rows: 1, alarm: T0 + 1_000 });
    clock.offset = 1_000;
    await runInDurableObject(stub, (instance: RateLimiter) => instance.alarm());
    expect(await inspect(stub)).toMatchObject({ rows: 0 });
  });

  it("deletes the state once it has expired, schedules nothing more, and shrugs off a repeated run", async () => {
    const stub = freshLimiter("expire");
    await stub.consume({ limit: 10, periodMs: 100 }); // full again 10 ms later
    await new Promise((resolve) => setTimeout(resolve, 50));
    await runDurableObjectAlarm(stub); // true, or false if it already fired by itself: either is fine
    expect(await inspect(stub)).toMatchObject({ rows: 0, alarm: null });
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    // At-least-once delivery: the same alarm may be delivered again.
    await runInDurableObject(stub, async (instance: RateLimiter) => {
      await instance.alarm();
      await instance.alarm();
    });
    expect(await inspect(stub)).toMatchObject({ rows: 0, alarm: null });
    expect((await stub.consume({ limit: 10, periodMs: 100 })).remaining).toBe(9);
  });
});

describe("RateLimiter refund", () => {
  it("gives back a token taken, at the same instant, and never fills past full", async () => {
    const { stub } = await pinnedLimiter("refund");
    const policy = { limit: 2, periodMs: HOUR };
    await burst(stub, 2, policy);
    expect(await stub.refund(policy)).toBe(true);
    expect(await stub.consume(policy)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await stub.consume(policy)).allowed).toBe(false);
    for (let i = 0; i < 5; i++) expect(await stub.refund(policy)).toBe(true);
    expect(await inspect(stub)).toMatchObject({ rows: 0 });
    expect((await burst(stub, 5, policy)).length).toBe(2);
  });

  it("changes nothing for an invalid policy or cost", async () => {
    const { stub } = await pinnedLimiter("refund-invalid");
    const policy = { limit: 2, periodMs: HOUR };
    await stub.consume(policy);
    const before = await inspect(stub);
    expect(await stub.refund({ limit: 0, periodMs: 1 })).toBe(false);
    expect(await stub.refund(policy, 3)).toBe(false);
    expect(await stub.refund(policy, 0)).toBe(false);
    expect(await inspect(stub)).toEqual(before);
  });
});

describe("RateLimiter input validation", () => {
  it("refuses invalid policies and costs with a result marked invalid, without throwing or losing state", async () => {
    const stub = freshLimiter("invalid");
    const valid = { limit: 5, periodMs: HOUR };
    expect((await stub.consume(valid)).remaining).toBe(4);
    const badPolicies: unknown[] = [
      { limit: 0, periodMs: 1_000 },
      { limit: -1, periodMs: 1_000 },
      { limit: Number.NaN, periodMs: 1_000 },
      { limit: Number.POSITIVE_INFINITY, periodMs: 1_000 },
      { limit: 1.5, periodMs: 1_000 },
      { limit: 1e12, periodMs: 1_000 },
      { limit: 10, periodMs: 0 },
      { limit: 10, periodMs: 1e15 },
      { limit: "10", periodMs: 1_000 },
      null,
      "a lot",
    ];
    for (const policy of badPolicies) {
      const result = await stub.consume(policy as RatePolicy);
      expect(result, JSON.stringify(policy)).toMatchObject({ allowed: false, invalid: "policy" });
    }
    for (const cost of [0, -1, 1.5, Number.NaN, 6]) {
      expect(await stub.consume(valid, cost), `cost ${cost}`).toMatchObject({ allowed: false, invalid: "cost" });
    }
    // Same object, same state: nothing above reset it or took a token.
    expect(await stub.consume(valid)).toMatchObject({ allowed: true, remaining: 3 });
  });

  it("creates no state and no alarm for an invalid call to an idle key", async () => {
    const stub = freshLimiter("invalid-idle");
    await stub.consume({ limit: 0, periodMs: 1_000 });
    expect(await inspect(stub)).toMatchObject({ rows: 0, alarm: null });
  });
});
