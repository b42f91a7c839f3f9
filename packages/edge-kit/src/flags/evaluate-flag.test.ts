// Flag evaluation: the order of the rules, a pinned bucket function, and rollout statistics over 100 000 users.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateFlag, type Flag, ROLLOUT_BUCKETS, rolloutBucket } from ".";
import { chiSquarePValue, chiSquareUniform } from "./test-support/chi-square";
import { storedFlag } from "./test-support/flag-fixture";

describe("evaluateFlag", () => {
  it("lets the allow-list win over a 0 % rollout", async () => {
    const listed = storedFlag({ allowList: ["alice"] });
    expect(await evaluateFlag(listed, { id: "alice" })).toEqual({ on: true, reason: "allow-list" });
    expect(await evaluateFlag(listed, { id: "bob" })).toEqual({ on: false, reason: "outside-rollout" });
  });

  it("lets the kill switch beat the allow-list and a 100 % rollout", async () => {
    const killed = storedFlag({ allowList: ["alice"], rolloutPercentage: 100, killSwitch: true });
    expect(await evaluateFlag(killed, { id: "alice" })).toEqual({ on: false, reason: "kill-switch" });
    expect(await evaluateFlag(killed, { id: "bob" })).toEqual({ on: false, reason: "kill-switch" });
    expect(await evaluateFlag(killed, null)).toEqual({ on: false, reason: "kill-switch" });
  });

  it("turns a disabled flag off for everyone, allow-listed users included", async () => {
    const disabled = storedFlag({ enabled: false, allowList: ["alice"], rolloutPercentage: 100 });
    expect(await evaluateFlag(disabled, { id: "alice" })).toEqual({ on: false, reason: "disabled" });
    expect(await evaluateFlag(disabled, { id: "bob" })).toEqual({ on: false, reason: "disabled" });
  });

  it("keeps anonymous callers out of a partial rollout: off at 99 %, on at 100 %", async () => {
    expect(await evaluateFlag(storedFlag({ rolloutPercentage: 99 }), null)).toEqual({ on: false, reason: "anonymous" });
    expect(await evaluateFlag(storedFlag({ rolloutPercentage: 100 }), null)).toEqual({ on: true, reason: "rollout" });
  });

  it("treats an empty user id as anonymous, so it is neither allow-listed nor bucketed", async () => {
    expect(await evaluateFlag(storedFlag({ rolloutPercentage: 99, allowList: ["a"] }), { id: "" })).toEqual({
      on: false,
      reason: "anonymous",
    });
  });

  it("turns a missing or invalid definition off", async () => {
    expect(await evaluateFlag(null, { id: "alice" })).toEqual({ on: false, reason: "invalid" });
  });

  it("puts a user in the rollout exactly when their bucket is below percentage × 100", async () => {
    // Pinned: SHA-256("new-editor:00112233445566778899aabbccddeeff:user-42") starts 1be7bb84 → 468 171 652
    // → bucket 1652. A change here would reshuffle every user of every rollout in production.
    expect(await rolloutBucket(storedFlag(), "user-42")).toBe(1652);
    expect(await rolloutBucket(storedFlag({ salt: "ffeeddccbbaa99887766554433221100" }), "user-42")).toBe(6364);
    expect(await evaluateFlag(storedFlag({ rolloutPercentage: 16 }), { id: "user-42" })).toEqual({
      on: false,
      reason: "outside-rollout",
    });
    expect(await evaluateFlag(storedFlag({ rolloutPercentage: 17 }), { id: "user-42" })).toEqual({
      on: true,
      reason: "rollout",
    });
  });

  it("compares the bucket strictly: bucket b is on from (b + 1) / 100 %, never at b / 100 %", async () => {
    // Users of storedFlag() pinned at the edges of the bucket range and of percentage steps.
    const edges: [id: string, bucket: number][] = [
      ["user-8526", 0],
      ["user-14424", 1],
      ["user-3392", 99],
      ["user-18019", 100],
      ["user-7508", 4_999],
      ["user-7181", 5_000],
      ["user-809", 9_999],
    ];
    for (const [id, bucket] of edges) {
      expect(await rolloutBucket(storedFlag(), id), id).toBe(bucket);
      const at = async (rolloutPercentage: number) =>
        (await evaluateFlag(storedFlag({ rolloutPercentage }), { id })).on;
      const firstOn = Math.floor(bucket / 100) + 1; // the lowest percentage p with bucket < p × 100
      expect(await at(firstOn - 1), `${id} at ${firstOn - 1} %`).toBe(false);
      expect(await at(firstOn), `${id} at ${firstOn} %`).toBe(true);
      expect(await at(0), `${id} at 0 %`).toBe(false);
      expect(await at(100), `${id} at 100 %`).toBe(true);
    }
  });

  it("keeps an anonymous caller off at 0 % and 1 %, and on at 100 %", async () => {
    for (const rolloutPercentage of [0, 1]) {
      expect(await evaluateFlag(storedFlag({ rolloutPercentage }), null)).toEqual({ on: false, reason: "anonymous" });
    }
    expect(await evaluateFlag(storedFlag({ rolloutPercentage: 100, allowList: ["a"] }), null)).toEqual({
      on: true,
      reason: "rollout",
    });
  });

  it("is monotonic in the percentage and off under a kill switch, for any flag and user (property)", async () => {
    const arbitraryFlag = fc.record({
      name: fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,63}$/),
      salt: fc.stringMatching(/^[0-9a-f]{16,64}$/),
      enabled: fc.boolean(),
      allowList: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 64 }), { maxLength: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(
        arbitraryFlag,
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        async (shape, userId, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const at = (rolloutPercentage: number, killSwitch = false) =>
            evaluateFlag(storedFlag({ ...shape, rolloutPercentage, killSwitch }), { id: userId });
          const [lower, higher, killed] = await Promise.all([at(low), at(high), at(high, true)]);
          if (lower.on) expect(higher.on).toBe(true);
          expect(killed).toEqual({ on: false, reason: "kill-switch" });
          const bucket = await rolloutBucket(shape, userId);
          expect(bucket).toBeGreaterThanOrEqual(0);
          expect(bucket).toBeLessThan(ROLLOUT_BUCKETS);
        },
      ),
      { seed: 20_261_122, numRuns: 500 },
    );
  });
});

describe("rollout over 100 000 synthetic users", () => {
  const USERS = 100_000;
  const CHUNK = 5_000;
  const ids = Array.from({ length: USERS }, (_, i) => `user-${i}`);

  async function inChunks<T>(work: (id: string) => Promise<T>): Promise<T[]> {
    const out: T[] = [];
    for (let start = 0; start < USERS; start += CHUNK) {
      out.push(...(await Promise.all(ids.slice(start, start + CHUNK).map(work))));
    }
    return out;
  }
  const decisions = (target: Flag) => inChunks(async (id) => (await evaluateFlag(target, { id })).on);

  it("turns a 30 % flag on for 30 % ± 1 point of users", async () => {
    const on = (await decisions(storedFlag({ rolloutPercentage: 30 }))).filter(Boolean).length;
    const share = on / USERS;
    console.log(`flags: 30% rollout → ${on} of ${USERS} users on (${(share * 100).toFixed(2)}%)`);
    expect(Math.abs(share - 0.3)).toBeLessThanOrEqual(0.01);
  });

  it("spreads users uniformly over the buckets (chi-square, 100 cells of 100 buckets)", async () => {
    const buckets = await inChunks((id) => rolloutBucket(storedFlag(), id));
    const cells = new Array<number>(100).fill(0);
    for (const bucket of buckets) {
      const cell = Math.floor(bucket / 100);
      cells[cell] = (cells[cell] ?? 0) + 1;
    }
    const statistic = chiSquareUniform(cells);
    const p = chiSquarePValue(statistic, 99);
    console.log(`flags: bucket uniformity chi-square = ${statistic.toFixed(2)} (99 df, p = ${p.toFixed(3)})`);
    // Fails for a non-uniform hash, and for a uniform one only once in a thousand seeds (fixed ids, so never).
    expect(statistic).toBeLessThan(148.23); // the 0.001 critical value for 99 degrees of freedom
    expect(p).toBeGreaterThan(0.001);
  });

  it("keeps two 10 % flags independent: they overlap on about 1 % of users, not 10 %", async () => {
    const a = await decisions(storedFlag({ name: "alpha", salt: "3f1c9a7e2b5d4c6e", rolloutPercentage: 10 }));
    const b = await decisions(storedFlag({ name: "beta", salt: "8d02e4c6a1b3f597", rolloutPercentage: 10 }));
    const both = a.filter((on, i) => on && b[i]).length;
    const overlap = both / USERS;
    console.log(
      `flags: two 10% flags → ${a.filter(Boolean).length} and ${b.filter(Boolean).length} users on, ` +
        `${both} on both (overlap ${(overlap * 100).toFixed(2)}%; independent: 1.00%, the seed's hash: 10.07%)`,
    );
    expect(overlap).toBeGreaterThanOrEqual(0.008);
    expect(overlap).toBeLessThanOrEqual(0.012);
  });

  it("turns a 0 % flag off for all 100 000 users but the allow-listed, and a 100 % flag on for all", async () => {
    const allowed = new Set(["user-8526", "user-50000"]); // user-8526 has bucket 0: on only by the list
    const atZero = await decisions(storedFlag({ rolloutPercentage: 0, allowList: [...allowed] }));
    const onAtZero = ids.filter((_, i) => atZero[i]);
    const atFull = (await decisions(storedFlag({ rolloutPercentage: 100 }))).filter(Boolean).length;
    console.log(`flags: 0% rollout → ${onAtZero.length} users on (the allow-list); 100% → ${atFull} of ${USERS} on`);
    expect(onAtZero.sort()).toEqual([...allowed].sort());
    expect(atFull).toBe(USERS);
  });

  it("turns no user off when the percentage rises 10 → 20 → 50", async () => {
    const [at10, at20, at50] = [
      await decisions(storedFlag({ rolloutPercentage: 10 })),
      await decisions(storedFlag({ rolloutPercentage: 20 })),
      await decisions(storedFlag({ rolloutPercentage: 50 })),
    ];
    let violations = 0;
    for (let i = 0; i < USERS; i++) {
      if ((at10[i] && !at20[i]) || (at20[i] && !at50[i])) violations++;
    }
    const counts = [at10, at20, at50].map((on) => on.filter(Boolean).length);
    console.log(`flags: monotonicity 10→20→50% → ${counts.join(" → ")} users on, ${violations} turned off`);
    expect(counts[0]).toBeLessThan(counts[1] ?? 0);
    expect(counts[1]).toBeLessThan(counts[2] ?? 0);
    expect(violations).toBe(0);
  });
});
