import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type CacheEvent, CacheService, deleteByPrefix } from ".";

/** Wraps a KV namespace, counting operations and recording put options. */
function recording(kv: KVNamespace) {
  const ops = { get: 0, put: 0, delete: 0, list: 0 };
  const ttls: number[] = [];
  const proxy = new Proxy(kv, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (prop in ops) ops[prop as keyof typeof ops]++;
        if (prop === "put") ttls.push((args[2] as { expirationTtl?: number } | undefined)?.expirationTtl ?? 0);
        return value.apply(target, args);
      };
    },
  });
  return { kv: proxy, ops, ttls };
}

let ns = 0;
const namespace = () => `t${ns++}`;

describe("CacheService.getOrSet", () => {
  it("loads once, then serves hits; caches 'not found' too", async () => {
    const events: CacheEvent[] = [];
    const cache = new CacheService({ kv: env.CACHE, namespace: namespace(), onEvent: (e) => events.push(e) });
    let loads = 0;
    const loader = async () => {
      loads++;
      return { n: 1 };
    };
    expect(await cache.getOrSet("a", loader)).toEqual({ n: 1 });
    expect(await cache.getOrSet("a", loader)).toEqual({ n: 1 });
    expect(loads).toBe(1);
    let missingLoads = 0;
    const missing = async () => {
      missingLoads++;
      return null;
    };
    expect(await cache.getOrSet("gone", missing)).toBeNull();
    expect(await cache.getOrSet("gone", missing)).toBeNull();
    expect(missingLoads).toBe(1);
    expect(events.map((e) => e.kind)).toEqual(["miss", "hit", "miss", "negative-hit"]);
  });

  it("shares one loader among concurrent callers (single-flight)", async () => {
    const cache = new CacheService({ kv: env.CACHE, namespace: namespace() });
    let loads = 0;
    const loader = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return "v";
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => cache.getOrSet("k", loader)));
    expect(results).toEqual(Array(10).fill("v"));
    expect(loads).toBe(1);
  });

  it("does not cache a loader failure", async () => {
    const cache = new CacheService({ kv: env.CACHE, namespace: namespace() });
    await expect(
      cache.getOrSet("flaky", async () => {
        throw new Error("origin down");
      }),
    ).rejects.toThrow("origin down");
    expect(await cache.getOrSet("flaky", async () => "recovered")).toBe("recovered");
  });

  it("treats a stored value that fails its schema as a miss and overwrites it", async () => {
    const name = namespace();
    const cache = new CacheService({ kv: env.CACHE, namespace: name });
    const Schema = z.object({ id: z.string() });
    await cache.getOrSet("x", async () => ({ wrong: 1 }) as unknown as { id: string });
    let loads = 0;
    const value = await cache.getOrSet(
      "x",
      async () => {
        loads++;
        return { id: "ok" };
      },
      Schema,
    );
    expect(value).toEqual({ id: "ok" });
    expect(loads).toBe(1);
    expect(await cache.getOrSet("x", async () => ({ id: "reloaded" }), Schema)).toEqual({ id: "ok" });
  });

  it("never asks KV for a TTL below 60 s, with differential TTLs for hits and misses", async () => {
    const { kv, ttls } = recording(env.CACHE);
    const cache = new CacheService({ kv, namespace: namespace(), hitTtlSeconds: 5, missTtlSeconds: 1 });
    await cache.getOrSet("a", async () => 1);
    const long = new CacheService({ kv, namespace: namespace(), hitTtlSeconds: 600, missTtlSeconds: 90 });
    await long.getOrSet("b", async () => 1);
    await long.getOrSet("c", async () => null);
    expect(ttls).toEqual([60, 600, 90]);
  });

  it("defers writes to the given waitUntil", async () => {
    const deferred: Promise<unknown>[] = [];
    const cache = new CacheService({ kv: env.CACHE, namespace: namespace(), defer: (p) => deferred.push(p) });
    await cache.getOrSet("d", async () => 42);
    expect(deferred).toHaveLength(1);
    await Promise.all(deferred);
    expect(await cache.getOrSet("d", async () => 0)).toBe(42);
  });
});

describe("CacheService.getMany", () => {
  it("reads 250 keys in ≤ 3 bulk gets and loads the missing ones in one call", async () => {
    const { kv, ops } = recording(env.CACHE);
    const cache = new CacheService({ kv, namespace: namespace() });
    const keys = Array.from({ length: 250 }, (_, i) => `k${i}`);
    let loaderCalls = 0;
    const load = async (missing: string[]) => {
      loaderCalls++;
      return new Map(missing.filter((k) => k !== "k7").map((k) => [k, k.toUpperCase()] as const));
    };
    const first = await cache.getMany(keys, load);
    expect(first.size).toBe(249);
    expect(loaderCalls).toBe(1);
    const getsBefore = ops.get;
    const second = await cache.getMany(keys, load);
    expect(second.get("k42")).toBe("K42");
    expect(second.has("k7")).toBe(false);
    expect(loaderCalls).toBe(1); // k7 is cached as "not found"
    expect(ops.get - getsBefore).toBeLessThanOrEqual(4); // 3 chunks + the version read at most
  });
});

describe("invalidation", () => {
  it("invalidates a namespace of 2 500 keys with one write: 0 stale reads after", async () => {
    const { kv, ops } = recording(env.CACHE);
    const cache = new CacheService({ kv, namespace: namespace(), versionCacheMs: 0 });
    const keys = Array.from({ length: 2_500 }, (_, i) => `item-${i}`);
    await cache.getMany<string>(keys, async (missing) => new Map(missing.map((k) => [k, "old"] as const)));
    const before = { ...ops };
    await cache.invalidateAll();
    const opsUsed = Object.values(ops).reduce((a, b) => a + b, 0) - Object.values(before).reduce((a, b) => a + b, 0);
    const after = await cache.getMany<string>(
      keys,
      async (missing) => new Map(missing.map((k) => [k, "new"] as const)),
    );
    const stale = [...after.values()].filter((v) => v === "old").length;
    console.log(`cache: invalidated 2 500 keys with ${opsUsed} KV operations; stale reads after: ${stale}`);
    expect(stale).toBe(0);
    expect(opsUsed).toBeLessThanOrEqual(2);
  });

  it("invalidates one key", async () => {
    const cache = new CacheService({ kv: env.CACHE, namespace: namespace() });
    await cache.getOrSet("one", async () => "old");
    await cache.invalidate("one");
    expect(await cache.getOrSet("one", async () => "new")).toBe("new");
  });

  it("deletes past 1 000 keys by prefix within an operation budget, resumably", async () => {
    for (let start = 0; start < 1_500; start += 250) {
      await Promise.all(Array.from({ length: 250 }, (_, i) => env.CACHE.put(`tmp:${start + i}`, "x")));
    }
    const first = await deleteByPrefix(env.CACHE, "tmp:", { budget: 600 });
    expect(first.complete).toBe(false);
    expect(first.deleted).toBeLessThanOrEqual(599);
    let result = first;
    let deleted = first.deleted;
    while (!result.complete) {
      result = await deleteByPrefix(env.CACHE, "tmp:", { cursor: result.cursor, budget: 600 });
      deleted += result.deleted;
    }
    expect(deleted).toBe(1_500);
    expect((await env.CACHE.list({ prefix: "tmp:" })).keys).toHaveLength(0);
  });
});
