// Feature-flag API shapes, shared with the admin UI.
import { z } from "@hono/zod-openapi";
// The schema module itself, not the kit index: the UI type-checks this file without Worker types.
import { FlagInputSchema, FlagSchema } from "@outpost/edge-kit/flags/schema";

export const FlagNameParamSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "1–64 lower-case letters, digits, '_', '.' or '-'")
  .openapi({ param: { name: "name", in: "path" }, example: "new-editor" });

export const FlagBodySchema = FlagInputSchema.openapi("FlagInput");

/** What admins see: everything but the salt. */
export const FlagViewSchema = FlagSchema.omit({ salt: true }).openapi("Flag");
export type FlagView = z.infer<typeof FlagViewSchema>;

export const FeaturesResponseSchema = z
  .object({
    evaluated: z.record(z.string(), z.boolean()).openapi({ description: "Every flag, evaluated for the caller" }),
    definitions: z.array(FlagViewSchema).optional().openapi({ description: "Admins only" }),
    corrupt: z
      .array(z.string())
      .optional()
      .openapi({ description: "Admins only: flags whose stored value is invalid" }),
  })
  .openapi("Features");

export const FlagEvaluationSchema = z
  .object({
    name: z.string(),
    on: z.boolean(),
    reason: z.enum(["kill-switch", "disabled", "allow-list", "rollout", "outside-rollout", "anonymous", "invalid"]),
  })
  .openapi("FlagEvaluation");
