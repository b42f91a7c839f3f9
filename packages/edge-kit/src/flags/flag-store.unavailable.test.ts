// FlagStore when KV cannot be read: each flag's default, reason "unavailable", never a thrown error.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FlagStore } from ".";

/** A KV namespace whose every call fails, as KV does during an outage. */
function failingKv(): KVNamespace {
  const fail = () => Promise.reject(new Error("KV GET failed: 503 Service Unavailable"));
  return { get: fail, getWithMetadata: fail, list: fail, put: fail, delete: fail } as unknown as KVNamespace;
}

describe("FlagStore with KV unreadable", () => {
  it("evaluates a flag as its default with reason unavailable, and tells onUnavailable", async () => {
    const errors: unknown[] = [];
    const store = new FlagStore(failingKv(), {
      defaults: { "on-by-default": true, "off-by-default": false },
      onUnavailable: (error) => errors.push(error),
    });
    const user = { id: "u1" };
    expect(await store.evaluate("on-by-default", user)).toEqual({ on: true, reason: "unavailable", exists: false });
    expect(await store.evaluate("off-by-default", user)).toEqual({ on: false, reason: "unavailable", exists: false });
    expect(await store.evaluate("no-default", null)).toEqual({ on: false, reason: "unavailable", exists: false });
    expect(errors).toHaveLength(3);
    expect(String(errors[0])).toMatch(/KV GET failed/);
  });

  it("evaluates every flag as the defaults, saying so, instead of throwing", async () => {
    const store = new FlagStore(failingKv(), { defaults: { assistant: true, beta: false } });
    expect(await store.evaluateAllWithStatus({ id: "u1" })).toEqual({
      flags: { assistant: true, beta: false },
      unavailable: true,
    });
    expect(await store.evaluateAll(null)).toEqual({ assistant: true, beta: false });
    expect(await new FlagStore(failingKv()).evaluateAll({ id: "u1" })).toEqual({});
  });

  it("says nothing is unavailable when KV answers", async () => {
    const store = new FlagStore(env.CONFIG, { cacheMs: 0, defaults: { "kv-ok": true } });
    await store.put("kv-ok", { enabled: false, rolloutPercentage: 100 }, "admin-1");
    expect(await store.evaluate("kv-ok", { id: "u1" })).toEqual({ on: false, reason: "disabled", exists: true });
    const all = await store.evaluateAllWithStatus({ id: "u1" });
    expect(all.unavailable).toBe(false);
    expect(all.flags["kv-ok"]).toBe(false);
  });

  it("keeps write failures as errors: a write must not pretend to succeed", async () => {
    await expect(new FlagStore(failingKv()).put("x", { enabled: true, rolloutPercentage: 5 }, "a")).rejects.toThrow(
      /KV GET failed/,
    );
  });
});
