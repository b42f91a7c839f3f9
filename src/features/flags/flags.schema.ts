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
    unavailable: z
      .literal(true)
      .optional()
      .openapi({ description: "Present when the flag store could not be read: `evaluated` holds the defaults" }),
  })
  .openapi("Features");

/** Why a flag is on or off for a caller, as `evaluateFlag` decides it. */
const DECIDED_REASONS = [
  "kill-switch",
  "disabled",
  "allow-list",
  "rollout",
  "outside-rollout",
  "anonymous",
  "invalid",
] as const;

export const FlagEvaluationSchema = z
  .object({
    name: z.string(),
    on: z.boolean(),
    reason: z.enum([...DECIDED_REASONS, "unavailable"]).openapi({
      description: "`unavailable`: the flag store could not be read, so the flag's default applies",
    }),
  })
  .openapi("FlagEvaluation");

export const FlagPreviewUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    reason: z.enum(DECIDED_REASONS),
  })
  .openapi("FlagPreviewUser");

export const FlagPreviewSchema = z
  .object({
    name: z.string(),
    exact: z.boolean().openapi({
      description:
        "True when the flag is already saved: a write keeps its salt, so these are exactly the users who will be " +
        "in. False for a flag not saved yet: its salt is made on the first write, so the preview uses a " +
        "provisional one; the count is a faithful estimate, but who is in will differ",
    }),
    scanned: z.number().int().openapi({ description: "Users evaluated, oldest first" }),
    capped: z
      .boolean()
      .openapi({ description: "True when there are more users than maxUsers and the rest were not evaluated" }),
    maxUsers: z.number().int(),
    on: z.number().int().openapi({ description: "Users (of those scanned) for whom the flag would be on" }),
    off: z.number().int(),
    reasons: z.record(z.string(), z.number().int()).openapi({ description: "Users per evaluation reason" }),
    sampleOn: z.array(FlagPreviewUserSchema).openapi({ description: "Up to 20 users who would be in, oldest first" }),
    sampleOff: z.array(FlagPreviewUserSchema).openapi({ description: "Up to 20 users who would not" }),
  })
  .openapi("FlagPreview");
export type FlagPreview = z.infer<typeof FlagPreviewSchema>;
