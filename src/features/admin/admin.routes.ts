// Admin: metrics (cache hit ratios, rate-limit refusals, requests, latency and a time series) and cache invalidation.
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { appCache } from "../../http/app-cache";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { flushMetrics, metricsObject, SERIES_MINUTES, seriesMinute } from "../../http/metrics";
import { json } from "../../http/openapi";
import { adminRoute } from "../auth";
import { CacheNamespaceParamSchema, MetricsSchema } from "./admin.schema";
import { metricsView } from "./metrics-view";

export function createAdminRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    adminRoute({
      method: "get",
      path: "/api/admin/metrics",
      tags: ["admin"],
      summary: "Cache hit ratios, rate-limit refusals, requests by route and status, latency, a time series (admin)",
      description:
        "`cache`, `rateLimitRefusals`, `requests` and `statuses` count since the Metrics object was created; " +
        "`latency` (per-route histograms with p50/p95) and `series` (requests and errors per minute) cover " +
        "the last hour. Each isolate flushes its counts every 5 s, so the newest seconds of other isolates " +
        "may be missing.",
      responses: { 200: json(MetricsSchema, "Counters, histograms and the series") },
    }),
    async (c) => {
      await flushMetrics(c.env);
      const nowMinute = seriesMinute(Date.now());
      const metrics = metricsObject(c.env);
      const [raw, window] = await Promise.all([metrics.snapshot(), metrics.window(nowMinute - SERIES_MINUTES + 1)]);
      c.header("Cache-Control", "private, no-store");
      return c.json(metricsView(raw, window, nowMinute), 200);
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
