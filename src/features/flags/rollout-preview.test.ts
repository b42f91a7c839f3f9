// previewRollout over pages of users: the real evaluator's answer, a capped scan that says so, bounded samples.
import { evaluateFlag, type Flag } from "@outpost/edge-kit/flags";
import { describe, expect, it } from "vitest";
import { type PreviewUser, previewRollout, type ReadUserPage } from "./rollout-preview";

const people = (n: number): PreviewUser[] =>
  Array.from({ length: n }, (_, i) => ({ id: `user-${i}`, email: `u${i}@example.com`, displayName: `U ${i}` }));

/** Pages over `users` with numeric cursors, recording the limit of each read. */
function pager(users: PreviewUser[]) {
  const limits: number[] = [];
  const read: ReadUserPage = async (cursor, limit) => {
    limits.push(limit);
    const start = Number(cursor ?? 0);
    const end = start + limit;
    return { users: users.slice(start, end), nextCursor: end < users.length ? String(end) : null };
  };
  return { read, limits };
}

const flag = (rolloutPercentage: number, allowList: string[] = []): Flag => ({
  name: "preview-unit",
  salt: "0123456789abcdef",
  description: "",
  enabled: true,
  killSwitch: false,
  rolloutPercentage,
  allowList,
  updatedAt: new Date(0).toISOString(),
  updatedBy: "admin",
});

describe("previewRollout", () => {
  it("counts exactly the users evaluateFlag turns on", async () => {
    const users = people(250);
    const definition = flag(37, ["user-249"]);
    const preview = await previewRollout(definition, pager(users).read, { pageSize: 64 });
    const decisions = await Promise.all(users.map((u) => evaluateFlag(definition, { id: u.id })));
    expect(preview.on).toBe(decisions.filter((d) => d.on).length);
    expect(preview.off).toBe(250 - preview.on);
    expect(preview.scanned).toBe(250);
    expect(preview.capped).toBe(false);
    expect(preview.reasons["allow-list"]).toBe(1);
    expect((preview.reasons.rollout ?? 0) + (preview.reasons["outside-rollout"] ?? 0)).toBe(249);
    const expectedOn = users.filter((_, i) => decisions[i]?.on).slice(0, 20);
    expect(preview.sampleOn.map((u) => u.id)).toEqual(expectedOn.map((u) => u.id));
    expect(preview.sampleOff).toHaveLength(20);
  });

  it("stops at maxUsers, reading no further, and says it was capped", async () => {
    const { read, limits } = pager(people(25));
    const preview = await previewRollout(flag(100), read, { maxUsers: 10, pageSize: 4, sampleSize: 3 });
    expect(limits).toEqual([4, 4, 2]);
    expect(preview).toMatchObject({ scanned: 10, capped: true, on: 10, off: 0 });
    expect(preview.sampleOn.map((u) => u.id)).toEqual(["user-0", "user-1", "user-2"]);
  });

  it("is not capped when the users end exactly at maxUsers, nor when there are none", async () => {
    expect(await previewRollout(flag(0), pager(people(8)).read, { maxUsers: 8, pageSize: 4 })).toMatchObject({
      scanned: 8,
      capped: false,
      on: 0,
    });
    expect(await previewRollout(flag(50), pager([]).read)).toMatchObject({
      scanned: 0,
      capped: false,
      on: 0,
      off: 0,
      sampleOn: [],
      sampleOff: [],
    });
  });
});
