// The Metrics object's raw counters → the grouped view the admin page charts.
import { LATENCY_BOUNDS_MS, SERIES_BUCKET_MS, SERIES_MINUTES } from "../../http/metrics";
import type { Latency, Metrics, MetricsSeries, RouteLatency } from "./admin.schema";
import type { MetricsWindow, TimedCount } from "./metrics";

type AllTime = Pick<Metrics, "cache" | "rateLimitRefusals" | "requests" | "statuses">;

/** All-time counter names (`cache:users:hit`, `requests:GET /api/status`…) grouped by kind. */
export function groupCounters(raw: Record<string, number>): AllTime {
  const out: AllTime = { cache: {}, rateLimitRefusals: {}, requests: {}, statuses: {} };
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

/**
 * The `q` quantile (0–1) of a fixed-bucket histogram, as the upper bound of the bucket holding it: an
 * upper estimate, off by at most that bucket's width. Null for an empty histogram, or when the quantile
 * falls in the overflow bucket (beyond the last bound).
 */
export function histogramQuantile(histogram: readonly number[], boundsMs: readonly number[], q: number): number | null {
  const count = histogram.reduce((sum, n) => sum + n, 0);
  if (count === 0) return null;
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (const [i, n] of histogram.entries()) {
    seen += n;
    if (seen >= rank) return boundsMs[i] ?? null;
  }
  return null;
}

const LATENCY_NAME = /^latency:(\d{1,2}):(.+)$/;

/** `latency:<bucket>:<route>` totals → a histogram, count and p50/p95 per route. */
export function latencyView(totals: Record<string, number>, boundsMs = LATENCY_BOUNDS_MS): Latency {
  const histograms = new Map<string, number[]>();
  for (const [name, value] of Object.entries(totals)) {
    const match = LATENCY_NAME.exec(name);
    const bucket = Number(match?.[1]);
    const route = match?.[2];
    if (!route || bucket > boundsMs.length) continue;
    const histogram = histograms.get(route) ?? Array.from({ length: boundsMs.length + 1 }, () => 0);
    histogram[bucket] = (histogram[bucket] ?? 0) + value;
    histograms.set(route, histogram);
  }
  const routes: Record<string, RouteLatency> = {};
  for (const [route, histogram] of [...histograms].sort(([a], [b]) => (a < b ? -1 : 1))) {
    routes[route] = {
      count: histogram.reduce((sum, n) => sum + n, 0),
      p50Ms: histogramQuantile(histogram, boundsMs, 0.5),
      p95Ms: histogramQuantile(histogram, boundsMs, 0.95),
      histogram,
    };
  }
  return { windowMinutes: SERIES_MINUTES, boundsMs: [...boundsMs], routes };
}

/**
 * Per-minute status counts → SERIES_MINUTES points ending with `nowMinute` (the current, partial minute),
 * zero-filled, so a chart's x axis never has gaps.
 */
export function seriesView(statuses: readonly TimedCount[], nowMinute: number): MetricsSeries {
  const first = nowMinute - SERIES_MINUTES + 1;
  const points = Array.from({ length: SERIES_MINUTES }, (_, i) => ({
    start: new Date((first + i) * SERIES_BUCKET_MS).toISOString(),
    requests: 0,
    errors4xx: 0,
    errors5xx: 0,
  }));
  for (const { minute, name, value } of statuses) {
    const point = points[minute - first];
    if (!point) continue;
    point.requests += value;
    if (name === "status:4xx") point.errors4xx += value;
    else if (name === "status:5xx") point.errors5xx += value;
  }
  return { bucketSeconds: SERIES_BUCKET_MS / 1_000, points };
}

/** The whole admin view: all-time counters, plus latency and series from the last hour's window. */
export function metricsView(raw: Record<string, number>, window: MetricsWindow, nowMinute: number): Metrics {
  return {
    ...groupCounters(raw),
    latency: latencyView(window.latency),
    series: seriesView(window.statuses, nowMinute),
  };
}
