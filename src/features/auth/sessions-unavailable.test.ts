// When the sessions KV namespace cannot be read, nobody is signed out: a request that carries a session gets
// 503 with Retry-After and keeps its cookie; a request without one is served as before.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { PROBLEM_CONTENT_TYPE } from "@outpost/edge-kit/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, COOKIE_NAME, freshIp, registerUser } from "../../../test/helpers";
import worker from "../../index";

/** The SESSIONS namespace with every read failing, as during a KV outage; writes and lists still work. */
function unreadableSessions(): KVNamespace {
  return new Proxy(env.SESSIONS, {
    get(target, key) {
      if (key === "get" || key === "getWithMetadata") return () => Promise.reject(new Error("KV GET failed: 500"));
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function fetchDuringOutage(path: string, headers: Record<string, string> = {}) {
  const ctx = createExecutionContext();
  const request = new Request(`${BASE}${path}`, { headers: { "CF-Connecting-IP": freshIp(), ...headers } });
  const res = await worker.fetch(request, { ...env, SESSIONS: unreadableSessions() }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

let user: Awaited<ReturnType<typeof registerUser>>;
beforeAll(async () => {
  user = await registerUser("outage");
});

describe("when sessions cannot be read", () => {
  it("answers a cookie request 503 with Retry-After and keeps the cookie (it used to be 401 and a sign-out)", async () => {
    const res = await fetchDuringOutage("/api/auth/me", { Cookie: `${COOKIE_NAME}=${user.client.token}` });
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(res.headers.get("Retry-After")).toBe("5");
    expect(await res.json()).toMatchObject({ status: 503, code: "sessions-unavailable" });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("answers a bearer request the same way", async () => {
    const res = await fetchDuringOutage("/api/rooms", { Authorization: `Bearer ${user.client.token}` });
    expect(res.status).toBe(503);
  });

  it("serves a request without credentials as before", async () => {
    const res = await fetchDuringOutage("/api/status");
    expect(res.status).toBe(200);
  });

  it("still signs the same cookie in once sessions can be read again", async () => {
    const res = await user.client.fetch("/api/auth/me");
    expect(res.status).toBe(200);
  });
});
