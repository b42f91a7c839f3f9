import { env, listDurableObjectIds } from "cloudflare:test";
import { createLogger } from "@outpost/edge-kit/context";
import { AppError, PROBLEM_CONTENT_TYPE } from "@outpost/edge-kit/errors";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config";
import type { AppEnv, Principal } from "../../http/app-env";
import { onError } from "../../http/error-handler";
import { consumeLimit, type RateLimitOptions } from "./consume-limit";
import { DEFAULT_POLICIES, getRatePolicies, type PolicyName } from "./limits.config";
import { rateLimit } from "./rate-limit.middleware";

const HOUR_S = 3_600;
type Limits = Partial<Record<PolicyName, { limit: number; periodSeconds: number }>>;

const member = (userId: string): Principal => ({ sessionId: "s", userId, role: "member", epoch: 0, via: "bearer" });

let seq = 0;
/** Test-unique names: the limiter objects live as long as this test file, so tests must not share keys. */
const unique = (label: string) => `${label}-${seq++}-${crypto.randomUUID().slice(0, 8)}`;
let ipSeq = 0;
const freshIpv4 = () => {
  ipSeq++;
  return `10.${(ipSeq >> 8) & 255}.${ipSeq & 255}.7`;
};

/**
 * A tiny app behind the real middleware and error handler. `X-Test-User` plays the session middleware's
 * part (sets the principal); `ip` sets CF-Connecting-IP. Log lines and handler calls are recorded.
 */
function testApp(limits: Limits | string | undefined, options: RateLimitOptions | PolicyName = "api") {
  const logs: string[] = [];
  let handled = 0;
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    c.set("requestId", "test-request");
    c.set("logger", createLogger({ level: "debug", sink: (line) => logs.push(line) }));
    const user = c.req.header("X-Test-User");
    if (user) c.set("principal", member(user));
    await next();
  });
  app.use("*", rateLimit(options));
  app.all("/thing", (c) => {
    handled++;
    return c.json({ ok: true });
  });
  app.post("/login", async (c) => {
    handled++;
    await consumeLimit(c, "login-account", `account:${c.req.header("X-Test-Account")}`);
    return c.json({ ok: true });
  });
  app.onError(onError);
  const RATE_LIMITS = typeof limits === "string" || limits === undefined ? limits : JSON.stringify(limits);
  const testEnv = { ...env, RATE_LIMITS };
  const request = (init: RequestInit & { ip?: string; user?: string; path?: string } = {}) => {
    const { ip, user, path = "/thing", ...rest } = init;
    const headers = new Headers(rest.headers);
    if (ip) headers.set("CF-Connecting-IP", ip);
    if (user) headers.set("X-Test-User", user);
    return app.request(path, { ...rest, headers }, testEnv);
  };
  return { request, logs, handled: () => handled };
}

const statusesOf = async (responses: (Response | Promise<Response>)[]) =>
  (await Promise.all(responses)).map((r) => r.status);
const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe("rateLimit middleware", () => {
  it("refuses 150 of 200 concurrent POSTs against a limit of 50, and never runs the handler for them", async () => {
    const { request, handled } = testApp({ api: { limit: 50, periodSeconds: HOUR_S } });
    const ip = freshIpv4();
    const statuses = await statusesOf(Array.from({ length: 200 }, () => request({ method: "POST", ip })));
    console.log(
      `rateLimit middleware: 200 POSTs, limit 50 → ${count(statuses, 200)} × 200, ${count(statuses, 429)} × 429`,
    );
    expect([count(statuses, 200), count(statuses, 429)]).toEqual([50, 150]);
    expect(handled()).toBe(50);
  });

  it("limits every method, all counted in the same bucket", async () => {
    const { request } = testApp({ api: { limit: 4, periodSeconds: HOUR_S } });
    const ip = freshIpv4();
    const statuses: number[] = [];
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"])
      statuses.push((await request({ method, ip })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it("puts RateLimit-Limit, -Remaining and -Reset (whole seconds) on admitted responses", async () => {
    const { request } = testApp({ api: { limit: 3, periodSeconds: 60 } });
    const res = await request({ ip: freshIpv4() });
    expect(res.status).toBe(200);
    expect(Object.fromEntries([...res.headers].filter(([name]) => name.startsWith("ratelimit-")))).toEqual({
      "ratelimit-limit": "3",
      "ratelimit-remaining": "2",
      "ratelimit-reset": "20",
    });
  });

  it("answers a refusal with a problem+json 429, Retry-After and RateLimit-* headers", async () => {
    const { request, handled } = testApp({ api: { limit: 1, periodSeconds: 60 } });
    const ip = freshIpv4();
    await request({ ip });
    const refused = await request({ ip, method: "POST" });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(refused.headers.get("Retry-After")).toBe("60");
    expect(refused.headers.get("RateLimit-Limit")).toBe("1");
    expect(refused.headers.get("RateLimit-Remaining")).toBe("0");
    expect(refused.headers.get("RateLimit-Reset")).toBe("60");
    expect(await refused.json()).toMatchObject({ status: 429, code: "rate-limited", title: "Too many requests" });
    expect(handled()).toBe(1);
  });

  it("limits two signed-in users behind one IP separately, and apart from that IP's anonymous traffic", async () => {
    const { request } = testApp({ api: { limit: 2, periodSeconds: HOUR_S } });
    const ip = freshIpv4();
    const [ann, ben] = [unique("ann"), unique("ben")];
    const three = (user?: string) => statusesOf([1, 2, 3].map(() => request({ ip, user })));
    expect(count(await three(ann), 200)).toBe(2);
    expect(count(await three(ben), 200)).toBe(2);
    expect(count(await three(), 200)).toBe(2);
  });

  it("keeps a signed-in user's bucket when the user changes address", async () => {
    const { request } = testApp({ api: { limit: 2, periodSeconds: HOUR_S } });
    const user = unique("roamer");
    await request({ user, ip: freshIpv4() });
    await request({ user, ip: freshIpv4() });
    expect((await request({ user, ip: freshIpv4() })).status).toBe(429);
  });

  it("lets a request with no IP and no principal through uncounted, creating no shared bucket, and warns", async () => {
    const { request, logs } = testApp({ api: { limit: 1, periodSeconds: HOUR_S } });
    const objectsBefore = (await listDurableObjectIds(env.RATE_LIMITER)).length;
    const responses = await Promise.all([
      request(),
      request(),
      request({ method: "POST" }),
      request({ headers: { "CF-Connecting-IP": "unknown" } }),
      request({ headers: { "X-Forwarded-For": "203.0.113.9" } }), // never trusted as the client address
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.every((r) => !r.headers.has("RateLimit-Limit"))).toBe(true);
    expect((await listDurableObjectIds(env.RATE_LIMITER)).length).toBe(objectsBefore);
    const warnings = logs.map((line) => JSON.parse(line)).filter((line) => line.level === "warn");
    expect(warnings).toHaveLength(5);
    expect(warnings.map((w) => w.ipHeader)).toEqual(["missing", "missing", "missing", "malformed", "missing"]);
    expect(warnings[0]).toMatchObject({
      msg: "rate limit skipped: no key for this request",
      policy: "api",
      signedIn: false,
    });
  });

  it("puts addresses of one IPv6 /64 in one bucket and other /64s in others", async () => {
    const { request } = testApp({ api: { limit: 2, periodSeconds: HOUR_S } });
    const net = (seq++ % 0xffff).toString(16);
    expect((await request({ ip: `2001:db8:${net}:1::1` })).status).toBe(200);
    expect((await request({ ip: `2001:db8:${net}:1:ffff:ffff:ffff:fffe` })).status).toBe(200);
    expect((await request({ ip: `2001:0DB8:${net.toUpperCase()}:0001:1234:5678:9abc:def0` })).status).toBe(429);
    expect((await request({ ip: `2001:db8:${net}:2::1` })).status).toBe(200);
    expect((await request({ ip: `2001:db8:${net}:1:0:0:0:1` })).status).toBe(429);
  });

  it("counts an IPv4-mapped IPv6 address as the IPv4 address", async () => {
    const { request } = testApp({ api: { limit: 1, periodSeconds: HOUR_S } });
    const ip = freshIpv4();
    await request({ ip });
    expect((await request({ ip: `::ffff:${ip}` })).status).toBe(429);
  });

  it("charges a route its configured cost", async () => {
    const { request } = testApp({ api: { limit: 10, periodSeconds: HOUR_S } }, { policy: "api", cost: 4 });
    const ip = freshIpv4();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request({ ip })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("uses a custom key, and skips limiting when it returns null", async () => {
    const tenant = unique("tenant");
    const { request } = testApp(
      { api: { limit: 1, periodSeconds: HOUR_S } },
      { policy: "api", key: (c) => (c.req.header("X-Tenant") ? `tenant:${tenant}` : null) },
    );
    expect((await request({ headers: { "X-Tenant": "a" } })).status).toBe(200);
    expect((await request({ headers: { "X-Tenant": "a" }, ip: freshIpv4() })).status).toBe(429);
    expect((await request({ ip: freshIpv4() })).status).toBe(200);
  });

  it("reports each refusal once to onRefusal, with the policy name", async () => {
    const refusals: PolicyName[] = [];
    const { request } = testApp(
      { api: { limit: 1, periodSeconds: HOUR_S } },
      { policy: "api", onRefusal: (policy) => refusals.push(policy) },
    );
    const ip = freshIpv4();
    const statuses = await statusesOf([1, 2, 3, 4].map(() => request({ ip })));
    expect(count(statuses, 429)).toBe(3);
    expect(refusals).toEqual(["api", "api", "api"]);
  });

  it("keeps the headers of a stricter limit further in when that one refuses", async () => {
    const { request } = testApp({
      api: { limit: 100, periodSeconds: HOUR_S },
      "login-account": { limit: 1, periodSeconds: HOUR_S },
    });
    const account = unique("victim");
    const attempt = () =>
      request({ path: "/login", method: "POST", ip: freshIpv4(), headers: { "X-Test-Account": account } });
    expect((await attempt()).headers.get("RateLimit-Limit")).toBe("100");
    const refused = await attempt();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("RateLimit-Limit")).toBe("1");
  });
});

describe("policies from RATE_LIMITS", () => {
  it("honours an override from the RATE_LIMITS var", async () => {
    const { request } = testApp({ api: { limit: 3, periodSeconds: HOUR_S } });
    const ip = freshIpv4();
    const statuses = await statusesOf([1, 2, 3, 4].map(() => request({ ip })));
    expect(count(statuses, 429)).toBe(1);
  });

  it("uses the defaults for anything RATE_LIMITS leaves out, and when it is absent or empty", () => {
    expect(getRatePolicies({ RATE_LIMITS: '{"auth":{"limit":7,"periodSeconds":10}}' })).toEqual({
      ...DEFAULT_POLICIES,
      auth: { limit: 7, periodMs: 10_000 },
    });
    expect(getRatePolicies({})).toEqual(DEFAULT_POLICIES);
    expect(getRatePolicies({ RATE_LIMITS: "  " })).toEqual(DEFAULT_POLICIES);
  });

  it("fails fast, naming RATE_LIMITS, on invalid JSON or values", () => {
    for (const raw of [
      "{oops",
      "[]",
      '{"api":{"limit":0,"periodSeconds":60}}',
      '{"api":{"limit":-5,"periodSeconds":60}}',
      '{"api":{"limit":10,"periodSeconds":1.5}}',
      '{"api":{"limit":"10","periodSeconds":60}}',
      '{"api":{"limit":1e9,"periodSeconds":60}}',
      '{"api":{"limit":4999,"periodSeconds":60}}',
      '{"api":{"limit":10,"periodMs":60000}}',
      '{"apii":{"limit":10,"periodSeconds":60}}',
    ]) {
      expect(() => getRatePolicies({ RATE_LIMITS: raw }), raw).toThrow(ConfigError);
      expect(() => getRatePolicies({ RATE_LIMITS: raw }), raw).toThrow(/RATE_LIMITS/);
    }
  });

  it("answers 500 without running the handler when the deployed RATE_LIMITS is invalid", async () => {
    const { request, handled } = testApp('{"api":{"limit":0,"periodSeconds":60}}');
    const res = await request({ ip: freshIpv4() });
    expect(res.status).toBe(500);
    expect(res.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(handled()).toBe(0);
  });
});

describe("consumeLimit", () => {
  it("returns the limiter's answer while admitted, then throws a 429 AppError and tells onRefusal", async () => {
    const limitedEnv = { ...env, RATE_LIMITS: JSON.stringify({ "login-account": { limit: 2, periodSeconds: 900 } }) };
    const key = `account:${unique("someone")}@example.com`;
    const refusals: PolicyName[] = [];
    const onRefusal = (policy: PolicyName) => refusals.push(policy);
    expect(await consumeLimit(limitedEnv, "login-account", key, 1, onRefusal)).toMatchObject({
      allowed: true,
      remaining: 1,
    });
    expect(await consumeLimit(limitedEnv, "login-account", key, 1, onRefusal)).toMatchObject({
      allowed: true,
      remaining: 0,
    });
    const refusal = await consumeLimit(limitedEnv, "login-account", key, 1, onRefusal).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ status: 429, code: "rate-limited", headers: { "Retry-After": "450" } });
    expect(refusals).toEqual(["login-account"]);
  });

  it("throws (a bug, not a 429) when asked for a cost the policy can never grant", async () => {
    const limitedEnv = { ...env, RATE_LIMITS: JSON.stringify({ auth: { limit: 2, periodSeconds: 60 } }) };
    await expect(consumeLimit(limitedEnv, "auth", `ip:${unique("x")}`, 3)).rejects.toThrow(/invalid cost/);
  });
});
