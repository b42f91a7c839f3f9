// Session expiry and renewal at their exact boundaries, under a fixed clock: the last valid millisecond and
// the first expired one.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type SessionPolicy, SessionStore } from ".";

const policy: SessionPolicy = { idleSeconds: 3_600, absoluteSeconds: 7_200, renewAfterSeconds: 300 };
const START = 1_800_000_000_000;
const user = { userId: "boundaries", role: "member" as const, epoch: 0, userAgent: "test-agent" };

function storeAt(start = START) {
  const clock = { now: start };
  return { store: new SessionStore(env.SESSIONS, { policy, now: () => clock.now }), clock };
}

describe("SessionStore boundaries", () => {
  it("is idle-expired exactly idleSeconds after the last use, not a millisecond before", async () => {
    const { store, clock } = storeAt();
    const { token } = await store.create(user);
    clock.now = START + policy.idleSeconds * 1000 - 1;
    expect(await store.validate(token)).toMatchObject({ ok: true });
    clock.now = START + policy.idleSeconds * 1000;
    expect(await store.validate(token)).toEqual({ ok: false, reason: "expired" });
  });

  it("is absolutely expired exactly absoluteSeconds after login, however recently it was used", async () => {
    const { store, clock } = storeAt();
    const { token } = await store.create(user);
    const end = START + policy.absoluteSeconds * 1000;
    // Used every 50 minutes up to just before the end: the idle limit never bites, only the absolute one does.
    for (const at of [3_000_000, 6_000_000, policy.absoluteSeconds * 1000 - 1_000]) {
      clock.now = START + at;
      const used = await store.validate(token);
      if (!used.ok) throw new Error(`expected a valid session at +${at} ms`);
      await store.touch(used.session, used.tokenHash);
    }
    clock.now = end - 1;
    expect(await store.validate(token)).toMatchObject({ ok: true });
    clock.now = end;
    expect(await store.validate(token)).toEqual({ ok: false, reason: "expired" });
  });

  it("asks for renewal from exactly renewAfterSeconds after the last use", async () => {
    const { store, clock } = storeAt();
    const { token } = await store.create(user);
    clock.now = START + policy.renewAfterSeconds * 1000 - 1;
    expect(await store.validate(token)).toMatchObject({ ok: true, renew: false });
    clock.now = START + policy.renewAfterSeconds * 1000;
    expect(await store.validate(token)).toMatchObject({ ok: true, renew: true });
  });
});
