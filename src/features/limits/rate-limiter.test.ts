import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "./rate-limiter";

const HOUR = 3_600_000;
let seq = 0;
const limiter = (label: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`test:${label}:${seq++}`));

async function burst(stub: ReturnType<typeof limiter>, count: number, limit: number) {
  const results = await Promise.all(Array.from({ length: count }, () => stub.consume({ limit, periodMs: HOUR })));
  return results.filter((r) => r.allowed).length;
}

describe("RateLimiter Durable Object", () => {
  for (const [k, l] of [
    [200, 50],
    [100, 1],
    [1_000, 300],
  ] as const) {
    it(`admits exactly ${l} of ${k} concurrent requests`, async () => {
      const admitted = await burst(limiter(`exact-${k}-${l}`), k, l);
      console.log(`limiter: K=${k} L=${l} admitted=${admitted} over-admissions=${admitted - l}`);
      expect(admitted).toBe(l);
    });
  }

  it("stays exact across an eviction mid-burst", async () => {
    const stub = limiter("evict");
    const first = await burst(stub, 100, 50);
    await evictDurableObject(stub);
    const second = await burst(stub, 100, 50);
    expect(first).toBe(50);
    expect(second).toBe(0);
  });

  it("keeps one row of state however many requests it has seen", async () => {
    const stub = limiter("rows");
    for (let i = 0; i < 10; i++)
      await Promise.all(Array.from({ length: 100 }, () => stub.consume({ limit: 5, periodMs: HOUR })));
    const rows = await runInDurableObject(stub, (_o: RateLimiter, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM bucket").one(),
    );
    expect(rows.n).toBe(1);
  });

  it("arms an alarm only while there is state, deletes the state once it expires, and tolerates a repeat", async () => {
    const stub = limiter("alarm");
    const alarmAt = () => runInDurableObject(stub, (_o: RateLimiter, state) => state.storage.getAlarm());
    const rows = () =>
      runInDurableObject(
        stub,
        (_o: RateLimiter, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM bucket").one().n,
      );
    expect(await alarmAt()).toBeNull();
    await stub.consume({ limit: 10, periodMs: 60_000 });
    expect(await alarmAt()).not.toBeNull();
    // Not yet expired: the alarm keeps the state and re-arms for the new expiry.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await rows()).toBe(1);
    expect(await alarmAt()).not.toBeNull();

    const short = limiter("alarm-short");
    await short.consume({ limit: 10, periodMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The alarm has fired by itself: the state is gone and nothing is scheduled.
    const after = await runInDurableObject(short, async (instance: RateLimiter, state) => {
      const before = state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM bucket").one().n;
      await instance.alarm(); // a repeated delivery is harmless
      return { before, alarm: await state.storage.getAlarm() };
    });
    expect(after).toEqual({ before: 0, alarm: null });
  });

  it("refuses invalid policies and costs without throwing", async () => {
    const stub = limiter("invalid");
    for (const policy of [
      { limit: 0, periodMs: 1000 },
      { limit: -1, periodMs: 1000 },
      { limit: Number.NaN, periodMs: 1000 },
      { limit: 10, periodMs: 0 },
      { limit: 1e12, periodMs: 1000 },
      { limit: 1.5, periodMs: 1000 },
    ]) {
      expect((await stub.consume(policy)).allowed).toBe(false);
    }
    expect((await stub.consume({ limit: 5, periodMs: 1000 }, 6)).allowed).toBe(false);
    expect((await stub.consume({ limit: 5, periodMs: 1000 }, 0)).allowed).toBe(false);
    expect((await stub.consume({ limit: 5, periodMs: 1000 })).allowed).toBe(true);
  });
});
