import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type CacheEvent, CacheService, type CacheServiceOptions, clampTtl, MAX_GET_MANY_KEYS } from ".";
import { recordKv } from "./test-support/recording-kv";

let serial = 0;
/** A namespace no other test uses (KV storage is shared by the tests of one file). */
const freshNamespace = () => `t${serial++}`;

function service(overrides: Partial<CacheServiceOptions> = {}) {
  const recording = recordKv(env.CACHE);
  const events: CacheEvent["kind"][] = [];
  const cache = new CacheService({
    kv: recording.kv,
    namespace: freshNamespace(),
    onEvent: (event) => events.push(event.kind),
    ...overrides,
  });
  return { cache, recording, events };
}

/** A loader that counts its calls. */
function counted<T>(value: T | null) {
  const loader = async () => {
    loader.calls++;
    return value;
  };
  loader.calls = 0;
  return loader;
}

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Rejects if `promise` has not settled within `ms`: a caller stuck behind another's load fails fast. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Starts a load of "k" that stays in flight, makes `change` while it does, then checks that a later caller
 * loads `after` itself instead of joining that load, and that the first caller still gets `before`.
 */
async function expectLaterCallerLoadsAfresh(
  cache: CacheService,
  change: () => Promise<unknown>,
  values: { before: string; after: string },
): Promise<void> {
  const slow = deferred<string>();
  const inFlight = cache.getOrSet("k", () => slow.promise);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await change();
  expect(
    await within(
      1_000,
      cache.getOrSet("k", async () => values.after),
    ),
  ).toBe(values.after);
  slow.resolve(values.before);
  expect(await inFlight).toBe(values.before);
}

const ttlsOf = (recording: ReturnType<typeof recordKv>) =>
  recording.calls
    .filter((call) => call.op === "put")
    .map((call) => (call.options as KVNamespacePutOptions | undefined)?.expirationTtl);

describe("CacheService.getOrSet", () => {
  it("loads a missing key once, then serves it from KV", async () => {
    const { cache, events } = service();
    const loader = counted({ name: "Ada" });
    expect(await cache.getOrSet("u1", loader)).toEqual({ name: "Ada" });
    expect(await cache.getOrSet("u1", loader)).toEqual({ name: "Ada" });
    expect(loader.calls).toBe(1);
    expect(events).toEqual(["miss", "hit"]);
    // Another service over the same namespace (another request) finds it too: it is in KV, not in memory.
    const other = new CacheService({ kv: env.CACHE, namespace: cache.namespace });
    expect(await other.getOrSet("u1", counted(null))).toEqual({ name: "Ada" });
  });

  it("caches 'not found' as a negative entry with the shorter miss TTL", async () => {
    const { cache, recording, events } = service({ hitTtlSeconds: 600, missTtlSeconds: 90 });
    const loader = counted<string>(null);
    expect(await cache.getOrSet("ghost", loader)).toBeNull();
    expect(await cache.getOrSet("ghost", loader)).toBeNull();
    expect(loader.calls).toBe(1);
    expect(events).toEqual(["miss", "negative-hit"]);
    await cache.getOrSet("real", counted("here"));
    expect(ttlsOf(recording)).toEqual([90, 600]);
  });

  it("never asks KV for a TTL below 60 s, whatever TTLs it is given", async () => {
    const ttl = fc.oneof(
      fc.double({ noNaN: false }),
      fc.integer({ min: -100, max: 1_000 }),
      fc.constantFrom(0, 59.9, 60, 61, Number.POSITIVE_INFINITY),
    );
    await fc.assert(
      fc.asyncProperty(ttl, ttl, async (hitTtlSeconds, missTtlSeconds) => {
        const { cache, recording } = service({ hitTtlSeconds, missTtlSeconds });
        await cache.getOrSet("found", counted(1));
        await cache.getOrSet("absent", counted(null));
        const [hit, miss] = ttlsOf(recording);
        expect(hit).toBe(clampTtl(hitTtlSeconds));
        expect(miss).toBe(clampTtl(missTtlSeconds));
        for (const sent of [hit, miss]) {
          expect(Number.isInteger(sent)).toBe(true);
          expect(sent).toBeGreaterThanOrEqual(60);
        }
      }),
      { seed: 20_261_122, numRuns: 40 },
    );
  });

  it("shares one KV read and one load among 10 concurrent callers (single-flight)", async () => {
    const { cache, recording } = service();
    const gate = deferred<void>();
    let loads = 0;
    const loader = async () => {
      loads++;
      await gate.promise;
      return "v";
    };
    const callers = Array.from({ length: 10 }, () => cache.getOrSet("hot", loader));
    await new Promise((resolve) => setTimeout(resolve, 20));
    gate.resolve();
    expect(await Promise.all(callers)).toEqual(Array(10).fill("v"));
    expect(loads).toBe(1);
    expect(
      recording.calls.filter((call) => call.op === "get" && call.key === `c:${cache.namespace}:v0:hot`),
    ).toHaveLength(1);
    expect(recording.count("put")).toBe(1);
  });

  it("lets a caller load by itself when the load it joined never finishes", async () => {
    const { cache } = service({ singleFlightWaitMs: 30 });
    const stuck = deferred<string>();
    // The first caller's request was cancelled mid-load: its promise never settles.
    const abandoned = cache.getOrSet("k", () => stuck.promise);
    expect(
      await within(
        1_000,
        cache.getOrSet("k", async () => "fresh"),
      ),
    ).toBe("fresh");
    // And the key is not blocked for later callers either.
    expect(await cache.getOrSet("k", async () => "unused")).toBe("fresh");
    stuck.resolve("late");
    expect(await abandoned).toBe("late");
  });

  it("caches nothing when the loader throws, and every waiting caller sees the error", async () => {
    const { cache, recording } = service();
    const failing = async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new Error("origin down");
    };
    const results = await Promise.allSettled(Array.from({ length: 3 }, () => cache.getOrSet("flaky", failing)));
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(recording.count("put")).toBe(0);
    const recovered = counted("recovered");
    expect(await cache.getOrSet("flaky", recovered)).toBe("recovered");
    expect(recovered.calls).toBe(1);
  });

  it("treats a stored value that fails its schema as a miss, and overwrites it", async () => {
    const { cache, events } = service();
    const Profile = z.object({ id: z.string(), name: z.string() });
    // Written by an older deploy whose shape differed.
    await cache.getOrSet("p", async () => ({ id: 7 }));
    const reload = counted({ id: "7", name: "Grace" });
    expect(await cache.getOrSet("p", reload, Profile)).toEqual({ id: "7", name: "Grace" });
    expect(reload.calls).toBe(1);
    const again = counted({ id: "7", name: "not used" });
    expect(await cache.getOrSet("p", again, Profile)).toEqual({ id: "7", name: "Grace" });
    expect(again.calls).toBe(0);
    expect(events).toEqual(["miss", "miss", "hit"]);
  });

  it("treats a stored value that is not JSON, or not an envelope, as a miss", async () => {
    const { cache } = service();
    await env.CACHE.put(`c:${cache.namespace}:v0:broken`, "{not json");
    await env.CACHE.put(`c:${cache.namespace}:v0:bare`, JSON.stringify("no envelope"));
    expect(await cache.getOrSet("broken", async () => "repaired")).toBe("repaired");
    expect(await cache.getOrSet("bare", async () => "repaired too")).toBe("repaired too");
    expect(await cache.getOrSet("broken", async () => "unused")).toBe("repaired");
  });

  it("falls back to the loader when KV fails, and reports the error", async () => {
    const { cache, recording, events } = service();
    recording.fail("get");
    expect(await cache.getOrSet("a", async () => "from origin")).toBe("from origin");
    recording.restore();
    recording.fail("put");
    expect(await cache.getOrSet("b", async () => "still served")).toBe("still served");
    expect(events.filter((kind) => kind === "error").length).toBeGreaterThanOrEqual(2);
  });

  it("hands writes to the given waitUntil instead of awaiting them", async () => {
    const pending: Promise<unknown>[] = [];
    const { cache } = service({ defer: (promise) => pending.push(promise) });
    expect(await cache.getOrSet("d", async () => 42)).toBe(42);
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    expect(await cache.getOrSet("d", counted(0))).toBe(42);
  });

  it("invalidate(key) also stops later callers from joining a load of that key already in flight", async () => {
    const { cache } = service({ singleFlightWaitMs: 60_000 });
    await expectLaterCallerLoadsAfresh(cache, () => cache.invalidate("k"), { before: "before", after: "after" });
  });

  it("invalidate(key) forgets that key only", async () => {
    const { cache } = service();
    await cache.getOrSet("one", async () => "old");
    await cache.getOrSet("two", async () => "kept");
    await cache.invalidate("one");
    expect(await cache.getOrSet("one", async () => "new")).toBe("new");
    expect(await cache.getOrSet("two", async () => "unused")).toBe("kept");
  });

  it("refuses namespaces that could collide with other keys", () => {
    for (const namespace of ["", "Users", "a:b", "x".repeat(33)]) {
      expect(() => new CacheService({ kv: env.CACHE, namespace })).toThrow("invalid cache namespace");
    }
  });
});

describe("CacheService.getMany", () => {
  const upper = (missing: string[]) => new Map(missing.map((key) => [key, key.toUpperCase()] as const));

  it("reads 250 keys with 3 bulk gets and loads the missing ones in one call", async () => {
    const { cache, recording } = service();
    const keys = Array.from({ length: 250 }, (_, i) => `k${i}`);
    const calls: string[][] = [];
    const load = async (missing: string[]) => {
      calls.push(missing);
      return upper(missing.filter((key) => key !== "k7"));
    };
    const first = await cache.getMany(keys, load);
    expect(first.size).toBe(249);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(250);
    const bulkGets = () => recording.calls.filter((call) => call.op === "get" && Array.isArray(call.key));
    expect(bulkGets()).toHaveLength(3);
    expect(bulkGets().every((call) => (call.key?.length ?? 0) <= 100)).toBe(true);

    const before = recording.count();
    const second = await cache.getMany(keys, load);
    expect(second.get("k42")).toBe("K42");
    expect(second.has("k7")).toBe(false); // cached as "not found", not loaded again
    expect(calls).toHaveLength(1);
    expect(recording.count() - before).toBe(3);
  });

  it("validates bulk-read values against the schema and reloads only the invalid ones", async () => {
    const { cache } = service();
    await cache.getMany(
      ["a", "b"],
      async () =>
        new Map<string, unknown>([
          ["a", "A"],
          ["b", 2],
        ]),
    );
    const asked: string[][] = [];
    const values = await cache.getMany(
      ["a", "b"],
      async (missing) => {
        asked.push(missing);
        return upper(missing);
      },
      z.string(),
    );
    expect(asked).toEqual([["b"]]);
    expect(Object.fromEntries(values)).toEqual({ a: "A", b: "B" });
  });

  it("caches nothing when the loader throws", async () => {
    const { cache, recording } = service();
    await expect(
      cache.getMany(["x", "y"], async () => {
        throw new Error("D1 unavailable");
      }),
    ).rejects.toThrow("D1 unavailable");
    expect(recording.count("put")).toBe(0);
  });

  it(`refuses more than ${MAX_GET_MANY_KEYS} keys before touching KV, and does nothing for none`, async () => {
    const { cache, recording } = service();
    const tooMany = Array.from({ length: MAX_GET_MANY_KEYS + 1 }, (_, i) => `k${i}`);
    await expect(cache.getMany(tooMany, async () => new Map())).rejects.toThrow(RangeError);
    expect(await cache.getMany([], async () => new Map([["never", 1]]))).toEqual(new Map());
    expect(recording.count()).toBe(0);
  });

  it("serves from the loader when KV fails", async () => {
    const { cache, recording } = service();
    recording.fail("get");
    expect(await cache.getMany(["a"], async (missing) => upper(missing))).toEqual(new Map([["a", "A"]]));
  });
});

describe("CacheService.invalidateAll", () => {
  it("invalidates 2 500 keys with 2 KV operations, leaving 0 stale reads", async () => {
    const { cache, recording } = service();
    const keys = Array.from({ length: 2_500 }, (_, i) => `item-${i}`);
    const batches = Array.from({ length: 5 }, (_, b) => keys.slice(b * 500, (b + 1) * 500));
    for (const batch of batches) {
      const before = recording.count();
      await cache.getMany(batch, async (missing) => new Map(missing.map((key) => [key, "old"] as const)));
      // Each fill is one request's worth of work: within KV's 1 000 operations per invocation.
      expect(recording.count() - before).toBeLessThanOrEqual(1_000);
    }

    const before = recording.count();
    const version = await cache.invalidateAll();
    const operations = recording.count() - before;

    let stale = 0;
    for (const batch of batches) {
      const values = await cache.getMany(
        batch,
        async (missing) => new Map(missing.map((key) => [key, "new"] as const)),
      );
      stale += [...values.values()].filter((value) => value !== "new").length;
    }
    console.log(`cache: invalidated 2 500 keys with ${operations} KV operations; stale reads after: ${stale}`);
    expect(version).toBe(1);
    expect(operations).toBe(2);
    expect(stale).toBe(0);
  }, 60_000);

  it("reaches other isolates once their version cache expires", async () => {
    const namespace = freshNamespace();
    const clock = { now: 0 };
    const isolate = (kv: KVNamespace) =>
      new CacheService({ kv, namespace, versionCacheMs: 5_000, now: () => clock.now });
    const a = isolate(recordKv(env.CACHE).kv);
    const b = isolate(recordKv(env.CACHE).kv);
    await a.getOrSet("k", async () => "old");
    await b.invalidateAll();
    clock.now = 4_999;
    expect(await a.getOrSet("k", async () => "new")).toBe("old");
    clock.now = 5_000;
    expect(await a.getOrSet("k", async () => "new")).toBe("new");
    expect(await b.getOrSet("k", async () => "unused")).toBe("new");
  });

  it("keeps a load that started before the bump away from later callers and out of the new version", async () => {
    const { cache } = service({ singleFlightWaitMs: 60_000 });
    // A caller after the bump does not join the old load, even while it is still running.
    await expectLaterCallerLoadsAfresh(cache, () => cache.invalidateAll(), {
      before: "read before the change",
      after: "read after the change",
    });
    // The old load finished last, but it wrote under the old version.
    expect(await cache.getOrSet("k", async () => "unused")).toBe("read after the change");
  });

  it("counts versions up, one per call", async () => {
    const { cache } = service();
    expect(await cache.invalidateAll()).toBe(1);
    expect(await cache.invalidateAll()).toBe(2);
  });
});
