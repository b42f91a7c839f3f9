// Admin API shapes, shared with the admin UI.
import { z } from "@hono/zod-openapi";

export const RouteLatencySchema = z
  .object({
    count: z.number().int().openapi({ description: "Requests in the window" }),
    p50Ms: z
      .number()
      .nullable()
      .openapi({
        description:
          "Median as the upper bound of the histogram bucket holding it (an upper estimate); " +
          "null when it lies beyond the last bound",
      }),
    p95Ms: z.number().nullable().openapi({ description: "95th percentile, estimated like p50Ms" }),
    histogram: z.array(z.number().int()).openapi({
      description:
        "Requests per bucket: histogram[i] took at most boundsMs[i] (and more than the bound before); " +
        "the last entry counts everything slower than the last bound",
    }),
  })
  .openapi("RouteLatency");
export type RouteLatency = z.infer<typeof RouteLatencySchema>;

export const LatencySchema = z
  .object({
    windowMinutes: z.number().int().openapi({ description: "The histograms cover the last this many minutes" }),
    boundsMs: z.array(z.number()).openapi({ description: "Upper bounds of the histogram buckets, inclusive" }),
    routes: z.record(z.string(), RouteLatencySchema).openapi({
      description:
        "Per `METHOD /route/:pattern` (the keys of `requests`). Durations are measured with Date.now(), which " +
        "in Workers advances only across I/O: time waiting on storage and subrequests, not CPU time",
    }),
  })
  .openapi("Latency");
export type Latency = z.infer<typeof LatencySchema>;

export const MetricsSeriesPointSchema = z
  .object({
    start: z.string().openapi({ description: "Start of the bucket (ISO 8601)", example: "2026-01-01T12:00:00.000Z" }),
    requests: z.number().int(),
    errors4xx: z.number().int(),
    errors5xx: z.number().int(),
  })
  .openapi("MetricsSeriesPoint");

export const MetricsSeriesSchema = z
  .object({
    bucketSeconds: z.number().int().openapi({ description: "Width of one point" }),
    points: z.array(MetricsSeriesPointSchema).openapi({
      description: "One point per bucket, oldest first, ending with the current (partial) bucket; empty buckets are 0",
    }),
  })
  .openapi("MetricsSeries", { description: "Requests and errors (4xx, 5xx) per time bucket, for a chart" });
export type MetricsSeries = z.infer<typeof MetricsSeriesSchema>;

export const MetricsSchema = z
  .object({
    cache: z
      .record(
        z.string(),
        z.object({
          hit: z.number(),
          miss: z.number(),
          negativeHit: z.number(),
          error: z.number(),
          hitRatio: z.number().nullable(),
        }),
      )
      .openapi({ description: "Per cache namespace" }),
    rateLimitRefusals: z.record(z.string(), z.number()).openapi({ description: "429s per policy" }),
    requests: z.record(z.string(), z.number()).openapi({ description: "Requests per matched route" }),
    statuses: z.record(z.string(), z.number()).openapi({ description: "Responses per status class" }),
    latency: LatencySchema,
    series: MetricsSeriesSchema,
  })
  .openapi("Metrics");
export type Metrics = z.infer<typeof MetricsSchema>;

export const CacheNamespaceParamSchema = z
  .enum(["users", "flags", "files", "previews"])
  .openapi({ param: { name: "namespace", in: "path" } });
