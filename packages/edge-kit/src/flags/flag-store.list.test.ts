// Listing many flags: 2 500 definitions through KV's cursor with bulk reads, in a namespace of their own.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Flag, FlagStore } from ".";
import { storedFlag } from "./test-support/flag-fixture";
import { spyKv } from "./test-support/kv-spy";

const FLAGS = 2_500;
const names = Array.from({ length: FLAGS }, (_, i) => `bulk-${String(i).padStart(4, "0")}`);

function definition(name: string, i: number): Flag {
  return storedFlag({
    name,
    rolloutPercentage: i % 2 === 0 ? 100 : 0,
    salt: `${i.toString(16).padStart(4, "0")}aabbccddeeff0011`,
    updatedBy: "seed",
  });
}

// Written straight to KV, without list metadata, as an older writer or a bulk import would: every value
// must then be read, which is the expensive path this file measures.
beforeAll(async () => {
  for (let start = 0; start < FLAGS; start += 500) {
    await Promise.all(
      names
        .slice(start, start + 500)
        .map((name, j) => env.CONFIG.put(`flag:${name}`, JSON.stringify(definition(name, start + j)))),
    );
  }
}, 60_000);

describe("listing 2 500 flags", () => {
  it("returns all of them by following the cursor, with 3 list calls and 25 multi-key gets", async () => {
    const spy = spyKv(env.CONFIG);
    const { flags, corrupt } = await new FlagStore(spy.kv).listAll();
    const biggestRead = Math.max(...spy.gets.map((keys) => keys.length));
    console.log(
      `flags: listed ${flags.length} flags with ${spy.count("list")} list calls and ${spy.count("get")} ` +
        `multi-key gets of at most ${biggestRead} keys`,
    );
    expect(flags.map((flag) => flag.name)).toEqual(names);
    expect(flags[7]).toEqual(definition("bulk-0007", 7));
    expect(corrupt).toEqual([]);
    expect(spy.count("list")).toBe(3);
    expect(spy.count("get")).toBe(25);
    expect(biggestRead).toBeLessThanOrEqual(100);
  });

  it("hands out pages of at most `limit` keys and a cursor, null after the last page", async () => {
    const store = new FlagStore(env.CONFIG);
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.list(cursor === null ? { limit: 1_000 } : { limit: 1_000, cursor });
      seen.push(...page.flags.map((flag) => flag.name));
      sizes.push(page.flags.length);
      cursor = page.cursor;
    } while (cursor !== null);
    expect(sizes).toEqual([1_000, 1_000, 500]);
    expect(seen).toEqual(names);
  });

  it("keeps following the cursor past an empty page that is not the last", async () => {
    // KV may return fewer keys than asked for, even none, before `list_complete`
    // (developers.cloudflare.com/kv/api/list-keys/).
    let calls = 0;
    const sparse = new Proxy(env.CONFIG, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        if (property !== "list") return value.bind(target);
        return async (options: KVNamespaceListOptions) => {
          calls++;
          // The second call answers "nothing here yet, carry on from the same place".
          if (calls === 2 && options.cursor) {
            return { keys: [], list_complete: false, cursor: options.cursor, cacheStatus: null };
          }
          return Reflect.apply(value, target, [options]);
        };
      },
    });
    const { flags } = await new FlagStore(sparse).listAll();
    expect(calls).toBe(4);
    expect(flags.map((flag) => flag.name)).toEqual(names);
  });

  it("evaluates all 2 500 for a member from one listing", async () => {
    const spy = spyKv(env.CONFIG);
    const evaluated = await new FlagStore(spy.kv).evaluateAll({ id: "alice" });
    expect(Object.keys(evaluated)).toHaveLength(FLAGS);
    expect(Object.values(evaluated).filter(Boolean)).toHaveLength(FLAGS / 2);
    expect(evaluated["bulk-0000"]).toBe(true);
    expect(evaluated["bulk-0001"]).toBe(false);
    expect(spy.count("list") + spy.count("get")).toBe(28);
  });
});
