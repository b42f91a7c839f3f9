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
    it(`admits exactly ${l} of ${k} concurrent requests, each token once`, async () => {
      const admitted = await burst(freshLimiter(`exact-${k}-${l}`), k, { limit: l, periodMs: HOUR });
      console.log(`RateLimiter: K=${k} L=${l} admitted=${admitted.length} over-admissions=${admitted.length - l}`);
      expect(admitted).toHaveLength(l);
      // Every admitted request saw a different count of tokens left: l-1, l-2, …, 0.
      expect(new Set(admitted.map((r) => r.remaining)).size).toBe(l);
    });
  }

  it("stays exact across an eviction in the middle of a burst", async () => {
    const stub = freshLimiter("evict");
    const policy = { limit: 120, periodMs: HOUR };
    const before = await burst(stub, 100, policy);
    const instances = new Set<RateLimiter>();
    await runInDurableObject(stub, (instance: RateLimiter) => instances.add(instance));
    await evictDurableObject(stub);
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

  it("reports what it decided: remaining tokens, time to full, time to retry", async () => {
    const stub = freshLimiter("report");
    const policy = { limit: 2, periodMs: 10_000 };
    expect(await stub.consume(policy)).toEqual({
      allowed: true,
      limit: 2,
      remaining: 1,
      resetAfterMs: 5_000,
      retryAfterMs: 0,
    });
    await stub.consume(policy);
    const refused = await stub.consume(policy);
    expect(refused).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
    expect(refused.retryAfterMs).toBeGreaterThan(4_900);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(5_000);
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
