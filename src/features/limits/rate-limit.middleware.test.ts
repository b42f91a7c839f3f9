import { env } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { call } from "../../../test/helpers";
import type { AppEnv, Principal } from "../../http/app-env";
import { onError } from "../../http/error-handler";
import { requestContext } from "../../http/request-context";
import { clientIpKey } from "./client-ip";
import { RateLimitConfigError, ratePolicies } from "./limits.config";
import { rateLimit } from "./rate-limit.middleware";

let appSeq = 0;
/** A tiny app behind the real middleware; each app gets its own policy namespace via a unique prefix. */
function appWith(limit: number, principalFor?: (req: Request) => Principal | undefined) {
  const app = new Hono<AppEnv>();
  const prefix = `mw${appSeq++}`;
  app.use("*", requestContext());
  app.use("*", async (c, next) => {
    const principal = principalFor?.(c.req.raw);
    if (principal) c.set("principal", principal);
    await next();
  });
  app.use(
    "*",
    rateLimit("api", (c) => {
      const principal = c.get("principal");
      if (principal) return `${prefix}:user:${principal.userId}`;
      const ip = clientIpKey(c.req.header("CF-Connecting-IP"));
      return ip ? `${prefix}:${ip}` : null;
    }),
  );
  app.all("/thing", (c) => c.json({ ok: true }));
  app.onError(onError);
  const testEnv = { ...env, RATE_LIMITS: JSON.stringify({ api: { limit, periodSeconds: 3600 } }) };
  return (init: RequestInit & { ip?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.ip) headers.set("CF-Connecting-IP", init.ip);
    return app.request("/thing", { ...init, headers }, testEnv);
  };
}

const user = (id: string): Principal => ({ sessionId: "s", userId: id, role: "member", epoch: 0, via: "bearer" });

describe("rateLimit middleware", () => {
  it("limits every method: 200 POSTs against a limit of 50 → 150 refusals", async () => {
    const request = appWith(50);
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request({ method: ["POST", "PUT", "DELETE", "PATCH"][i % 4], ip: "192.0.2.1" }),
      ),
    ).then((responses) => responses.map((r) => r.status));
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
    expect(statuses.filter((s) => s === 429)).toHaveLength(150);
  });

  it("puts RateLimit-* headers on admitted responses and Retry-After on a problem+json 429", async () => {
    const request = appWith(2);
    const ok = await request({ ip: "192.0.2.2" });
    expect(ok.headers.get("RateLimit-Limit")).toBe("2");
    expect(ok.headers.get("RateLimit-Remaining")).toBe("1");
    expect(Number(ok.headers.get("RateLimit-Reset"))).toBeGreaterThan(0);
    await request({ ip: "192.0.2.2" });
    const refused = await request({ ip: "192.0.2.2" });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("RateLimit-Remaining")).toBe("0");
    expect(await refused.json()).toMatchObject({ status: 429, code: "rate-limited" });
  });

  it("limits signed-in users separately even behind one IP", async () => {
    const request = appWith(3, (req) => user(req.headers.get("X-Test-User") ?? ""));
    const statuses = async (name: string) =>
      (await Promise.all([1, 2, 3, 4].map(() => request({ ip: "192.0.2.3", headers: { "X-Test-User": name } })))).map(
        (r) => r.status,
      );
    expect((await statuses("ann")).filter((s) => s === 200)).toHaveLength(3);
    expect((await statuses("ben")).filter((s) => s === 200)).toHaveLength(3);
  });

  it("never pools requests without an IP into one shared bucket", async () => {
    const request = appWith(1);
    const statuses = await Promise.all([1, 2, 3].map(() => request())).then((rs) => rs.map((r) => r.status));
    expect(statuses).toEqual([200, 200, 200]);
  });

  it("shares a bucket within an IPv6 /64 and not across /64s", async () => {
    const request = appWith(2);
    await request({ ip: "2001:db8:aa:1::1" });
    await request({ ip: "2001:db8:aa:1:ffff::2" });
    expect((await request({ ip: "2001:db8:aa:1:1234:5678:9abc:def0" })).status).toBe(429);
    expect((await request({ ip: "2001:db8:aa:2::1" })).status).toBe(200);
  });
});

describe("clientIpKey", () => {
  it("normalises addresses and refuses garbage", () => {
    expect(clientIpKey("203.0.113.7")).toBe("ip4:203.0.113.7");
    expect(clientIpKey("2001:DB8::1")).toBe("ip6:2001:0db8:0000:0000");
    expect(clientIpKey("::1")).toBe("ip6:0000:0000:0000:0000");
    for (const bad of [
      undefined,
      "",
      "unknown",
      "999.1.1.1",
      "1.2.3",
      "2001:db8::1::2",
      "x:y::z",
      "1.2.3.4, 5.6.7.8",
    ]) {
      expect(clientIpKey(bad)).toBeNull();
    }
  });
});

describe("policies", () => {
  it("come from RATE_LIMITS over the defaults, and a bad value fails fast", () => {
    expect(ratePolicies('{"auth":{"limit":7,"periodSeconds":10}}').auth).toEqual({ limit: 7, periodMs: 10_000 });
    expect(ratePolicies(undefined).api.limit).toBeGreaterThan(0);
    expect(() => ratePolicies("{oops")).toThrow(RateLimitConfigError);
    expect(() => ratePolicies('{"api":{"limit":0,"periodSeconds":1}}')).toThrow(/RATE_LIMITS/);
    expect(() => ratePolicies('{"evil":{"limit":1,"periodSeconds":1}}')).toThrow(/RATE_LIMITS/);
  });
});

describe("nested limits", () => {
  it("a refusal by a stricter inner policy keeps its own RateLimit-* headers", async () => {
    const ip = "203.0.113.201";
    let refused: Response | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await call("/api/auth/login", {
        method: "POST",
        ip,
        json: { email: "nested@example.com", password: "wrong one!" },
      });
      if (res.status === 429) refused = res;
    }
    if (!refused) throw new Error("never refused");
    expect(refused.headers.get("RateLimit-Remaining")).toBe("0");
    expect(Number(refused.headers.get("RateLimit-Limit"))).toBeLessThan(600);
  });
});
