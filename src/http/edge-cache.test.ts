import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "./app-env";
import { type EdgeCacheEvent, type EdgeCacheOptions, edgeCache, isStorableResponse } from "./edge-cache";

let hosts = 0;
/** The cache is keyed by URL and shared by the tests of this file: each app gets a host of its own. */
const freshBase = () => `https://edge-${hosts++}.outpost.test`;

/** A tiny app with public routes behind one edgeCache, counting handler calls per path. */
function publicApp(options: Partial<EdgeCacheOptions> = {}) {
  const base = freshBase();
  const calls = new Map<string, number>();
  const events: EdgeCacheEvent[] = [];
  const app = new Hono<AppEnv>();
  const count = (path: string) => calls.set(path, (calls.get(path) ?? 0) + 1).get(path) ?? 0;
  // Like the request-id and rate-limit middleware: headers prepared for one request, before the route runs.
  app.use("*", async (c, next) => {
    c.header("X-Per-Request", c.req.header("X-Client") ?? "none");
    await next();
  });
  const cached = edgeCache({ maxAgeSeconds: 120, onEvent: (kind) => events.push(kind), ...options });
  app.get("/doc", cached, (c) => c.json({ doc: "public", call: count("/doc") }));
  app.get("/static", cached, (c) => {
    count("/static");
    return c.json({ doc: "the same bytes for every app" });
  });
  app.get("/whoami", cached, (c) => {
    count("/whoami");
    const auth = c.req.header("Authorization") ?? c.req.header("Cookie") ?? "anonymous";
    return c.json({ user: auth });
  });
  app.get("/sets-cookie", cached, (c) => {
    count("/sets-cookie");
    c.header("Set-Cookie", "tracking=1; Path=/; HttpOnly");
    return c.json({ ok: true });
  });
  app.get("/not-found", cached, (c) => c.json({ call: count("/not-found") }, 404));
  app.get("/fails", cached, (c) => c.json({ call: count("/fails") }, 500));
  app.get("/private", cached, (c) => {
    c.header("Cache-Control", "private, max-age=60");
    return c.json({ call: count("/private") });
  });
  app.get("/no-store", cached, (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ call: count("/no-store") });
  });
  app.get("/debug-header", cached, (c) => {
    c.header("X-Debug", `call-${count("/debug-header")}`);
    return c.json({ same: true });
  });
  app.post("/doc", cached, (c) => c.json({ call: count("POST /doc") }));

  /** One request through the app, with an execution context whose waitUntil work is finished on return. */
  const request = async (path: string, init: RequestInit = {}) => {
    const ctx = createExecutionContext();
    const res = await app.request(`${base}${path}`, init, env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return { app, base, request, calls: (path: string) => calls.get(path) ?? 0, events };
}

describe("edgeCache", () => {
  it("serves the second request from the cache, with the same strong ETag", async () => {
    const { request, calls, events } = publicApp();
    const first = await request("/doc");
    const second = await request("/doc");
    expect(calls("/doc")).toBe(1);
    expect(await second.json()).toEqual(await first.json());
    expect(first.headers.get("ETag")).toMatch(/^"[0-9a-f]{32}"$/);
    expect(second.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(second.headers.get("Cache-Control")).toBe("public, max-age=120");
    expect(events).toEqual(["miss", "hit"]);
  });

  it("answers a matching If-None-Match with 304 and no body, on a hit and on a miss", async () => {
    const { request, calls } = publicApp();
    const etag = (await request("/doc")).headers.get("ETag") ?? "";
    const revalidated = await request("/doc", { headers: { "If-None-Match": etag } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
    expect(revalidated.headers.get("ETag")).toBe(etag);
    expect(revalidated.headers.get("Cache-Control")).toBe("public, max-age=120");
    const changed = await request("/doc", { headers: { "If-None-Match": '"0123456789abcdef0123456789abcdef"' } });
    expect(changed.status).toBe(200);

    expect(calls("/doc")).toBe(1);

    // The same bytes under another host: its first, uncached answer is already a 304 for that ETag.
    const staticEtag = (await request("/static")).headers.get("ETag") ?? "";
    const other = publicApp();
    expect((await other.request("/static", { headers: { "If-None-Match": staticEtag } })).status).toBe(304);
    expect(other.calls("/static")).toBe(1);
  });

  it("passes requests with Authorization or any Cookie straight to the route, and stores nothing for them", async () => {
    const cases: Record<string, string>[] = [
      { Authorization: "Bearer alice-token" },
      { Cookie: "__Host-outpost_session=alice-token" },
      { Cookie: "theme=dark" },
    ];
    for (const credentials of cases) {
      const { request, calls, events } = publicApp();
      const personal = await request("/whoami", { headers: credentials });
      expect(personal.headers.get("ETag")).toBeNull();
      expect(personal.headers.get("Cache-Control")).toBeNull();
      const anonymous = await request("/whoami");
      expect(await anonymous.json()).toEqual({ user: "anonymous" });
      await request("/whoami", { headers: credentials });
      expect(calls("/whoami")).toBe(3);
      expect(events).toEqual(["bypass", "miss", "bypass"]);
    }
  });

  it("never stores a response with Set-Cookie, a 404, a 500, or Cache-Control private/no-store", async () => {
    const { request, calls } = publicApp();
    for (const path of ["/sets-cookie", "/not-found", "/fails", "/private", "/no-store"]) {
      const first = await request(path);
      await request(path);
      expect(calls(path), path).toBe(2);
      expect(first.headers.get("ETag"), path).toBeNull();
      expect(first.headers.get("Cache-Control") ?? "", path).not.toContain("public");
    }
    expect((await request("/sets-cookie")).headers.get("Set-Cookie")).toContain("tracking=1");
  });

  it("never serves a response cached for anyone to a credentialed request, nor the reverse", async () => {
    const identity = fc.constantFrom<{ name: string; headers: Record<string, string> }>(
      { name: "anonymous", headers: {} },
      { name: "Bearer alice", headers: { Authorization: "Bearer alice" } },
      { name: "__Host-outpost_session=bob", headers: { Cookie: "__Host-outpost_session=bob" } },
    );
    let crossUser = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(identity, { minLength: 1, maxLength: 8 }), async (sequence) => {
        const { request } = publicApp();
        for (const who of sequence) {
          const { user } = await (await request("/whoami", { headers: who.headers })).json<{ user: string }>();
          if (user !== who.name) crossUser++;
        }
      }),
      { seed: 9_001, numRuns: 25 },
    );
    expect(crossUser).toBe(0);
  });

  it("stores representation headers only: one request's headers never reach the next", async () => {
    const { request } = publicApp();
    const first = await request("/debug-header", { headers: { "X-Client": "first" } });
    expect(first.headers.get("X-Per-Request")).toBe("first");
    expect(first.headers.get("X-Debug")).toBe("call-1");
    const second = await request("/debug-header", { headers: { "X-Client": "second" } });
    expect(second.headers.get("X-Per-Request")).toBe("second");
    expect(second.headers.get("X-Debug")).toBeNull();
    expect(second.headers.get("Content-Type")).toContain("application/json");
  });

  it("caches GET only", async () => {
    const { request, calls } = publicApp();
    await request("/doc", { method: "POST" });
    await request("/doc", { method: "POST" });
    expect(calls("POST /doc")).toBe(2);
  });

  it("stores under waitUntil: the response does not wait for the cache write", async () => {
    let releasePut: () => void = () => {};
    const putGate = new Promise<void>((resolve) => {
      releasePut = resolve;
    });
    const stored: string[] = [];
    const slowCache: Cache = {
      match: async () => undefined,
      delete: async () => false,
      put: async (request) => {
        await putGate;
        stored.push(request instanceof Request ? request.url : String(request));
      },
    };
    const { app, base } = publicApp({ cache: () => slowCache });
    const ctx = createExecutionContext();
    const res = await app.request(`${base}/doc`, {}, env, ctx);
    expect(res.status).toBe(200);
    expect(stored).toEqual([]);
    releasePut();
    await waitOnExecutionContext(ctx);
    expect(stored).toEqual([`${base}/doc`]);
  });

  it("keeps answering from the route when the Cache API fails", async () => {
    const broken: Cache = {
      match: async () => {
        throw new Error("cache unavailable");
      },
      delete: async () => false,
      put: async () => {
        throw new Error("cache unavailable");
      },
    };
    const { request, calls, events } = publicApp({ cache: () => broken });
    expect((await request("/doc")).status).toBe(200);
    expect((await request("/doc")).status).toBe(200);
    expect(calls("/doc")).toBe(2);
    expect(events.filter((kind) => kind === "error").length).toBeGreaterThanOrEqual(2);
  });
});

describe("isStorableResponse", () => {
  const response = (status: number, headers: Record<string, string> = {}) =>
    new Response(status === 304 ? null : "x", { status, headers });

  it("accepts a plain 200, and one that varies only by encoding", () => {
    expect(isStorableResponse(response(200))).toBe(true);
    expect(isStorableResponse(response(200, { "Cache-Control": "public, max-age=60" }))).toBe(true);
    expect(isStorableResponse(response(200, { Vary: "Accept-Encoding" }))).toBe(true);
  });

  it("refuses what must not be shared or cannot be keyed by URL alone", () => {
    for (const res of [
      response(201),
      response(206),
      response(304),
      response(200, { "Set-Cookie": "a=b" }),
      response(200, { "Cache-Control": "PRIVATE" }),
      response(200, { "Cache-Control": "public, no-store" }),
      response(200, { "Cache-Control": "no-cache" }),
      response(200, { Vary: "*" }),
      response(200, { Vary: "Accept-Encoding, Accept-Language" }),
    ]) {
      expect(isStorableResponse(res), `${res.status} ${[...res.headers].join(" ")}`).toBe(false);
    }
  });
});
