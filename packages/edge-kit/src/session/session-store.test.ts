import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type SessionPolicy, SessionStore } from ".";

const policy: SessionPolicy = { idleSeconds: 3_600, absoluteSeconds: 86_400, renewAfterSeconds: 300 };

function storeAt(start = 1_800_000_000_000) {
  const clock = { now: start };
  const store = new SessionStore(env.SESSIONS, { policy, now: () => clock.now });
  return { store, clock };
}

const alice = { userId: "alice", role: "member" as const, epoch: 0, userAgent: "test-agent" };

describe("SessionStore", () => {
  it("creates a 256-bit token that validates to its session", async () => {
    const { store } = storeAt();
    const { token, session } = await store.create(alice);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const result = await store.validate(token);
    expect(result).toMatchObject({ ok: true, renew: false, session: { id: session.id, userId: "alice" } });
  });

  it("gives a new token and id at every login", async () => {
    const { store } = storeAt();
    const a = await store.create(alice);
    const b = await store.create(alice);
    expect(a.token).not.toBe(b.token);
    expect(a.session.id).not.toBe(b.session.id);
  });

  it("stores no raw token in any KV key or value", async () => {
    const { store } = storeAt();
    const { token } = await store.create({ ...alice, userId: "leak-check" });
    const { keys } = await env.SESSIONS.list();
    for (const key of keys) {
      expect(key.name).not.toContain(token);
      expect((await env.SESSIONS.get(key.name)) ?? "").not.toContain(token);
      expect(JSON.stringify(key.metadata ?? {})).not.toContain(token);
    }
  });

  it("refuses malformed, unknown and forged tokens", async () => {
    const { store } = storeAt();
    expect(await store.validate("short")).toEqual({ ok: false, reason: "malformed" });
    expect(await store.validate(`${"a".repeat(42)}!`)).toEqual({ ok: false, reason: "malformed" });
    expect(await store.validate("A".repeat(43))).toEqual({ ok: false, reason: "unknown" });
  });

  it("expires after the idle period without use", async () => {
    const { store, clock } = storeAt();
    const { token } = await store.create(alice);
    clock.now += 3_599_000;
    expect((await store.validate(token)).ok).toBe(true);
    clock.now += 2_000;
    expect(await store.validate(token)).toEqual({ ok: false, reason: "expired" });
  });

  it("slides the idle expiry only when renewal is due, and never past the absolute expiry", async () => {
    const { store, clock } = storeAt();
    const { token } = await store.create(alice);
    clock.now += 60_000;
    const early = await store.validate(token);
    expect(early.ok && early.renew).toBe(false);
    for (let hour = 0; hour < 30; hour++) {
      clock.now += 3_000_000; // 50 minutes: inside the idle window, past the renewal interval
      const result = await store.validate(token);
      if (clock.now - 1_800_000_000_000 >= 86_400_000) {
        expect(result).toEqual({ ok: false, reason: "expired" });
        return;
      }
      expect(result.ok && result.renew).toBe(true);
      if (result.ok) await store.touch(result.session, result.tokenHash);
    }
    throw new Error("the absolute expiry never applied");
  });

  it("lists a user's sessions and revokes only the owner's", async () => {
    const { store } = storeAt();
    const one = await store.create({ ...alice, userId: "bob" });
    const two = await store.create({ ...alice, userId: "bob" });
    const mallory = await store.create({ ...alice, userId: "mallory" });
    expect((await store.list("bob")).map((s) => s.id).sort()).toEqual([one.session.id, two.session.id].sort());
    expect(await store.revoke("mallory", one.session.id)).toBe(false);
    expect((await store.validate(one.token)).ok).toBe(true);
    expect(await store.revoke("bob", one.session.id)).toBe(true);
    expect(await store.validate(one.token)).toEqual({ ok: false, reason: "unknown" });
    expect((await store.validate(mallory.token)).ok).toBe(true);
  });

  it("revokes every other session, keeping the current one", async () => {
    const { store } = storeAt();
    const keep = await store.create({ ...alice, userId: "carol" });
    const others = await Promise.all([1, 2, 3].map(() => store.create({ ...alice, userId: "carol" })));
    expect(await store.revokeAll("carol", keep.session.id)).toBe(3);
    expect((await store.validate(keep.token)).ok).toBe(true);
    for (const other of others) expect((await store.validate(other.token)).ok).toBe(false);
    expect((await store.list("carol")).map((s) => s.id)).toEqual([keep.session.id]);
  });

  it("names the sessions it revoked, so their connections can be closed", async () => {
    const { store } = storeAt();
    const keep = await store.create({ ...alice, userId: "erin" });
    const others = await Promise.all([1, 2].map(() => store.create({ ...alice, userId: "erin" })));
    const revoked = await store.revokeAllListed("erin", keep.session.id);
    expect(revoked.sort()).toEqual(others.map((o) => o.session.id).sort());
    expect(await store.revokeAllListed("erin", keep.session.id)).toEqual([]);
    expect(await store.revokeAllListed("erin")).toEqual([keep.session.id]);
  });

  it("treats a corrupt stored record as unknown, not as an error", async () => {
    const { store } = storeAt();
    const { token } = await store.create({ ...alice, userId: "dave" });
    const { keys } = await env.SESSIONS.list({ prefix: "s:" });
    for (const key of keys) await env.SESSIONS.put(key.name, "{not json");
    expect(await store.validate(token)).toEqual({ ok: false, reason: "unknown" });
  });
});
