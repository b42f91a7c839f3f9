// Admin metrics and caches through the Worker: counts, latency and series that add up, invalidation that takes.
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, call, registerUser } from "../../../test/helpers";
import type { Metrics } from "./admin.schema";

let admin: Client;
let member: Awaited<ReturnType<typeof registerUser>>;

beforeAll(async () => {
  admin = (await registerUser("metrics-admin")).client;
  member = await registerUser("metrics-member");
});

const metrics = async () => (await admin.fetch("/api/admin/metrics")).json<Metrics>();

describe("GET /api/admin/metrics", () => {
  it("is for admins only", async () => {
    expect((await call("/api/admin/metrics")).status).toBe(401);
    expect((await member.client.fetch("/api/admin/metrics")).status).toBe(403);
  });

  it("counts requests by route and status class", async () => {
    const before = await metrics();
    for (let i = 0; i < 3; i++) await call("/api/status");
    await call("/api/nope");
    const after = await metrics();
    expect((after.requests["GET /api/status"] ?? 0) - (before.requests["GET /api/status"] ?? 0)).toBe(3);
    expect((after.statuses["4xx"] ?? 0) - (before.statuses["4xx"] ?? 0)).toBeGreaterThanOrEqual(1);
  });

  it("reports cache hits and misses per namespace with a hit ratio", async () => {
    const ids = member.user.id;
    await member.client.fetch(`/api/users/lookup?ids=${ids}`); // miss, then write
    await member.client.fetch(`/api/users/lookup?ids=${ids}`); // hit
    const { cache } = await metrics();
    expect(cache.users?.miss).toBeGreaterThanOrEqual(1);
    expect(cache.users?.hit).toBeGreaterThanOrEqual(1);
    expect(cache.users?.hitRatio).toBeGreaterThan(0);
    expect(cache.users?.hitRatio).toBeLessThan(1);
  });

  it("counts rate-limit refusals per policy", async () => {
    const before = (await metrics()).rateLimitRefusals.auth ?? 0;
    const ip = "203.0.113.77";
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) {
      const res = await call("/api/auth/login", {
        method: "POST",
        ip,
        json: { email: `nobody${i}@example.com`, password: "x" },
      });
      statuses.push(res.status);
    }
    const refused = statuses.filter((s) => s === 429).length;
    expect(refused).toBeGreaterThan(0);
    expect(((await metrics()).rateLimitRefusals.auth ?? 0) - before).toBe(refused);
  });
});

const sum = (values: readonly number[]) => values.reduce((total, n) => total + n, 0);

describe("GET /api/admin/metrics latency", () => {
  it("keeps a fixed histogram with count, p50 and p95 per route, for a route that awaited I/O", async () => {
    const route = "GET /api/users/lookup";
    const before = (await metrics()).latency.routes[route]?.count ?? 0;
    // Each lookup awaits KV and D1, so Date.now() moves during it (it only advances across I/O in workerd).
    for (let i = 0; i < 3; i++) await member.client.fetch(`/api/users/lookup?ids=${member.user.id}`);
    const { latency } = await metrics();
    expect(latency.windowMinutes).toBe(60);
    expect(latency.boundsMs.length).toBeGreaterThan(3);
    expect([...latency.boundsMs].sort((a, b) => a - b)).toEqual(latency.boundsMs);
    const entry = latency.routes[route];
    expect(entry).toBeDefined();
    if (!entry) return;
    expect(entry.count - before).toBe(3);
    expect(entry.histogram).toHaveLength(latency.boundsMs.length + 1);
    expect(sum(entry.histogram)).toBe(entry.count);
    for (const p of [entry.p50Ms, entry.p95Ms]) if (p !== null) expect(latency.boundsMs).toContain(p);
    if (entry.p50Ms !== null && entry.p95Ms !== null) expect(entry.p50Ms).toBeLessThanOrEqual(entry.p95Ms);
  });

  it("keys routes by their pattern, never by the URL", async () => {
    await member.client.fetch("/api/features/latency-one");
    await member.client.fetch("/api/features/latency-two");
    const { latency } = await metrics();
    const routes = Object.keys(latency.routes);
    expect(routes).toContain("GET /api/features/:name");
    expect(routes.filter((r) => r.includes("latency-one") || r.includes(member.user.id))).toEqual([]);
    expect(latency.routes["GET /api/features/:name"]?.count).toBeGreaterThanOrEqual(2);
  });
});

describe("GET /api/admin/metrics series", () => {
  it("has one zero-filled point a minute for the last hour, ending now", async () => {
    const { series } = await metrics();
    expect(series.bucketSeconds).toBe(60);
    expect(series.points).toHaveLength(60);
    const starts = series.points.map((p) => Date.parse(p.start));
    for (let i = 1; i < starts.length; i++) expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBe(60_000);
    const last = starts.at(-1) ?? 0;
    expect(last % 60_000).toBe(0);
    expect(Math.abs(Date.now() - (last + 30_000))).toBeLessThanOrEqual(90_000);
    for (const p of series.points) expect(p.errors4xx + p.errors5xx).toBeLessThanOrEqual(p.requests);
  });

  it("counts requests and 4xx errors in the current buckets", async () => {
    const total = (m: Metrics, key: "requests" | "errors4xx") => sum(m.series.points.map((p) => p[key]));
    const before = await metrics();
    for (let i = 0; i < 3; i++) await call("/api/status");
    await call("/api/nope");
    await call("/api/nope");
    const after = await metrics();
    // The first metrics call itself is counted too, once its response is out.
    expect(total(after, "requests") - total(before, "requests")).toBeGreaterThanOrEqual(5);
    expect(total(after, "errors4xx") - total(before, "errors4xx")).toBeGreaterThanOrEqual(2);
    expect(sum(Object.values(after.statuses))).toBeGreaterThanOrEqual(total(after, "requests"));
  });
});

describe("users lookup cache", () => {
  it("serves display names in bulk, and a rename is visible at once", async () => {
    const other = await registerUser("lookup-target");
    const ids = [member.user.id, other.user.id, "f".repeat(32)].join(",");
    const first = await (await member.client.fetch(`/api/users/lookup?ids=${ids}`)).json<{
      users: { id: string; displayName: string }[];
    }>();
    expect(first.users).toEqual([
      { id: member.user.id, displayName: "metrics-member" },
      { id: other.user.id, displayName: "lookup-target" },
    ]);
    await other.client.fetch("/api/users/me", { method: "PATCH", json: { displayName: "Renamed Target" } });
    const second = await (await member.client.fetch(`/api/users/lookup?ids=${other.user.id}`)).json<{
      users: { displayName: string }[];
    }>();
    expect(second.users[0]?.displayName).toBe("Renamed Target");
  });

  it("refuses bad id lists and anonymous callers", async () => {
    expect((await call(`/api/users/lookup?ids=${member.user.id}`)).status).toBe(401);
    for (const ids of ["", "xyz", Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(32, "0")).join(",")]) {
      expect((await member.client.fetch(`/api/users/lookup?ids=${ids}`)).status, ids.slice(0, 20)).toBe(400);
    }
  });
});

describe("DELETE /api/admin/cache/:namespace", () => {
  it("invalidates a namespace for admins only, and refuses unknown namespaces", async () => {
    expect((await member.client.fetch("/api/admin/cache/users", { method: "DELETE" })).status).toBe(403);
    const res = await admin.fetch("/api/admin/cache/users", { method: "DELETE" });
    expect(res.status).toBe(200);
    const { version } = await res.json<{ version: number }>();
    expect(version).toBeGreaterThanOrEqual(1);
    const again = await (await admin.fetch("/api/admin/cache/users", { method: "DELETE" })).json<{ version: number }>();
    expect(again.version).toBe(version + 1);
    expect((await admin.fetch("/api/admin/cache/sessions", { method: "DELETE" })).status).toBe(400);
  });
});

describe("edge cache on public routes", () => {
  it("answers a matching If-None-Match with 304, and never for credentialed requests", async () => {
    const first = await call("/api/openapi.json");
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get("Cache-Control")).toBe("public, max-age=300");
    const revalidated = await call("/api/openapi.json", { headers: { "If-None-Match": etag ?? "" } });
    expect(revalidated.status).toBe(304);
    const credentialed = await member.client.fetch("/api/openapi.json", { headers: { "If-None-Match": etag ?? "" } });
    expect(credentialed.status).toBe(200);
    expect(credentialed.headers.get("ETag")).toBeNull();
  });

  it("never caches private responses", async () => {
    const me = await member.client.fetch("/api/auth/me");
    expect(me.headers.get("Cache-Control")).toContain("no-store");
    expect((await call("/api/auth/me")).status).toBe(401);
  });
});
