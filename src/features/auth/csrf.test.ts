// CSRF over every write method: a cookie-authenticated POST, PUT, PATCH or DELETE from no Origin or a foreign
// one is refused with 403 before its handler runs, and changes nothing; the same request from Outpost's own
// pages goes through. Reads stay open.
import { describe, expect, it } from "vitest";
import { BASE, type Client, login, registerUser } from "../../../test/helpers";

type Write = {
  method: "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  json?: unknown;
};

/** One real cookie-session route per unsafe method. */
const WRITES: Write[] = [
  { method: "POST", path: "/api/auth/logout" },
  { method: "PUT", path: "/api/rooms/general/read", json: { lastId: 0 } },
  { method: "PATCH", path: "/api/users/me", json: { displayName: "hacked" } },
  { method: "DELETE", path: "/api/sessions" },
];

/** Requests a browser may send cross-site with the ambient cookie: no Origin at all, or a foreign/opaque one. */
const CROSS_SITE: { label: string; headers: Record<string, string>; code: string }[] = [
  { label: "no Origin", headers: { Origin: "" }, code: "csrf-rejected" },
  {
    label: "no Origin, Sec-Fetch-Site: cross-site",
    headers: { Origin: "", "Sec-Fetch-Site": "cross-site" },
    code: "csrf-rejected",
  },
  { label: "a foreign Origin", headers: { Origin: "https://evil.example" }, code: "origin-not-allowed" },
  { label: "Origin: null", headers: { Origin: "null" }, code: "origin-not-allowed" },
];

async function state(client: Client, other: Client) {
  const me = await client.fetch("/api/auth/me");
  const name = me.status === 200 ? (await me.json<{ displayName: string }>()).displayName : null;
  return { me: me.status, name, otherSession: (await other.fetch("/api/auth/me")).status };
}

describe("CSRF on every cookie-authenticated write method", () => {
  for (const write of WRITES) {
    for (const cross of CROSS_SITE) {
      it(`refuses ${write.method} ${write.path} with ${cross.label}: 403 ${cross.code}, nothing changed`, async () => {
        const { email, client } = await registerUser(`csrf${write.method.toLowerCase()}`);
        // A second session of the same user: DELETE /api/sessions would revoke it.
        const other = (await login(email)).client;
        const before = await state(client, other);
        const res = await client.fetch(write.path, { method: write.method, json: write.json, headers: cross.headers });
        expect(res.status).toBe(403);
        expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
        expect((await res.json<{ code: string }>()).code).toBe(cross.code);
        expect(await state(client, other)).toEqual(before);
        expect(before).toMatchObject({ me: 200, otherSession: 200 });
      });
    }

    it(`lets ${write.method} ${write.path} through from Outpost's own pages`, async () => {
      const { client } = await registerUser("csrfok");
      const res = await client.fetch(write.path, { method: write.method, json: write.json, headers: { Origin: BASE } });
      expect(res.status).not.toBe(403);
      expect(res.status).toBeLessThan(500);
    });
  }

  it("keeps reads open without an Origin (GET is not a write)", async () => {
    const { client } = await registerUser("csrfget");
    const res = await client.fetch("/api/auth/me", { headers: { Origin: "" } });
    expect(res.status).toBe(200);
  });
});
