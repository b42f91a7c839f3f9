import { describe, expect, it } from "vitest";
import { type Deltas, MetricsBuffer } from ".";

describe("MetricsBuffer", () => {
  it("flushes accumulated counts at most once per interval", async () => {
    const clock = { now: 0 };
    const buffer = new MetricsBuffer({ intervalMs: 5_000, now: () => clock.now });
    const flushed: Deltas[] = [];
    const flush = async (d: Deltas) => {
      flushed.push(d);
    };
    buffer.add("a");
    buffer.add("a");
    buffer.add("b", 3);
    expect(buffer.flushIfDue(flush)).toBeUndefined();
    clock.now = 5_000;
    await buffer.flushIfDue(flush);
    expect(flushed).toEqual([{ a: 2, b: 3 }]);
    buffer.add("a");
    clock.now = 6_000;
    expect(buffer.flushIfDue(flush)).toBeUndefined();
    await buffer.flushIfDue(flush, true);
    expect(flushed).toEqual([{ a: 2, b: 3 }, { a: 1 }]);
    expect(buffer.flushIfDue(flush, true)).toBeUndefined();
  });

  it("keeps the counts when a flush fails", async () => {
    const buffer = new MetricsBuffer({ intervalMs: 0 });
    buffer.add("x", 2);
    await buffer.flushIfDue(async () => {
      throw new Error("object unavailable");
    });
    const flushed: Deltas[] = [];
    buffer.add("x");
    await buffer.flushIfDue(async (d) => {
      flushed.push(d);
    });
    expect(flushed).toEqual([{ x: 3 }]);
  });
});
