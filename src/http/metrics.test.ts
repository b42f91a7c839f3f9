// Request metrics: route patterns rather than URLs, a duration in its histogram bucket, counts per minute.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "./app-env";
import {
  flushMetrics,
  LATENCY_BOUNDS_MS,
  latencyBucket,
  metricsObject,
  requestMetrics,
  SERIES_BUCKET_MS,
  seriesMinute,
} from "./metrics";

describe("latencyBucket", () => {
  it("puts a duration in the first bucket whose bound it does not exceed", () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(5)).toBe(0);
    expect(latencyBucket(6)).toBe(1);
    expect(latencyBucket(LATENCY_BOUNDS_MS.at(-1) ?? 0)).toBe(LATENCY_BOUNDS_MS.length - 1);
    expect(latencyBucket(10 * 60_000)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it("has strictly increasing bounds", () => {
    for (let i = 1; i < LATENCY_BOUNDS_MS.length; i++) {
      expect(LATENCY_BOUNDS_MS[i] ?? 0).toBeGreaterThan(LATENCY_BOUNDS_MS[i - 1] ?? 0);
    }
  });
});

describe("seriesMinute", () => {
  it("cuts time into whole minutes since the epoch", () => {
    expect(seriesMinute(0)).toBe(0);
    expect(seriesMinute(SERIES_BUCKET_MS - 1)).toBe(0);
    expect(seriesMinute(SERIES_BUCKET_MS * 7 + 1)).toBe(7);
  });
});

describe("requestMetrics", () => {
  it("records each request under its route pattern with its duration's bucket and its minute", async () => {
    // A clock that says each request took 30 ms (the 25–50 ms bucket), starting now.
    const start = Date.now();
    let calls = 0;
    const clock = () => start + (calls++ % 2 === 0 ? 0 : 30);
    const app = new Hono<AppEnv>();
    app.use("*", requestMetrics(clock));
    app.get("/things/:id", (c) => c.json({ id: c.req.param("id") }));
    for (const id of ["a", "b", "c"]) {
      const ctx = createExecutionContext();
      expect((await app.request(`/things/${id}`, {}, env, ctx)).status).toBe(200);
      await waitOnExecutionContext(ctx);
    }
    const ctx = createExecutionContext();
    expect((await app.request("/elsewhere", {}, env, ctx)).status).toBe(404);
    await waitOnExecutionContext(ctx);
    await flushMetrics(env);

    const minute = seriesMinute(start + 30);
    const window = await metricsObject(env).window(minute);
    expect(window.latency).toMatchObject({
      [`latency:${latencyBucket(30)}:GET /things/:id`]: 3,
      [`latency:${latencyBucket(30)}:GET unmatched`]: 1,
    });
    expect(Object.keys(window.latency).some((name) => /\/things\/[abc]/.test(name))).toBe(false);
    const statuses = window.statuses.filter((row) => row.minute === minute);
    expect(statuses).toEqual(
      expect.arrayContaining([
        { minute, name: "status:2xx", value: 3 },
        { minute, name: "status:4xx", value: 1 },
      ]),
    );
    const allTime = await metricsObject(env).snapshot("requests:");
    expect(allTime["requests:GET /things/:id"]).toBe(3);
  });
});
