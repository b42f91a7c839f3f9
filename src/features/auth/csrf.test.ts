// CSRF over every write method: a cookie-authenticated POST, PUT, PATCH or DELETE from no Origin or a foreign
// one is refused with 403 before its handler runs, and changes nothing; the same request from Outpost's own
// pages goes through. Reads stay open.

import { env } from "cloudflare:test";
import { isAppError } from "@outpost/edge-kit/errors";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { BASE, type Client, login, registerUser } from "../../../test/helpers";
import type { AppEnv, Principal } from "../../http/app-env";
import { csrfProtection } from "./csrf.middleware";

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

describe("csrfProtection on its own (no origin policy in front of it)", () => {
  /** The middleware alone, behind a principal of the given kind: the status and code it answers with. */
  async function through(via: Principal["via"] | null, method: string, headers: Record<string, string>) {
    const app = new Hono<AppEnv>();
    app.onError((error, c) =>
      isAppError(error) ? c.json({ code: error.code }, error.status as 403) : c.text("bug", 500),
    );
    app.use(async (c, next) => {
      if (via) c.set("principal", { sessionId: "s", userId: "u", role: "member", epoch: 0, via });
      await next();
    });
    app.use(csrfProtection({ rawBodyPaths: (path) => path.startsWith("/raw/") }));
    app.all("*", (c) => c.json({ code: "handled" }, 200));
    const res = await app.request(`${BASE}/raw/x`, { method, headers }, env);
    return { status: res.status, code: (await res.json<{ code: string }>()).code };
  }

  it("refuses a foreign Origin itself, for every write method", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect(await through("cookie", method, { Origin: "https://evil.example" })).toEqual({
        status: 403,
        code: "csrf-rejected",
      });
      expect(await through("cookie", method, {})).toEqual({ status: 403, code: "csrf-rejected" });
      expect(await through("cookie", method, { Origin: BASE })).toEqual({ status: 200, code: "handled" });
    }
  });

  it("lets reads, bearer requests and anonymous requests through", async () => {
    for (const method of ["GET", "OPTIONS"]) {
      expect(await through("cookie", method, { Origin: "https://evil.example" })).toEqual({
        status: 200,
        code: "handled",
      });
    }
    expect(await through("bearer", "DELETE", { Origin: "https://evil.example" })).toEqual({
      status: 200,
      code: "handled",
    });
    expect(await through(null, "POST", {})).toEqual({ status: 200, code: "handled" });
  });

  it("accepts a raw body only on the raw-body paths, still from a first-party Origin", async () => {
    expect(await through("cookie", "PUT", { Origin: BASE, "Content-Type": "application/octet-stream" })).toEqual({
      status: 200,
      code: "handled",
    });
    expect(
      await through("cookie", "PUT", { Origin: "https://evil.example", "Content-Type": "application/octet-stream" }),
    ).toEqual({ status: 403, code: "csrf-rejected" });
  });
});

describe("cookie writes must carry JSON", () => {
  it("refuses a body sent with no Content-Type at all (415) on a route that reads no body, and changes nothing", async () => {
    const { client } = await registerUser("typeless");
    // A Uint8Array body gets no Content-Type from fetch: only its length says there is a body. Logout reads
    // no body, so only this rule stands between such a request and its effect.
    const untyped = await client.fetch("/api/auth/logout", { method: "POST", body: new Uint8Array([1, 2, 3]) });
    expect(untyped.status).toBe(415);
    expect((await untyped.json<{ code: string }>()).code).toBe("unsupported-media-type");
    const plain = await client.fetch("/api/auth/logout", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "x",
    });
    expect(plain.status).toBe(415);
    // Still signed in.
    expect((await client.fetch("/api/auth/me")).status).toBe(200);
  });
});
