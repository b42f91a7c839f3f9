// The admin metrics view: quantiles from fixed histograms, per-route latency, a gap-free series.
import { describe, expect, it } from "vitest";
import { LATENCY_BOUNDS_MS, SERIES_MINUTES } from "../../http/metrics";
import { groupCounters, histogramQuantile, latencyView, seriesView } from "./metrics-view";

const BOUNDS = [10, 100, 1_000];

describe("histogramQuantile", () => {
  it("answers the upper bound of the bucket holding the quantile", () => {
    expect(histogramQuantile([6, 3, 1, 0], BOUNDS, 0.5)).toBe(10);
    expect(histogramQuantile([6, 3, 1, 0], BOUNDS, 0.95)).toBe(1_000);
    expect(histogramQuantile([0, 0, 4, 0], BOUNDS, 0.5)).toBe(1_000);
    expect(histogramQuantile([1, 0, 0, 0], BOUNDS, 0.95)).toBe(10);
  });

  it("is null for an empty histogram and beyond the last bound", () => {
    expect(histogramQuantile([0, 0, 0, 0], BOUNDS, 0.5)).toBeNull();
    expect(histogramQuantile([1, 0, 0, 9], BOUNDS, 0.5)).toBeNull();
  });
});

describe("latencyView", () => {
  it("builds one histogram per route with its count and p50/p95", () => {
    const view = latencyView(
      {
        "latency:0:GET /api/status": 95,
        "latency:2:GET /api/status": 5,
        "latency:1:GET /api/files/:id": 1,
        "latency:3:GET /api/files/:id": 1,
        "latency:9:GET /api/odd": 1,
        "requests:GET /api/status": 100,
      },
      BOUNDS,
    );
    expect(view.boundsMs).toEqual(BOUNDS);
    expect(view.windowMinutes).toBe(SERIES_MINUTES);
    expect(view.routes).toEqual({
      "GET /api/files/:id": { count: 2, p50Ms: 100, p95Ms: null, histogram: [0, 1, 0, 1] },
      "GET /api/status": { count: 100, p50Ms: 10, p95Ms: 10, histogram: [95, 0, 5, 0] },
    });
  });

  it("uses the recorded bounds by default", () => {
    expect(latencyView({}).boundsMs).toEqual(LATENCY_BOUNDS_MS);
  });
});

describe("seriesView", () => {
  it("fills every minute of the hour, oldest first, with requests and 4xx/5xx errors", () => {
    const now = 29_000_000;
    const series = seriesView(
      [
        { minute: now - 59, name: "status:2xx", value: 3 },
        { minute: now - 59, name: "status:4xx", value: 1 },
        { minute: now, name: "status:5xx", value: 2 },
        { minute: now, name: "status:2xx", value: 1 },
        { minute: now - 60, name: "status:2xx", value: 50 },
      ],
      now,
    );
    expect(series.bucketSeconds).toBe(60);
    expect(series.points).toHaveLength(60);
    expect(series.points[0]).toEqual({
      start: new Date((now - 59) * 60_000).toISOString(),
      requests: 4,
      errors4xx: 1,
      errors5xx: 0,
    });
    expect(series.points[1]).toMatchObject({ requests: 0, errors4xx: 0, errors5xx: 0 });
    expect(series.points.at(-1)).toEqual({
      start: new Date(now * 60_000).toISOString(),
      requests: 3,
      errors4xx: 0,
      errors5xx: 2,
    });
  });
});

describe("groupCounters", () => {
  it("keeps the all-time fields as they were", () => {
    expect(
      groupCounters({
        "cache:users:hit": 3,
        "cache:users:miss": 1,
        "ratelimit:auth": 2,
        "requests:GET /api/status": 4,
        "status:2xx": 4,
      }),
    ).toEqual({
      cache: { users: { hit: 3, miss: 1, negativeHit: 0, error: 0, hitRatio: 0.75 } },
      rateLimitRefusals: { auth: 2 },
      requests: { "GET /api/status": 4 },
      statuses: { "2xx": 4 },
    });
  });
});
