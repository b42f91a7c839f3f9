// FlagStore over the emulated CONFIG namespace: writes, corrupt values, listing and the in-isolate cache.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Flag, FlagInputSchema, FlagStore, type FlagWrite } from ".";
import { storedFlag } from "./test-support/flag-fixture";
import { spyKv } from "./test-support/kv-spy";

const ACTOR = "admin-1";

function written(result: FlagWrite): Flag {
  if (!result.ok) throw new Error(`expected the write to succeed, got ${JSON.stringify(result)}`);
  return result.flag;
}

async function storedKeys(prefix = "flag:"): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await env.CONFIG.list({ prefix, cursor });
    names.push(...page.keys.map((key) => key.name));
    if (page.list_complete) return names;
    cursor = page.cursor;
  }
}

describe("FlagStore.put", () => {
  it("stores a valid flag with its defaults, a server-made salt, the time and the actor", async () => {
    const store = new FlagStore(env.CONFIG, { now: () => Date.parse("2026-11-22T10:00:00.000Z") });
    const flag = written(await store.put("new-editor", { enabled: true, rolloutPercentage: 30 }, ACTOR));
    // The fixture holds the input schema's defaults: no description, an empty allow-list, no kill switch.
    expect(flag).toEqual(
      storedFlag({
        rolloutPercentage: 30,
        salt: expect.stringMatching(/^[0-9a-f]{32}$/),
        updatedAt: "2026-11-22T10:00:00.000Z",
        updatedBy: ACTOR,
      }),
    );
    expect(await env.CONFIG.get("flag:new-editor", "json")).toEqual(flag);
    expect(await store.get("new-editor")).toEqual({ ok: true, flag });
  });

  it.each([
    ["a percentage of 101", { enabled: true, rolloutPercentage: 101 }],
    ["a percentage of -1", { enabled: true, rolloutPercentage: -1 }],
    ["a percentage of 12.5", { enabled: true, rolloutPercentage: 12.5 }],
    ['a percentage of "50"', { enabled: true, rolloutPercentage: "50" }],
    ["an unknown key", { enabled: true, rolloutPercentage: 5, colour: "red" }],
    ["a __proto__ key", JSON.parse('{"enabled":true,"rolloutPercentage":5,"__proto__":{"killSwitch":false}}')],
    ["a client-chosen salt", { enabled: true, rolloutPercentage: 5, salt: "00112233445566778899aabbccddeeff" }],
    ["a repeated allow-list id", { enabled: true, rolloutPercentage: 5, allowList: ["a", "a"] }],
    ["a missing field", { enabled: true }],
    ["a string body", "enabled"],
    ["a null body", null],
  ])("refuses %s and stores nothing", async (_, input) => {
    const spy = spyKv(env.CONFIG);
    const result = await new FlagStore(spy.kv).put("refused", input, ACTOR);
    expect(result).toMatchObject({ ok: false, reason: "invalid" });
    expect(spy.count("put")).toBe(0);
    expect(await env.CONFIG.get("flag:refused")).toBeNull();
  });

  it("refuses a name with spaces, and stores nothing", async () => {
    const result = await new FlagStore(env.CONFIG).put("new editor", { enabled: true, rolloutPercentage: 5 }, ACTOR);
    expect(result).toEqual({
      ok: false,
      reason: "invalid",
      issues: [{ path: "name", message: "1–64 lower-case letters, digits, '_', '.' or '-'" }],
    });
    expect(await storedKeys("flag:new ")).toEqual([]);
  });

  it("refuses a 9 KiB definition as too large, and one with a 9 KiB description as invalid", async () => {
    const store = new FlagStore(env.CONFIG);
    // 140 ids of 64 characters: valid by the schema, but about 9.3 KiB of JSON.
    const allowList = Array.from({ length: 140 }, (_, i) => `${i}-`.padEnd(64, "x"));
    const body = { enabled: true, rolloutPercentage: 5, allowList };
    expect(new TextEncoder().encode(JSON.stringify(body)).byteLength).toBeGreaterThan(9 * 1024);
    expect(await store.put("huge", body, ACTOR)).toEqual({ ok: false, reason: "too-large" });
    const wordy = { enabled: true, rolloutPercentage: 5, description: "d".repeat(9 * 1024) };
    expect(await store.put("huge", wordy, ACTOR)).toMatchObject({ ok: false, reason: "invalid" });
    expect(await env.CONFIG.get("flag:huge")).toBeNull();
    // Just under the cap is fine: 110 ids of 64 characters is about 7.4 KiB.
    expect((await store.put("large", { ...body, allowList: allowList.slice(0, 110) }, ACTOR)).ok).toBe(true);
  });

  it("says where the input is wrong, naming rejected keys", async () => {
    const result = await new FlagStore(env.CONFIG).put(
      "issues",
      { enabled: true, rolloutPercentage: 5, allowList: ["ok", ""], salt: "x" },
      ACTOR,
    );
    if (result.ok || result.reason !== "invalid") throw new Error("expected invalid");
    expect(result.issues.map((issue) => issue.path).sort()).toEqual(["allowList.1", "salt"]);
  });

  it("never throws, and writes exactly the inputs its schema accepts, for any input (property)", async () => {
    const spy = spyKv(env.CONFIG);
    const store = new FlagStore(spy.kv);
    const nearlyValid = fc.record(
      {
        enabled: fc.oneof({ arbitrary: fc.boolean(), weight: 9 }, fc.constant("true")),
        rolloutPercentage: fc.oneof(
          { arbitrary: fc.integer({ min: 0, max: 100 }), weight: 6 },
          fc.integer({ min: -5, max: 105 }),
          fc.double(),
          fc.string(),
        ),
        description: fc.string({ maxLength: 520 }),
        allowList: fc.array(fc.string({ maxLength: 66 }), { maxLength: 4 }),
        killSwitch: fc.boolean(),
        salt: fc.stringMatching(/^[0-9a-f]{16}$/),
      },
      { requiredKeys: ["enabled", "rolloutPercentage"] },
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.anything({ withNullPrototype: true, withObjectString: true }), nearlyValid),
        async (input) => {
          const result = await store.put("fuzzed", input, ACTOR);
          expect(result.ok).toBe(FlagInputSchema.safeParse(input).success);
          if (result.ok) accepted++;
        },
      ),
      { seed: 20_261_122, numRuns: 300 },
    );
    console.log(`flags: fuzzed put 300 times, ${accepted} accepted, ${spy.count("put")} KV writes`);
    expect(accepted).toBeGreaterThan(0);
    expect(spy.count("put")).toBe(accepted);
  });

  it("throws for an actor that is not a user id, a caller's bug", async () => {
    const store = new FlagStore(env.CONFIG);
    await expect(store.put("actor", { enabled: true, rolloutPercentage: 5 }, "")).rejects.toThrow(RangeError);
    await expect(store.put("actor", { enabled: true, rolloutPercentage: 5 }, "a".repeat(65))).rejects.toThrow(
      RangeError,
    );
    expect(await env.CONFIG.get("flag:actor")).toBeNull();
  });

  it("keeps a flag's salt across updates, and gives every flag its own", async () => {
    let now = Date.parse("2026-11-22T10:00:00.000Z");
    const store = new FlagStore(env.CONFIG, { now: () => now });
    const first = written(await store.put("salty", { enabled: true, rolloutPercentage: 10 }, "alice"));
    now += 60_000;
    const second = written(await store.put("salty", { enabled: false, rolloutPercentage: 20 }, "bob"));
    expect(second.salt).toBe(first.salt);
    expect(second).toMatchObject({ enabled: false, rolloutPercentage: 20, updatedBy: "bob" });
    expect(second.updatedAt).toBe("2026-11-22T10:01:00.000Z");
    const others = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        written(await store.put(`salty-${i}`, { enabled: true, rolloutPercentage: 10 }, "alice")),
      ),
    );
    expect(new Set([first.salt, ...others.map((flag) => flag.salt)]).size).toBe(21);
  });

  it("replaces a corrupt stored value with a valid one and a fresh salt", async () => {
    await env.CONFIG.put("flag:repaired", "{oops");
    const store = new FlagStore(env.CONFIG);
    const flag = written(await store.put("repaired", { enabled: true, rolloutPercentage: 5 }, ACTOR));
    expect(await store.get("repaired")).toEqual({ ok: true, flag });
  });
});

describe("FlagStore.delete", () => {
  it("removes a flag and says whether there was one", async () => {
    const store = new FlagStore(env.CONFIG);
    await store.put("doomed", { enabled: true, rolloutPercentage: 5 }, ACTOR);
    expect(await store.delete("doomed")).toBe(true);
    expect(await store.get("doomed")).toEqual({ ok: false, reason: "missing" });
    expect(await store.delete("doomed")).toBe(false);
    expect(await store.delete("Not A Name")).toBe(false);
  });

  it("removes a corrupt value too", async () => {
    await env.CONFIG.put("flag:doomed-corrupt", "][");
    expect(await new FlagStore(env.CONFIG).delete("doomed-corrupt")).toBe(true);
    expect(await env.CONFIG.get("flag:doomed-corrupt")).toBeNull();
  });
});

describe("corrupt stored values", () => {
  const corruptValues: [string, string][] = [
    ["garbage JSON", "{not json"],
    ["an empty value", ""],
    ["JSON of the wrong shape", JSON.stringify({ enabled: "yes", rolloutPercentage: 500 })],
    ["a JSON array", "[1,2,3]"],
    [
      "a flag with an unknown key",
      JSON.stringify({ ...storedFlag({ name: "corrupt-4", rolloutPercentage: 100 }), extra: true }),
    ],
    ["another flag's definition", JSON.stringify(storedFlag({ name: "someone-else", rolloutPercentage: 100 }))],
  ];

  it.each(corruptValues.map(([label, value], i) => [label, value, `corrupt-${i}`]))(
    "reads %s as corrupt and evaluates it as off, without throwing",
    async (_, value, name) => {
      await env.CONFIG.put(`flag:${name}`, value);
      const store = new FlagStore(env.CONFIG);
      expect(await store.get(name)).toEqual({ ok: false, reason: "corrupt" });
      expect(await store.evaluate(name, { id: "alice" })).toEqual({ on: false, reason: "invalid", exists: true });
      expect(await store.evaluate(name, null)).toEqual({ on: false, reason: "invalid", exists: true });
    },
  );

  it("lists corrupt values by name beside good flags from the same bulk read, and evaluates them off", async () => {
    const store = new FlagStore(env.CONFIG);
    for (const [i, [, value]] of corruptValues.entries()) await env.CONFIG.put(`flag:corrupt-${i}`, value);
    // Too large for list metadata, so it is read in the same multi-key get as the corrupt values.
    const allowList = Array.from({ length: 30 }, (_, i) => `member-${i}`.padEnd(40, "."));
    await store.put("good-neighbour", { enabled: true, rolloutPercentage: 100, allowList }, ACTOR);
    const { flags, corrupt } = await store.listAll();
    expect(corrupt).toEqual(corruptValues.map((_, i) => `corrupt-${i}`));
    expect(flags.map((flag) => flag.name)).toContain("good-neighbour");
    const evaluated = await store.evaluateAll({ id: "alice" });
    expect(evaluated["good-neighbour"]).toBe(true);
    for (const name of corrupt) expect(evaluated[name]).toBe(false);
  });

  it("falls back to the value when the list metadata is not a valid flag", async () => {
    const store = new FlagStore(env.CONFIG);
    const flag = written(await store.put("odd-metadata", { enabled: true, rolloutPercentage: 40 }, ACTOR));
    await env.CONFIG.put("flag:odd-metadata", JSON.stringify(flag), { metadata: { enabled: "very" } });
    const { flags } = await store.listAll();
    expect(flags.find((f) => f.name === "odd-metadata")).toEqual(flag);
  });

  it("reports a missing flag as missing, not as corrupt", async () => {
    const store = new FlagStore(env.CONFIG);
    expect(await store.get("never-written")).toEqual({ ok: false, reason: "missing" });
    expect(await store.evaluate("never-written", { id: "alice" })).toEqual({
      on: false,
      reason: "invalid",
      exists: false,
    });
    expect(await store.evaluate("Not A Name", { id: "alice" })).toMatchObject({ on: false, exists: false });
  });
});

describe("FlagStore.list", () => {
  it("keeps small definitions in list metadata, so listing them makes no reads", async () => {
    const store = new FlagStore(env.CONFIG);
    for (const name of ["meta-a", "meta-b", "meta-c"]) {
      await store.put(name, { enabled: true, rolloutPercentage: 50, description: "fits in 1 KiB" }, ACTOR);
    }
    const page = await env.CONFIG.list<Flag>({ prefix: "flag:meta-" });
    expect(page.keys.map((key) => key.metadata?.name)).toEqual(["meta-a", "meta-b", "meta-c"]);
    const spy = spyKv(env.CONFIG);
    const listed = await new FlagStore(spy.kv).listAll();
    expect(listed.flags.filter((flag) => flag.name.startsWith("meta-"))).toHaveLength(3);
    // Every other flag this file wrote either fits in metadata too or is one of the few large ones.
    const unread = spy.gets.flat().filter((key) => key.startsWith("flag:meta-"));
    expect(unread).toEqual([]);
  });

  it("reads definitions too large for metadata with multi-key gets", async () => {
    const store = new FlagStore(env.CONFIG);
    const allowList = Array.from({ length: 40 }, (_, i) => `member-${i}`.padEnd(40, "."));
    const big = written(await store.put("big-list", { enabled: true, rolloutPercentage: 5, allowList }, ACTOR));
    const page = await env.CONFIG.list({ prefix: "flag:big-list" });
    expect(page.keys[0]?.metadata).toBeUndefined();
    const spy = spyKv(env.CONFIG);
    const { flags } = await new FlagStore(spy.kv).listAll();
    expect(flags.find((flag) => flag.name === "big-list")).toEqual(big);
    expect(spy.gets.some((keys) => keys.length > 1 && keys.includes("flag:big-list"))).toBe(true);
  });

  it("pages with limit and cursor until the cursor is null", async () => {
    const store = new FlagStore(env.CONFIG);
    const all = (await store.listAll()).flags.map((flag) => flag.name);
    expect(all.length).toBeGreaterThan(5);
    const names: string[] = [];
    let pages = 0;
    let cursor: string | null = null;
    do {
      const page = await store.list(cursor === null ? { limit: 2 } : { limit: 2, cursor });
      names.push(...page.flags.map((flag) => flag.name));
      cursor = page.cursor;
      pages++;
    } while (cursor !== null);
    expect(names).toEqual(all);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(all.length / 2));
  });

  it.each([0, 1_001, 2.5, Number.NaN])("refuses a page limit of %s", async (limit) => {
    await expect(new FlagStore(env.CONFIG).list({ limit })).rejects.toThrow(RangeError);
  });
});

describe("in-isolate cache", () => {
  function clockedStore(options: { cacheMs?: number } = {}) {
    const clock = { now: Date.parse("2026-11-22T12:00:00.000Z") };
    const spy = spyKv(env.CONFIG);
    const store = new FlagStore(spy.kv, { ...options, now: () => clock.now });
    return { store, spy, clock };
  }

  it("evaluates one flag from a definition reused for cacheMs, then reads it again", async () => {
    await new FlagStore(env.CONFIG).put("cached-one", { enabled: true, rolloutPercentage: 100 }, ACTOR);
    const { store, spy, clock } = clockedStore({ cacheMs: 10_000 });
    expect((await store.evaluate("cached-one", { id: "alice" })).on).toBe(true);
    clock.now += 9_999;
    expect((await store.evaluate("cached-one", { id: "bob" })).on).toBe(true);
    expect(spy.count("get")).toBe(1);
    clock.now += 1;
    await store.evaluate("cached-one", { id: "alice" });
    expect(spy.count("get")).toBe(2);
  });

  it("evaluates every flag from a listing reused for cacheMs, then lists again", async () => {
    const { store, spy, clock } = clockedStore({ cacheMs: 10_000 });
    await store.evaluateAll({ id: "alice" });
    const listsForOne = spy.count("list");
    expect(listsForOne).toBeGreaterThanOrEqual(1);
    clock.now += 5_000;
    await store.evaluateAll({ id: "bob" });
    expect(spy.count("list")).toBe(listsForOne);
    clock.now += 5_000;
    await store.evaluateAll({ id: "bob" });
    expect(spy.count("list")).toBe(2 * listsForOne);
  });

  it("sees its own writes and deletes at once", async () => {
    const { store } = clockedStore({ cacheMs: 60_000 });
    await store.put("switched", { enabled: true, rolloutPercentage: 100 }, ACTOR);
    expect((await store.evaluate("switched", { id: "alice" })).on).toBe(true);
    expect((await store.evaluateAll({ id: "alice" })).switched).toBe(true);
    await store.put("switched", { enabled: true, rolloutPercentage: 100, killSwitch: true }, ACTOR);
    expect(await store.evaluate("switched", { id: "alice" })).toMatchObject({ on: false, reason: "kill-switch" });
    expect((await store.evaluateAll({ id: "alice" })).switched).toBe(false);
    await store.delete("switched");
    expect((await store.evaluate("switched", { id: "alice" })).exists).toBe(false);
    expect((await store.evaluateAll({ id: "alice" })).switched).toBeUndefined();
  });

  it("does not let a listing that began before a write refill the cache with the old definitions", async () => {
    const { store, spy } = clockedStore({ cacheMs: 60_000 });
    await store.put("raced", { enabled: true, rolloutPercentage: 100 }, ACTOR);
    const held = spy.holdLists();
    const stale = store.evaluateAll({ id: "alice" });
    // Let the held listing read KV before the write lands.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await store.put("raced", { enabled: false, rolloutPercentage: 100 }, ACTOR);
    held.release();
    expect((await stale).raced).toBe(true);
    expect((await store.evaluateAll({ id: "alice" })).raced).toBe(false);
  });

  it("reads KV on every evaluation when cacheMs is 0", async () => {
    await new FlagStore(env.CONFIG).put("uncached", { enabled: true, rolloutPercentage: 100 }, ACTOR);
    const { store, spy } = clockedStore({ cacheMs: 0 });
    await store.evaluate("uncached", { id: "alice" });
    await store.evaluate("uncached", { id: "alice" });
    expect(spy.count("get")).toBe(2);
    await store.evaluateAll({ id: "alice" });
    const lists = spy.count("list");
    await store.evaluateAll({ id: "alice" });
    expect(spy.count("list")).toBe(2 * lists);
  });

  it("remembers at most 1 000 names, so made-up names cannot grow memory without bound", async () => {
    const { store, spy } = clockedStore({ cacheMs: 60_000 });
    await store.evaluate("made-up-0", { id: "alice" });
    await store.evaluate("made-up-0", { id: "alice" });
    expect(spy.count("get")).toBe(1);
    for (let i = 1; i <= 1_000; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => store.evaluate(`made-up-${i + j}`, { id: "alice" })));
    }
    expect(spy.count("get")).toBe(1_001);
    await store.evaluate("made-up-0", { id: "alice" });
    expect(spy.count("get")).toBe(1_002);
  });
});
