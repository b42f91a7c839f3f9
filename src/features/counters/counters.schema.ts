// Counter shapes shared by the routes, the Durable Object and the UI.
import { z } from "@hono/zod-openapi";

export const MAX_COUNTER_STEP = 1_000;

export const CounterNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, "1–64 letters, digits, '_', '-' or '.'")
  .openapi({ param: { name: "name", in: "path" }, example: "visits" });

/**
 * `amount` arrives as a query string. Only plain decimal integers 1…1000 pass: `abc`, `1e20`, `-5`, `1.5`
 * and `0x10` are refused, so the stored value can never become NaN or lose precision.
 */
export const AmountSchema = z
  .string()
  .regex(/^[0-9]{1,4}$/, "must be a whole number from 1 to 1000")
  .transform(Number)
  .pipe(z.number().int().min(1, "must be at least 1").max(MAX_COUNTER_STEP, "must be at most 1000"))
  .optional()
  .openapi({ param: { name: "amount", in: "query" }, type: "integer", example: "1" });

/** The same step, sent as a JSON body instead of the query string. Unknown keys are refused. */
export const CounterStepBodySchema = z
  .strictObject({ amount: z.number().int().min(1).max(MAX_COUNTER_STEP) })
  .partial()
  .openapi("CounterStep");

export const CounterActionSchema = z.enum(["increment", "decrement", "reset"]).openapi({
  param: { name: "action", in: "path" },
});

export const CounterValueSchema = z.object({ name: z.string(), value: z.number().int() }).openapi("CounterValue");

export type CounterValue = z.infer<typeof CounterValueSchema>;

/** What the Durable Object answers: a value, or the reason it refused to change. */
export type CounterResult =
  | { ok: true; value: number }
  | { ok: false; reason: "overflow" | "invalid-step"; value: number };
