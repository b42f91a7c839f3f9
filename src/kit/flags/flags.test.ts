import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { evaluateFlag, type Flag, FlagStore, rolloutBucket } from ".";

const base: Flag = {
  name: "f",
  description: "",
  enabled: true,
  rolloutPercentage: 0,
  allowList: [],
  killSwitch: false,
  salt: "salt-0001",
  updatedAt: "2026-01-01T00:00:00.000Z",
  updatedBy: "admin",
};

const USERS = 100_000;
async function bucketsFor(flag: Pick<Flag, "name" | "salt">): Promise<Uint16Array> {
  const out = new Uint16Array(USERS);
  for (let start = 0; start < USERS; start += 5_000) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(5_000, USERS - start) }, (_, i) => rolloutBucket(flag, `user-${start + i}`)),
    );
    out.set(chunk, start);
  }
  return out;
}

describe("rollout over 100 000 users", () => {
  it("puts the target share within ±1 point, uniformly, independently across flags, and monotonically", async () => {
    const a = await bucketsFor({ name: "alpha", salt: "3f1c9a7e2b" });
    const b = await bucketsFor({ name: "beta", salt: "8d02e4c6a1" });

    const share = a.filter((bucket) => bucket < 3_000).length / USERS;
    // Chi-square over 100 equal buckets; the 0.999 critical value for 99 degrees of freedom is 148.2.
    const counts = new Array(100).fill(0);
    for (const bucket of a) counts[Math.floor(bucket / 100)]++;
    const expected = USERS / 100;
    const chiSquare = counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    let both = 0;
    for (let i = 0; i < USERS; i++) if ((a[i] ?? 0) < 1_000 && (b[i] ?? 0) < 1_000) both++;
    const overlap = both / USERS;
    let violations = 0;
    for (const bucket of a) {
      const on = [10, 20, 50].map((p) => bucket < p * 100);
      if ((on[0] && !on[1]) || (on[1] && !on[2])) violations++;
    }
    console.log(
      `rollout: 30% target → ${(share * 100).toFixed(2)}%; chi-square(99 df) = ${chiSquare.toFixed(1)}; ` +
        `two 10% flags overlap on ${(overlap * 100).toFixed(2)}% (independent: 1.00%); monotonicity violations ${violations}`,
    );
    expect(Math.abs(share - 0.3)).toBeLessThanOrEqual(0.01);
    expect(chiSquare).toBeLessThan(148.2);
    expect(overlap).toBeGreaterThan(0.008);
    expect(overlap).toBeLessThan(0.012);
    expect(violations).toBe(0);
  });
});

describe("evaluateFlag", () => {
  it("lets the allow-list win over 0 %, and the kill switch win over the allow-list", async () => {
    const listed = { ...base, allowList: ["u1"] };
    expect(await evaluateFlag(listed, { id: "u1" })).toEqual({ on: true, reason: "allow-list" });
    expect(await evaluateFlag(listed, { id: "u2" })).toEqual({ on: false, reason: "outside-rollout" });
    expect(await evaluateFlag({ ...listed, killSwitch: true }, { id: "u1" })).toEqual({
      on: false,
      reason: "kill-switch",
    });
    expect(await evaluateFlag({ ...listed, enabled: false }, { id: "u1" })).toEqual({ on: false, reason: "disabled" });
  });

  it("never puts an anonymous caller in a partial rollout", async () => {
    expect(await evaluateFlag({ ...base, rolloutPercentage: 99 }, null)).toEqual({ on: false, reason: "anonymous" });
    expect(await evaluateFlag({ ...base, rolloutPercentage: 100 }, null)).toEqual({ on: true, reason: "rollout" });
    expect((await evaluateFlag({ ...base, rolloutPercentage: 100 }, { id: "x" })).on).toBe(true);
  });
});

describe("FlagStore", () => {
  const store = () => new FlagStore(env.CONFIG);

  it("validates input and stores nothing that fails", async () => {
    const flags = store();
    const bad: unknown[] = [
      { enabled: true, rolloutPercentage: 101 },
      { enabled: true, rolloutPercentage: -1 },
      { enabled: true, rolloutPercentage: 12.5 },
      { enabled: true, rolloutPercentage: "50" },
      { enabled: true, rolloutPercentage: 5, extra: true },
      JSON.parse('{"enabled":true,"rolloutPercentage":5,"__proto__":{"killSwitch":true}}'),
      { enabled: true, rolloutPercentage: 5, salt: "chosen-by-client" },
      { enabled: true, rolloutPercentage: 5, allowList: ["a", "a"] },
    ];
    for (const input of bad) expect((await flags.put("checked", input, "admin")).ok, JSON.stringify(input)).toBe(false);
    expect((await flags.put("bad name", { enabled: true, rolloutPercentage: 5 }, "admin")).ok).toBe(false);
    const huge = {
      enabled: true,
      rolloutPercentage: 5,
      description: "x".repeat(500),
      allowList: Array.from({ length: 200 }, (_, i) => `user-${i}-${"y".repeat(40)}`),
    };
    expect(await flags.put("huge", huge, "admin")).toEqual({ ok: false, reason: "too-large" });
    expect((await env.CONFIG.list({ prefix: "flag:" })).keys.map((k) => k.name)).not.toContain("flag:checked");
    expect(await env.CONFIG.get("flag:huge")).toBeNull();
  });

  it("keeps a flag's salt across updates, and gives each flag its own", async () => {
    const flags = store();
    const first = await flags.put("salty", { enabled: true, rolloutPercentage: 10 }, "a");
    const second = await flags.put("salty", { enabled: true, rolloutPercentage: 20 }, "b");
    const other = await flags.put("other", { enabled: true, rolloutPercentage: 20 }, "b");
    if (!first.ok || !second.ok || !other.ok) throw new Error("puts failed");
    expect(second.flag.salt).toBe(first.flag.salt);
    expect(other.flag.salt).not.toBe(first.flag.salt);
    expect(second.flag.updatedBy).toBe("b");
  });

  it("evaluates a corrupt stored value as off without throwing", async () => {
    const flags = store();
    await env.CONFIG.put("flag:garbled", "{not json");
    await env.CONFIG.put("flag:wrongshape", JSON.stringify({ enabled: "yes", rolloutPercentage: 500 }));
    expect(await flags.evaluate("garbled", { id: "u" })).toMatchObject({ on: false, reason: "invalid", exists: true });
    expect(await flags.evaluate("wrongshape", { id: "u" })).toMatchObject({ on: false, reason: "invalid" });
    const all = await flags.listAll();
    expect(all.corrupt).toEqual(expect.arrayContaining(["garbled", "wrongshape"]));
    const evaluated = await flags.evaluateAll({ id: "u" });
    expect(evaluated.garbled).toBeUndefined();
    await env.CONFIG.delete("flag:garbled");
    await env.CONFIG.delete("flag:wrongshape");
  });

  it("lists 2 500 flags through KV's cursor with bulk reads", async () => {
    const calls = { list: 0, get: 0 };
    const counted = new Proxy(env.CONFIG, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === "list" || prop === "get") {
          return (...args: unknown[]) => {
            calls[prop]++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const template = { ...base, enabled: true, rolloutPercentage: 50 };
    for (let start = 0; start < 2_500; start += 250) {
      await Promise.all(
        Array.from({ length: 250 }, (_, i) => {
          const name = `bulk-${String(start + i).padStart(4, "0")}`;
          return env.CONFIG.put(`flag:${name}`, JSON.stringify({ ...template, name }));
        }),
      );
    }
    const { flags } = await new FlagStore(counted).listAll();
    expect(flags.filter((f) => f.name.startsWith("bulk-"))).toHaveLength(2_500);
    console.log(`flags: listed ${flags.length} flags with ${calls.list} list calls and ${calls.get} bulk gets`);
    expect(calls.list).toBeGreaterThanOrEqual(3);
    expect(calls.get).toBeLessThanOrEqual(Math.ceil(flags.length / 100) + 1);
  });
});
