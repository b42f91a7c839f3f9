// The edge cache stores only what is safe to share: 200s without cookies, for requests without credentials.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "./app-env";
import { edgeCache } from "./edge-cache";

function appWithCounts() {
  const calls: Record<string, number> = {};
  const app = new Hono<AppEnv>();
  const count = (name: string) => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  app.use("*", edgeCache({ maxAgeSeconds: 60 }));
  app.get("/public", (c) => {
    count("public");
    return c.text("same for everyone");
  });
  app.get("/with-cookie", (c) => {
    count("with-cookie");
    c.header("Set-Cookie", "a=b");
    return c.text("personal");
  });
  app.get("/missing", (c) => {
    count("missing");
    return c.text("nope", 404);
  });
  app.get("/private", (c) => {
    count("private");
    c.header("Cache-Control", "private");
    return c.text("mine");
  });
  // A host of its own, so entries cached by one test are never seen by another.
  const host = `https://edge-${crypto.randomUUID()}.test`;
  const request = async (path: string, headers: Record<string, string> = {}) => {
    const ctx = createExecutionContext();
    const res = await app.request(`${host}${path}`, { headers }, env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return { calls, request };
}

describe("edgeCache", () => {
  it("serves a public 200 from the cache the second time", async () => {
    const { calls, request } = appWithCounts();
    expect(await (await request("/public")).text()).toBe("same for everyone");
    const second = await request("/public");
    expect(await second.text()).toBe("same for everyone");
    expect(calls.public).toBe(1);
  });

  it("never stores responses with Set-Cookie, non-200 statuses or Cache-Control: private", async () => {
    const { calls, request } = appWithCounts();
    for (const path of ["/with-cookie", "/missing", "/private"]) {
      await request(path);
      await request(path);
    }
    expect(calls).toMatchObject({ "with-cookie": 2, missing: 2, private: 2 });
  });

  it("bypasses the cache for requests with credentials, in both directions", async () => {
    const { calls, request } = appWithCounts();
    await request("/public", { Authorization: "Bearer x" });
    await request("/public", { Cookie: "__Host-outpost_session=y" });
    expect(calls.public).toBe(2);
  });
});
