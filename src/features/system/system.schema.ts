// Shapes of the system routes (status), shared with the UI's home page.
import { z } from "@hono/zod-openapi";

export const BINDING_NAMES = [
  "DB",
  "SESSIONS",
  "CACHE",
  "CONFIG",
  "FILES",
  "FILE_EVENTS",
  "CHAT_ROOM",
  "RATE_LIMITER",
  "COUNTER",
  "USER_STATS",
  "METRICS",
  "AI",
  "UNFURL",
  "ASSETS",
] as const;

export const StatusSchema = z
  .object({
    name: z.literal("outpost"),
    version: z.string(),
    environment: z.string(),
    time: z.string(),
    bindings: z.record(z.string(), z.boolean()).openapi({ description: "Which bindings are configured" }),
    ai: z.object({
      provider: z.enum(["offline", "workers-ai", "openai"]),
      available: z.boolean().openapi({ description: "Whether what the provider needs is present" }),
    }),
    services: z.object({ unfurl: z.enum(["ok", "unreachable", "absent"]) }),
    migrations: z.object({
      state: z.enum(["current", "pending", "unavailable"]),
      applied: z.number().int(),
      pending: z.array(z.string()),
    }),
  })
  .openapi("Status");

export type Status = z.infer<typeof StatusSchema>;
