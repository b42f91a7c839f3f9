// Admin API shapes, shared with the admin UI.
import { z } from "@hono/zod-openapi";

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
  })
  .openapi("Metrics");
export type Metrics = z.infer<typeof MetricsSchema>;

export const CacheNamespaceParamSchema = z
  .enum(["users", "flags", "files", "previews"])
  .openapi({ param: { name: "namespace", in: "path" } });
