import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Deltas, MetricsBuffer } from ".";

function setup(intervalMs = 5_000) {
  const clock = { now: 0 };
  const buffer = new MetricsBuffer({ intervalMs, now: () => clock.now });
  const flushed: Deltas[] = [];
  const flush = async (deltas: Deltas) => {
    flushed.push(deltas);
  };
  return { clock, buffer, flushed, flush };
}

describe("MetricsBuffer", () => {
  it("flushes accumulated counts at most once per interval", async () => {
    const { clock, buffer, flushed, flush } = setup();
    buffer.add("a");
    buffer.add("a");
    buffer.add("b", 3);
    expect(buffer.flushIfDue(flush)).toBeUndefined();
    clock.now = 5_000;
    await buffer.flushIfDue(flush);
    expect(flushed).toEqual([{ a: 2, b: 3 }]);
    buffer.add("a");
    clock.now = 9_999;
    expect(buffer.flushIfDue(flush)).toBeUndefined();
    clock.now = 10_000;
    await buffer.flushIfDue(flush);
    expect(flushed).toEqual([{ a: 2, b: 3 }, { a: 1 }]);
  });

  it("flushes early when forced, and not at all when empty", async () => {
    const { buffer, flushed, flush } = setup();
    expect(buffer.flushIfDue(flush, true)).toBeUndefined();
    buffer.add("x");
    await buffer.flushIfDue(flush, true);
    expect(flushed).toEqual([{ x: 1 }]);
    expect(buffer.size).toBe(0);
  });

  it("keeps the counts of a failed flush for the next one", async () => {
    const { clock, buffer, flushed, flush } = setup(1_000);
    buffer.add("x", 2);
    clock.now = 1_000;
    await buffer.flushIfDue(async () => {
      throw new Error("object unavailable");
    });
    buffer.add("x");
    clock.now = 2_000;
    await buffer.flushIfDue(() => {
      throw new Error("thrown before any promise");
    });
    clock.now = 3_000;
    await buffer.flushIfDue(flush);
    expect(flushed).toEqual([{ x: 3 }]);
  });

  it("counts names that collide with Object.prototype like any other", async () => {
    const { buffer, flushed, flush } = setup();
    for (const name of ["constructor", "toString", "__proto__"]) buffer.add(name);
    expect(buffer.size).toBe(3);
    await buffer.flushIfDue(flush, true);
    expect(Object.entries(flushed[0] ?? {})).toEqual([
      ["constructor", 1],
      ["toString", 1],
      ["__proto__", 1],
    ]);
  });

  it("loses no count and flushes no faster than the interval, under any mix of events and failures", async () => {
    type Step =
      | { kind: "add"; name: string; delta: number }
      | { kind: "tick"; ms: number }
      | { kind: "flush"; fails: boolean; force: boolean };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constant("add" as const),
        name: fc.constantFrom("a", "b", "c"),
        delta: fc.integer({ min: -3, max: 5 }),
      }),
      fc.record({ kind: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 3_000 }) }),
      fc.record({ kind: fc.constant("flush" as const), fails: fc.boolean(), force: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const { clock, buffer } = setup(2_000);
        const added: Record<string, number> = {};
        const delivered: Record<string, number> = {};
        const unforcedFlushTimes: number[] = [];
        let lastFlushAt = 0;
        for (const s of steps) {
          if (s.kind === "add") {
            buffer.add(s.name, s.delta);
            added[s.name] = (added[s.name] ?? 0) + s.delta;
          } else if (s.kind === "tick") {
            clock.now += s.ms;
          } else {
            const pending = buffer.flushIfDue(async (deltas) => {
              if (s.fails) throw new Error("unavailable");
              for (const [name, delta] of Object.entries(deltas)) delivered[name] = (delivered[name] ?? 0) + delta;
            }, s.force);
            if (pending) {
              if (!s.force) unforcedFlushTimes.push(clock.now - lastFlushAt);
              lastFlushAt = clock.now;
              await pending;
            }
          }
        }
        await buffer.flushIfDue(async (deltas) => {
          for (const [name, delta] of Object.entries(deltas)) delivered[name] = (delivered[name] ?? 0) + delta;
        }, true);
        for (const name of ["a", "b", "c"]) expect(delivered[name] ?? 0).toBe(added[name] ?? 0);
        expect(unforcedFlushTimes.every((gap) => gap >= 2_000)).toBe(true);
      }),
      { seed: 1_122, numRuns: 300 },
    );
  });
});
