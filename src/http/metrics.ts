// Metrics wiring: counts from requests, caches and limiters go to one MetricsBuffer per isolate,
// flushed to the Metrics Durable Object under waitUntil at most every few seconds.

import type { CacheEvent } from "@outpost/edge-kit/cache";
import { type Deltas, MetricsBuffer } from "@outpost/edge-kit/metrics";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "./app-env";

const buffer = new MetricsBuffer({ intervalMs: 5_000 });

/**
 * Time-bucketed counters share the buffer with the all-time ones, under names that carry their minute:
 *
 *   at:<epoch minute>:status:<N>xx                       responses per status class in that minute
 *   at:<epoch minute>:latency:<bucket>:<METHOD route>    requests of that route whose duration fell in
 *                                                        histogram bucket <bucket> (see LATENCY_BOUNDS_MS)
 *
 * The Metrics object keeps them in a table keyed by minute and drops minutes older than SERIES_MINUTES, so
 * storage is bounded by SERIES_MINUTES × (status classes + routes × histogram buckets) whatever the traffic.
 * A route is the Hono route pattern (`/api/files/:id`), never the URL, so the number of routes is bounded.
 */
export const TIMED_PREFIX = "at:";

/** Width of one time bucket. */
export const SERIES_BUCKET_MS = 60_000;

/** Minutes of history kept and reported: the last hour, one point a minute. */
export const SERIES_MINUTES = 60;

/**
 * Upper bounds (inclusive, ms) of the latency histogram's buckets; one more bucket counts everything slower.
 * Fixed bounds make a histogram a constant-size sum that merges across isolates and minutes by addition.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000];

/** The histogram bucket of a duration: the first bound it does not exceed, or the overflow bucket. */
export function latencyBucket(durationMs: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => durationMs <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

/** The time bucket (whole minutes since the epoch) of an instant. */
export function seriesMinute(epochMs: number): number {
  return Math.floor(epochMs / SERIES_BUCKET_MS);
}

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

/** `METHOD /route/:pattern` of the route that answered, or `METHOD unmatched`. */
function routeLabel(c: Context<AppEnv>): string {
  const route =
    matchedRoutes(c)
      .filter((r) => r.method !== "ALL")
      .at(-1)?.path ?? "unmatched";
  return `${c.req.method} ${route}`;
}

/**
 * Counts each request by matched route and status class (all time), and by minute with its duration in the
 * route's latency histogram; then flushes if the interval has passed. Four in-memory additions a request;
 * the Durable Object still sees at most one call per isolate per interval.
 *
 * Durations come from Date.now(), which in Workers only advances across I/O (a Spectre mitigation:
 * developers.cloudflare.com/workers/reference/security-model/), so they measure time spent waiting on
 * subrequests and storage, and pure CPU work reads as 0 ms.
 */
export function requestMetrics(now: () => number = Date.now): MiddlewareHandler<AppEnv> {
  return async (c: Context<AppEnv>, next) => {
    const started = now();
    await next();
    const ended = now();
    const route = routeLabel(c);
    const status = `${Math.floor(c.res.status / 100)}xx`;
    const minute = seriesMinute(ended);
    buffer.add(`requests:${route}`);
    buffer.add(`status:${status}`);
    buffer.add(`${TIMED_PREFIX}${minute}:status:${status}`);
    buffer.add(`${TIMED_PREFIX}${minute}:latency:${latencyBucket(Math.max(0, ended - started))}:${route}`);
    const flush = buffer.flushIfDue((deltas) => metricsObject(c.env).add(deltas));
    if (flush) c.executionCtx.waitUntil(flush);
  };
}
