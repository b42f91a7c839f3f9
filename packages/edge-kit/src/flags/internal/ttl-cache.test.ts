// TtlCache at its boundaries: the last millisecond of the time-to-live, the size bound, and clear().
import { describe, expect, it } from "vitest";
import { TtlCache } from "./ttl-cache";

describe("TtlCache", () => {
  it("returns a value for exactly ttlMs − 1 ms after it was stored, and never at ttlMs or before it was stored", () => {
    const cache = new TtlCache<string>(10);
    cache.set("a", "A", 1_000, cache.generation);
    expect(cache.get("a", 1_000, 500)).toBe("A");
    expect(cache.get("a", 1_499, 500)).toBe("A");
    expect(cache.get("a", 1_500, 500)).toBeUndefined();
    // Expired entries are dropped, not kept for a later clock.
    expect(cache.get("a", 1_000, 500)).toBeUndefined();
    cache.set("b", "B", 2_000, cache.generation);
    expect(cache.get("b", 1_999, 500)).toBeUndefined();
  });

  it("keeps at most maxEntries, dropping the oldest first; a re-set entry counts as new", () => {
    const cache = new TtlCache<number>(2);
    cache.set("x", 1, 0, cache.generation);
    cache.set("y", 2, 0, cache.generation);
    cache.set("x", 3, 0, cache.generation);
    cache.set("z", 4, 0, cache.generation);
    expect([cache.get("x", 0, 10), cache.get("y", 0, 10), cache.get("z", 0, 10)]).toEqual([3, undefined, 4]);
  });

  it("stores nothing with maxEntries 0", () => {
    const cache = new TtlCache<number>(0);
    cache.set("x", 1, 0, cache.generation);
    expect(cache.get("x", 0, 10)).toBeUndefined();
  });

  it("clear() empties it and refuses a value read before the clear", () => {
    const cache = new TtlCache<string>(10);
    const before = cache.generation;
    cache.set("a", "old", 0, before);
    cache.clear();
    expect(cache.get("a", 0, 10)).toBeUndefined();
    expect(cache.generation).toBe(before + 1);
    cache.set("a", "stale", 0, before);
    expect(cache.get("a", 0, 10)).toBeUndefined();
    cache.set("a", "fresh", 0, cache.generation);
    expect(cache.get("a", 0, 10)).toBe("fresh");
  });
});
