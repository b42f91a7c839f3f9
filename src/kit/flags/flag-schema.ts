// Feature flag shapes: what an admin may send, and what is stored (with a server-made salt).
import { z } from "zod";

export const FLAG_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
/** Stored definitions are capped, so a flag can never grow into a large KV value. */
export const MAX_FLAG_BYTES = 8 * 1024;

export const FlagNameSchema = z.string().regex(FLAG_NAME, "1–64 lower-case letters, digits, '_', '.' or '-'");

export const FlagInputSchema = z.strictObject({
  description: z.string().max(500).default(""),
  enabled: z.boolean(),
  rolloutPercentage: z.number().int().min(0).max(100),
  allowList: z
    .array(z.string().min(1).max(64))
    .max(1_000)
    .default([])
    .refine((ids) => new Set(ids).size === ids.length, "must not repeat an id"),
  killSwitch: z.boolean().default(false),
});
export type FlagInput = z.input<typeof FlagInputSchema>;

export const FlagSchema = FlagInputSchema.extend({
  name: FlagNameSchema,
  /** Random per flag and never taken from a request: makes buckets independent across flags. */
  salt: z.string().min(8).max(64),
  updatedAt: z.string(),
  updatedBy: z.string().max(64),
});
export type Flag = z.infer<typeof FlagSchema>;
