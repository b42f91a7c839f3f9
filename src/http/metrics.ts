// Metrics wiring: counts from requests, caches and limiters go to one MetricsBuffer per isolate,
// flushed to the Metrics Durable Object under waitUntil at most every few seconds.

import type { CacheEvent } from "@outpost/edge-kit/cache";
import { type Deltas, MetricsBuffer } from "@outpost/edge-kit/metrics";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "./app-env";

const buffer = new MetricsBuffer({ intervalMs: 5_000 });

export function metricsObject(env: Env) {
  return env.METRICS.get(env.METRICS.idFromName("global"));
}

export function recordMetric(name: string, delta = 1): void {
  buffer.add(name, delta);
}

/** A 429 from a rate-limit policy. */
export function recordRefusal(policy: string): void {
  buffer.add(`ratelimit:${policy}`);
}

export function recordCacheEvent(event: CacheEvent): void {
  buffer.add(`cache:${event.namespace}:${event.kind}`);
}

/** Sends buffered counts now; the admin metrics route calls it so its own isolate's counts are included. */
export async function flushMetrics(env: Env): Promise<void> {
  await buffer.flushIfDue((deltas: Deltas) => metricsObject(env).add(deltas), true);
}

/** Counts each request by matched route and status class, then flushes if the interval has passed. */
export function requestMetrics(): MiddlewareHandler<AppEnv> {
  return async (c: Context<AppEnv>, next) => {
    await next();
    const route =
      matchedRoutes(c)
        .filter((r) => r.method !== "ALL")
        .at(-1)?.path ?? "unmatched";
    buffer.add(`requests:${c.req.method} ${route}`);
    buffer.add(`status:${Math.floor(c.res.status / 100)}xx`);
    const flush = buffer.flushIfDue((deltas) => metricsObject(c.env).add(deltas));
    if (flush) c.executionCtx.waitUntil(flush);
  };
}
