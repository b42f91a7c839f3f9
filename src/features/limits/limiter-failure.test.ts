// What each policy does when its RateLimiter object cannot be called: `api` fails open, sign-in fails closed.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { PROBLEM_CONTENT_TYPE } from "@outpost/edge-kit/errors";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BASE, freshEmail, freshIp, PASSWORD, registerUser } from "../../../test/helpers";
import { flushMetrics, metricsObject } from "../../http/metrics";
import worker from "../../index";

/** A RATE_LIMITER namespace whose objects fail every call, as an overloaded or reset object does. */
function failingLimiter(): Env["RATE_LIMITER"] {
  const fail = () => Promise.reject(new Error("Durable Object reset because its code was updated"));
  const stub = { consume: fail, refund: fail };
  return {
    idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
    get: () => stub,
  } as unknown as Env["RATE_LIMITER"];
}

/** Calls the Worker's fetch with the test env, RATE_LIMITER replaced; collects its log lines. */
async function fetchWithFailingLimiter(path: string, init: RequestInit & { json?: unknown } = {}) {
  const lines: Record<string, unknown>[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line));
  });
  const headers = new Headers(init.headers);
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", freshIp());
  if (init.json !== undefined) headers.set("Content-Type", "application/json");
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, { ...init, headers, body }),
    {
      ...env,
      RATE_LIMITER: failingLimiter(),
    },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  spy.mockRestore();
  return { res, lines };
}

async function unavailableCount(policy: string): Promise<number> {
  await flushMetrics(env);
  const name = `ratelimit-unavailable:${policy}`;
  return (await metricsObject(env).snapshot(name))[name] ?? 0;
}

afterEach(() => vi.restoreAllMocks());

describe("when the RateLimiter object fails", () => {
  it("admits API requests unmetered (no RateLimit-* headers), logs the failure and counts it", async () => {
    const before = await unavailableCount("api");
    const { res, lines } = await fetchWithFailingLimiter("/api/status");
    expect(res.status).toBe(200);
    expect(res.headers.has("RateLimit-Limit")).toBe(false);
    const logged = lines.filter((line) => line.msg === "rate limiter unavailable");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: "error", policy: "api", failure: "open" });
    expect(await unavailableCount("api")).toBe(before + 1);
  });

  it("keeps a signed-in user's requests working too", async () => {
    const { client } = await registerUser("open");
    const { res } = await fetchWithFailingLimiter("/api/auth/me", {
      headers: { Cookie: `__Host-outpost_session=${client.token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ displayName: "open" });
  });

  it("refuses sign-in with 503 problem+json and Retry-After (fail closed), before any password check", async () => {
    const { email } = await registerUser("closed");
    const before = await unavailableCount("auth");
    const { res, lines } = await fetchWithFailingLimiter("/api/auth/login", {
      method: "POST",
      json: { email, password: PASSWORD },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(res.headers.get("Retry-After")).toBe("5");
    expect(await res.json()).toMatchObject({ status: 503, code: "rate-limiter-unavailable" });
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(lines.some((line) => line.msg === "login failed" || line.msg === "login")).toBe(false);
    expect(lines.filter((line) => line.msg === "rate limiter unavailable").map((line) => line.policy)).toEqual([
      "api",
      "auth",
    ]);
    expect(await unavailableCount("auth")).toBe(before + 1);
  });

  it("refuses registration with 503 too, creating no account", async () => {
    const email = freshEmail("nobody");
    const { res } = await fetchWithFailingLimiter("/api/auth/register", {
      method: "POST",
      json: { email, password: PASSWORD, displayName: "Nobody" },
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: "rate-limiter-unavailable" });
    const row = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?")
      .bind(email)
      .first<{ n: number }>();
    expect(row?.n).toBe(0);
  });
});
