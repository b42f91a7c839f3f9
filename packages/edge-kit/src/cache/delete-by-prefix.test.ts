import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deleteByPrefix, MAX_KV_OPERATIONS } from ".";
import { recordKv } from "./test-support/recording-kv";

async function seed(prefix: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 200) {
    const size = Math.min(200, count - start);
    await Promise.all(Array.from({ length: size }, (_, i) => env.CACHE.put(`${prefix}${start + i}`, "x")));
  }
}

async function countKeys(prefix: string): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await env.CACHE.list({ prefix, cursor });
    total += page.keys.length;
    if (page.list_complete) return total;
    cursor = page.cursor;
  }
}

describe("deleteByPrefix", () => {
  it("goes past 1 000 keys: a small budget reports incomplete, and the next call finishes", async () => {
    await seed("big:", 1_200);
    await seed("bigger:", 5); // shares the first letters, not the prefix
    const recording = recordKv(env.CACHE);

    const first = await deleteByPrefix(recording.kv, "big:", { budget: 300 });
    expect(first).toMatchObject({ deleted: 299, complete: false, operations: 300 });
    expect(first.cursor).toEqual(expect.any(String));
    expect(recording.count()).toBe(300);

    const second = await deleteByPrefix(recording.kv, "big:", { cursor: first.cursor, budget: MAX_KV_OPERATIONS });
    expect(second).toMatchObject({ deleted: 901, complete: true });
    expect(second.operations).toBeLessThanOrEqual(MAX_KV_OPERATIONS);
    expect(recording.count()).toBe(300 + second.operations);

    expect(await countKeys("big:")).toBe(0);
    expect(await countKeys("bigger:")).toBe(5);
  });

  it("never uses more operations than its budget, and deletes everything in the end", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 2, max: 12 }), async (keys, budget) => {
        const prefix = `prop${run++}:`;
        await seed(prefix, keys);
        await seed(`${prefix.slice(0, -1)}x:`, 2);
        let deleted = 0;
        let cursor: string | undefined;
        for (let calls = 0; ; calls++) {
          expect(calls).toBeLessThan(keys + 2);
          const recording = recordKv(env.CACHE);
          const result = await deleteByPrefix(recording.kv, prefix, { budget, cursor });
          expect(recording.count()).toBe(result.operations);
          expect(result.operations).toBeLessThanOrEqual(budget);
          deleted += result.deleted;
          if (result.complete) break;
          cursor = result.cursor;
        }
        expect(deleted).toBe(keys);
        expect(await countKeys(prefix)).toBe(0);
        expect(await countKeys(`${prefix.slice(0, -1)}x:`)).toBe(2);
      }),
      { seed: 4_242, numRuns: 15 },
    );
  }, 60_000);

  it("finishes at once, with one list, when nothing matches", async () => {
    expect(await deleteByPrefix(env.CACHE, "nothing-here:")).toEqual({ deleted: 0, complete: true, operations: 1 });
  });

  it("refuses a budget it could not keep", async () => {
    for (const budget of [0, 1, 1.5, MAX_KV_OPERATIONS + 1, Number.NaN]) {
      await expect(deleteByPrefix(env.CACHE, "any:", { budget })).rejects.toThrow(RangeError);
    }
  });
});
