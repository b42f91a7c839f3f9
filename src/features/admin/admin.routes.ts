// Admin: metrics (cache hit ratios, rate-limit refusals, requests by route) and cache invalidation.
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { appCache } from "../../http/app-cache";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { flushMetrics, metricsObject } from "../../http/metrics";
import { json } from "../../http/openapi";
import { adminRoute } from "../auth";
import { CacheNamespaceParamSchema, type Metrics, MetricsSchema } from "./admin.schema";

/** Counter names → the grouped view the admin page charts. */
function groupMetrics(raw: Record<string, number>): Metrics {
  const out: Metrics = { cache: {}, rateLimitRefusals: {}, requests: {}, statuses: {} };
  for (const [name, value] of Object.entries(raw)) {
    const [kind, ...rest] = name.split(":");
    if (kind === "cache" && rest.length === 2) {
      const [namespace = "", event = ""] = rest;
      const entry = out.cache[namespace] ?? { hit: 0, miss: 0, negativeHit: 0, error: 0, hitRatio: null };
      out.cache[namespace] = entry;
      if (event === "hit") entry.hit += value;
      else if (event === "miss") entry.miss += value;
      else if (event === "negative-hit") entry.negativeHit += value;
      else if (event === "error") entry.error += value;
    } else if (kind === "ratelimit") out.rateLimitRefusals[rest.join(":")] = value;
    else if (kind === "requests") out.requests[rest.join(":")] = value;
    else if (kind === "status") out.statuses[rest.join(":")] = value;
  }
  for (const entry of Object.values(out.cache)) {
    const reads = entry.hit + entry.negativeHit + entry.miss;
    entry.hitRatio = reads === 0 ? null : (entry.hit + entry.negativeHit) / reads;
  }
  return out;
}

export function createAdminRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    adminRoute({
      method: "get",
      path: "/api/admin/metrics",
      tags: ["admin"],
      summary: "Cache hit ratios, rate-limit refusals, requests by route and status (admin)",
      responses: { 200: json(MetricsSchema, "Counters since the Metrics object was created") },
    }),
    async (c) => {
      await flushMetrics(c.env);
      c.header("Cache-Control", "private, no-store");
      return c.json(groupMetrics(await metricsObject(c.env).snapshot()), 200);
    },
  );

  router.openapi(
    adminRoute({
      method: "delete",
      path: "/api/admin/cache/{namespace}",
      tags: ["admin"],
      summary: "Invalidate a whole cache namespace with one write (admin)",
      request: { params: z.object({ namespace: CacheNamespaceParamSchema }) },
      responses: {
        200: json(z.object({ namespace: z.string(), version: z.number().int() }), "The namespace's new version"),
      },
    }),
    async (c) => {
      const { namespace } = c.req.valid("param");
      const version = await appCache(c, namespace).invalidateAll();
      c.get("logger").info("cache invalidated", { namespace, version, by: c.get("principal")?.userId });
      return c.json({ namespace, version }, 200);
    },
  );

  return router;
}
