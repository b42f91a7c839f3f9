// POST /api/features/:name/preview: who a definition would turn on, decided like real evaluation, never stored.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, call, registerUser } from "../../../test/helpers";
import { flagStore } from "./flag-store";
import type { FlagPreview } from "./flags.schema";

let admin: Client;
const members: { id: string; client: Client }[] = [];
const synthetic: string[] = [];

/** Users straight into D1 (the preview only reads them), so the split is over a few hundred. */
async function insertUsers(count: number) {
  const now = new Date().toISOString();
  const statements = Array.from({ length: count }, (_, i) => {
    const id = crypto.randomUUID().replaceAll("-", "");
    synthetic.push(id);
    return env.DB.prepare(
      `INSERT INTO users (id, email, display_name, role, password_algorithm, password_iterations, password_salt,
         password_hash, disabled, session_epoch, created_at, updated_at)
       VALUES (?, ?, ?, 'member', 'PBKDF2-SHA256', 100000, 'c2FsdA', 'aGFzaA', 0, 0, ?, ?)`,
    ).bind(id, `synthetic-${i}-${id.slice(0, 6)}@example.com`, `Synthetic ${i}`, now, now);
  });
  await env.DB.batch(statements);
}

async function allUserIds(): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT id FROM users ORDER BY created_at, id").all<{ id: string }>();
  return results.map((row) => row.id);
}

const preview = async (name: string, json: unknown, client = admin) => {
  const res = await client.fetch(`/api/features/${name}/preview`, { method: "POST", json });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<FlagPreview>();
};

beforeAll(async () => {
  admin = (await registerUser("preview-admin")).client;
  for (let i = 0; i < 3; i++) {
    const m = await registerUser(`preview-member-${i}`);
    members.push({ id: m.user.id, client: m.client });
  }
  await insertUsers(300);
});

describe("POST /api/features/:name/preview", () => {
  it("is for admins only, and stores nothing", async () => {
    const body = { enabled: true, rolloutPercentage: 50 };
    expect((await call("/api/features/preview-new/preview", { method: "POST", json: body })).status).toBe(401);
    const member = members[0]?.client;
    if (!member) throw new Error("no member");
    const refused = await member.fetch("/api/features/preview-new/preview", { method: "POST", json: body });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("Content-Type")).toContain("application/problem+json");
    const result = await preview("preview-new", body);
    expect(result.exact).toBe(false);
    expect(await env.CONFIG.get("flag:preview-new")).toBeNull();
    expect((await admin.fetch("/api/features/preview-new")).status).toBe(404);
  });

  it("refuses what a flag write refuses, with 400 problem+json", async () => {
    for (const json of [
      { enabled: true, rolloutPercentage: 101 },
      { enabled: true, rolloutPercentage: 12.5 },
      { enabled: true },
      { enabled: true, rolloutPercentage: 5, salt: "0123456789abcdef" },
      { enabled: true, rolloutPercentage: 5, allowList: ["a", "a"] },
    ]) {
      const res = await admin.fetch("/api/features/preview-bad/preview", { method: "POST", json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      expect(await res.json()).toMatchObject({ code: "invalid-request" });
    }
    const badName = await admin.fetch("/api/features/Bad%20Name/preview", {
      method: "POST",
      json: { enabled: true, rolloutPercentage: 5 },
    });
    expect(badName.status).toBe(400);
  });

  it("at 0 % turns on nobody but the allow-list", async () => {
    const total = (await allUserIds()).length;
    const allowList = [members[1]?.id ?? "", synthetic[17] ?? "", "not-a-user"];
    const result = await preview("preview-zero", { enabled: true, rolloutPercentage: 0, allowList });
    expect(result).toMatchObject({ scanned: total, capped: false, maxUsers: 10_000, on: 2, off: total - 2 });
    expect(result.reasons).toEqual({ "allow-list": 2, "outside-rollout": total - 2 });
    expect(result.sampleOn.map((u) => u.id).sort()).toEqual(allowList.slice(0, 2).sort());
    expect(result.sampleOn.every((u) => u.reason === "allow-list")).toBe(true);
    expect(result.sampleOff).toHaveLength(20);
    expect(result.sampleOff[0]).toMatchObject({ email: expect.stringContaining("@"), displayName: "preview-admin" });
  });

  it("at 100 % turns on everyone", async () => {
    const total = (await allUserIds()).length;
    const result = await preview("preview-all", { enabled: true, rolloutPercentage: 100 });
    expect(result).toMatchObject({ scanned: total, on: total, off: 0, sampleOff: [] });
    expect(result.sampleOn).toHaveLength(20);
  });

  it("at 50 % counts exactly the users the real evaluator turns on, for a saved flag", async () => {
    const body = { enabled: true, rolloutPercentage: 50 };
    expect((await admin.fetch("/api/features/preview-half", { method: "PUT", json: body })).status).toBe(200);
    const result = await preview("preview-half", body);
    expect(result.exact).toBe(true);
    const ids = await allUserIds();
    const store = flagStore(env);
    const decisions = await Promise.all(ids.map((id) => store.evaluate("preview-half", { id })));
    const on = decisions.filter((d) => d.on).length;
    expect(result.on).toBe(on);
    expect(on / ids.length).toBeGreaterThan(0.35);
    expect(on / ids.length).toBeLessThan(0.65);
    // Members the sample names get the same answer from the flag route itself.
    const sampled = new Map([...result.sampleOn, ...result.sampleOff].map((u) => [u.id, u.reason]));
    for (const member of members) {
      const reason = sampled.get(member.id);
      if (!reason) continue;
      const mine = await (await member.client.fetch("/api/features/preview-half")).json<{ reason: string }>();
      expect(mine.reason).toBe(reason);
    }
  });

  it("previews a new flag with a stable provisional salt, so raising the percentage only adds users", async () => {
    const at = (rolloutPercentage: number) => preview("preview-slider", { enabled: true, rolloutPercentage });
    const first = await at(30);
    expect(first.exact).toBe(false);
    expect((await at(30)).sampleOn).toEqual(first.sampleOn);
    const higher = await at(60);
    expect(higher.on).toBeGreaterThanOrEqual(first.on);
    const offAtHigher = new Set(higher.sampleOff.map((u) => u.id));
    expect(first.sampleOn.filter((u) => offAtHigher.has(u.id))).toEqual([]);
  });

  it("turns on nobody for a disabled or kill-switched definition, allow-list included", async () => {
    const allowList = [members[2]?.id ?? ""];
    const disabled = await preview("preview-off", { enabled: false, rolloutPercentage: 100, allowList });
    expect(disabled.on).toBe(0);
    expect(Object.keys(disabled.reasons)).toEqual(["disabled"]);
    const killed = await preview("preview-off", { enabled: true, rolloutPercentage: 100, allowList, killSwitch: true });
    expect(killed.on).toBe(0);
    expect(Object.keys(killed.reasons)).toEqual(["kill-switch"]);
  });
});
